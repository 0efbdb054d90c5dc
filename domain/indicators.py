"""Smelters' monthly indicators against the province's 2025 targets (docs/domain.md, Smelter
indicators): the direct-alloying ratio and AC power per tonne of liquid aluminium."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from domain.auth import Actor
from domain.catalogue import seed_rows
from domain.errors import Conflict, InvalidInput, NotFound, RuleViolation
from domain.models import Org, SmelterIndicator
from domain.orgs import get_org
from domain.reports import period_bounds


@dataclass(frozen=True)
class Target:
    indicator: str
    value: Decimal
    unit: str
    source: str


@lru_cache(maxsize=1)
def targets() -> dict[str, Target]:
    return {r["indicator"]: Target(r["indicator"], Decimal(r["value"]), r["unit"], r["source"])
            for r in seed_rows("indicator_targets.csv")}


def record_indicators(session: Session, *, actor: Actor, org_code: str, month: str,
                      liquid_al_kg: int, direct_alloyed_kg: int, ac_kwh: int,
                      ) -> SmelterIndicator:
    """One month of a smelter, recorded by its operators or managers, once."""
    actor.require("operator", "manager")
    org = get_org(session, org_code)
    if org.id != actor.org_id:
        raise NotFound(f"no organisation '{org_code}'", code="org-not-found")
    if org.kind != "smelter":
        raise RuleViolation("only smelters record indicators", code="not-a-smelter",
                            pointer="/month")
    if direct_alloyed_kg > liquid_al_kg:
        raise InvalidInput("direct_alloyed_t exceeds liquid_al_t", code="invalid-input",
                           pointer="/direct_alloyed_t")
    if session.execute(select(col(SmelterIndicator.id)).where(
            col(SmelterIndicator.org_id) == org.id, col(SmelterIndicator.month) == month)).first():
        raise Conflict(f"{org_code} has recorded {month} already", code="indicator-exists",
                       pointer="/month")
    assert org.id is not None
    row = SmelterIndicator(org_id=org.id, month=month, liquid_al_kg=liquid_al_kg,
                           direct_alloyed_kg=direct_alloyed_kg, ac_kwh=ac_kwh,
                           recorded_by=actor.user_id)
    session.add(row)
    session.flush()
    return row


@dataclass(frozen=True)
class Totals:
    org_code: str
    name: str
    liquid_kg: int
    direct_kg: int
    ac_kwh: int

    @property
    def direct_ratio(self) -> Fraction | None:
        return Fraction(self.direct_kg, self.liquid_kg) if self.liquid_kg else None

    @property
    def kwh_per_t(self) -> Fraction | None:
        return Fraction(self.ac_kwh * 1000, self.liquid_kg) if self.liquid_kg else None

    def within(self, indicator: str) -> bool | None:
        per_t = self.kwh_per_t
        return None if per_t is None else per_t <= targets()[indicator].value


def month_range(start: date, end: date) -> tuple[str, str]:
    """[first, last] months whose first day lies in [start, end)."""
    first = start if start.day == 1 else date(start.year + start.month // 12,
                                              start.month % 12 + 1, 1)
    last_day = end if end.day > 1 else date(end.year - (end.month == 1),
                                            (end.month - 2) % 12 + 1, 1)
    return f"{first:%Y-%m}", f"{last_day:%Y-%m}"


def indicator_totals(session: Session, *, actor: Actor, start: date, end: date,
                     ) -> list[Totals]:
    """Each smelter's months in [start, end), summed in SQL; smelters see their own."""
    period_bounds(start, end, ZoneInfo("UTC"))  # the same checks of from and to as elsewhere
    first, last = month_range(start, end)
    i = SmelterIndicator
    stmt = (select(col(Org.code), col(Org.name), func.sum(col(i.liquid_al_kg)).label("liquid"),
                   func.sum(col(i.direct_alloyed_kg)).label("direct"),
                   func.sum(col(i.ac_kwh)).label("kwh"))
            .join(Org, col(Org.id) == col(i.org_id))
            .where(col(i.month) >= first, col(i.month) <= last)
            .group_by(col(Org.code), col(Org.name)).order_by(col(Org.code)))
    if not actor.sees_everything:
        stmt = stmt.where(col(i.org_id) == actor.org_id)
    return [Totals(r.code, r.name, int(r.liquid), int(r.direct), int(r.kwh))
            for r in session.execute(stmt)]


def share_at_benchmark(rows: list[Totals]) -> Fraction | None:
    """Liquid aluminium of the smelters at the benchmark over all (production stands for
    capacity)."""
    whole = sum(r.liquid_kg for r in rows)
    at = sum(r.liquid_kg for r in rows if r.within("ac_kwh_per_t_benchmark"))
    return Fraction(at, whole) if whole else None
