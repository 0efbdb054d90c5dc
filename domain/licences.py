"""Hazardous-waste operating licences (危险废物经营许可证): which one covers an activity, and
whether a year's intake passed the licensed capacity. Pure, plus the use case that adds one."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from domain.auth import Actor
from domain.errors import Conflict, InvalidInput, RuleViolation
from domain.findings.policy import threshold
from domain.models import LicenceUse, Org

KINDS = ("comprehensive", "collection")  # 综合经营, 收集经营
# A year's intake above the licensed capacity by more than this share is a finding.


@dataclass(frozen=True)
class Licence:
    number: str
    kind: str
    categories: tuple[str, ...]
    capacity_t_per_year: Decimal | None
    valid_from: date
    valid_to: date

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day <= self.valid_to


def from_json(item: Mapping[str, Any]) -> Licence | None:
    """A stored licence; None for an entry of another shape (stored before licences were
    checked), which covers nothing."""
    try:
        cap = item.get("capacity_t_per_year")
        return Licence(number=str(item["number"]), kind=str(item["kind"]),
                       categories=tuple(str(c) for c in item["categories"]),
                       capacity_t_per_year=None if cap is None else Decimal(str(cap)),
                       valid_from=date.fromisoformat(str(item["valid_from"])[:10]),
                       valid_to=date.fromisoformat(str(item["valid_to"])[:10]))
    except (KeyError, TypeError, ValueError):
        return None


def category_of(waste_code: str) -> str:
    """The category of a National Catalogue of Hazardous Wastes code: its last two digits
    (900-052-31 is HW31)."""
    return f"HW{waste_code[-2:]}"


def covering(licences: Iterable[Licence], category: str, day: date, pointer: str) -> Licence:
    """The licence that covers `category` on `day`, else the reason there is none."""
    held = list(licences)
    if not held:
        raise RuleViolation(f"handling hazardous waste ({category}) needs a hazardous-waste "
                            "operating licence, and the organisation holds none",
                            code="licence-required", pointer=pointer, category=category)
    of_category = [lic for lic in held if category in lic.categories]
    for lic in of_category:
        if lic.valid_on(day):
            return lic
    if of_category:
        lic = of_category[0]
        raise RuleViolation(f"licence {lic.number} for {category} is valid from "
                            f"{lic.valid_from.isoformat()} to {lic.valid_to.isoformat()}, "
                            f"not on {day.isoformat()}", code="licence-expired",
                            pointer=pointer, licence=lic.number)
    raise RuleViolation(f"no licence of the organisation covers {category} (it holds "
                        f"{', '.join(sorted({c for lic in held for c in lic.categories})) or 'none'})",
                        code="licence-category", pointer=pointer, category=category)


@dataclass(frozen=True)
class CapacityExcess:
    """What a `licence-capacity` finding carries."""

    licence: str
    year: int
    capacity_t: Decimal
    handled_kg: Decimal
    ratio: Fraction  # handled ÷ capacity


def licence_capacity_exceeded(licence: Licence, year: int, handled_g: int,
                              ) -> CapacityExcess | None:
    """The excess when a calendar year's intake under `licence` passed its annual capacity by
    more than the policy's margin (seed/finding_policy.csv: 20 %); None when within it or when
    no capacity is configured.

    The findings engine raises `licence-capacity` from this (one call site per licence and
    year; see docs/compliance.md).
    """
    cap = licence.capacity_t_per_year
    if cap is None or cap <= 0:
        return None
    ratio = Fraction(handled_g) / (Fraction(cap) * 1_000_000)
    over = threshold("licence-capacity", "max_over_capacity_pct").value
    if ratio <= 1 + Fraction(over) / 100:
        return None
    return CapacityExcess(licence=licence.number, year=year, capacity_t=cap,
                          handled_kg=Decimal(handled_g) / 1000, ratio=ratio)


def check_new(item: Mapping[str, Any], existing: Sequence[Mapping[str, Any]]) -> Licence:
    """A licence as an administrator adds it: known kind, an order of dates, a new number."""
    lic = from_json(item)
    if lic is None or lic.kind not in KINDS:
        raise InvalidInput("a licence needs number, kind (comprehensive or collection), "
                           "categories, valid_from and valid_to", code="invalid-licence",
                           pointer="/kind")
    if lic.valid_to < lic.valid_from:
        raise InvalidInput("valid_to is before valid_from", code="invalid-licence",
                           pointer="/valid_to")
    if any(str(e.get("number")) == lic.number for e in existing):
        raise Conflict(f"licence {lic.number} is already listed", code="licence-exists",
                       pointer="/number")
    return lic


def add_licence(session: Session, *, actor: Actor, org: Org, item: dict[str, Any]) -> Org:
    """Add a licence to an organisation (platform administrators)."""
    actor.require("admin")
    check_new(item, org.licences)
    org.licences = [*org.licences, item]  # a new list: the JSON column sees the change
    session.add(org)
    session.flush()
    return org


def intake_by_licence(session: Session, *, year: int, tz: ZoneInfo) -> dict[tuple[int, str], int]:
    """Grams of hazardous waste each organisation took in under each licence in a calendar
    year (local dates), summed in SQL: what `licence_capacity_exceeded` measures."""
    lo, hi = (datetime.combine(date(y, 1, 1), time(), tz) for y in (year, year + 1))
    u = LicenceUse
    rows = session.execute(select(col(u.org_id), col(u.licence), func.sum(col(u.grams)))
                           .where(col(u.occurred_at) >= lo, col(u.occurred_at) < hi)
                           .group_by(col(u.org_id), col(u.licence)))
    return {(org_id, number): int(g) for org_id, number, g in rows}


def capacity_excesses(session: Session, *, year: int, tz: ZoneInfo,
                      ) -> list[tuple[str, CapacityExcess]]:
    """Every licence whose intake in `year` passed its capacity by more than 20 %, with the
    organisation's code: the findings engine raises `licence-capacity` for each."""
    intake = intake_by_licence(session, year=year, tz=tz)
    held = session.execute(select(col(Org.id), col(Org.code), col(Org.licences))
                           .where(col(Org.id).in_({org_id for org_id, _ in intake}))
                           .order_by(col(Org.code)))
    out = []
    for org_id, code, stored in held:
        for licence in filter(None, map(from_json, stored or [])):
            excess = licence_capacity_exceeded(licence, year,
                                               intake.get((org_id, licence.number), 0))
            if excess is not None:
                out.append((code, excess))
    return out
