"""Avoided emissions (docs/domain.md, Carbon): eligible recycled metal × (primary − recycled
factor), per producer and metal, under a named factor set; "not configured" rather than a
number for a metal whose factors are missing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from domain.auth import Actor
from domain.catalogue import seed_rows
from domain.errors import Conflict, InvalidInput, NotFound
from domain.models import CarbonFactor
from domain.reports import recycled_share

DEFAULT_SET = "default-2024"
G_PER_T = 1_000_000


@dataclass(frozen=True)
class Factor:
    metal: str  # "" for the grid factor
    kind: str  # primary, recycled, grid
    value: Decimal | None  # None: not configured
    unit: str
    source: str


@lru_cache(maxsize=1)
def seeded() -> dict[str, list[Factor]]:
    """The factor sets of seed/factors.csv, by name."""
    out: dict[str, list[Factor]] = {}
    for r in seed_rows("factors.csv"):
        out.setdefault(r["factor_set"], []).append(Factor(
            r["metal"], r["kind"], Decimal(r["value"]) if r["value"] else None, r["unit"],
            r["source"]))
    return out


def factor_set(session: Session, name: str) -> list[Factor]:
    if name in seeded():
        return seeded()[name]
    rows = session.execute(select(CarbonFactor).where(col(CarbonFactor.factor_set) == name)
                           .order_by(col(CarbonFactor.id))).scalars().all()
    if not rows:
        raise NotFound(f"no factor set '{name}'", code="factor-set-not-found",
                       pointer="/factors")
    return [Factor(r.metal, r.kind, Decimal(r.value), r.unit, r.source) for r in rows]


def create_factor_set(session: Session, *, actor: Actor, name: str,
                      factors: list[dict[str, Any]]) -> list[Factor]:
    """A new named factor set (platform administrators); names are never reused."""
    actor.require("admin")
    assert actor.user_id is not None
    taken = name in seeded() or session.execute(
        select(col(CarbonFactor.id)).where(col(CarbonFactor.factor_set) == name)).first()
    if taken:
        raise Conflict(f"a factor set '{name}' exists", code="factor-set-exists",
                       pointer="/name")
    keys = [(f["metal"], f["kind"]) for f in factors]
    if len(set(keys)) != len(keys):
        raise InvalidInput("a factor set has one factor per metal and kind",
                           code="invalid-input", pointer="/factors")
    for f in factors:
        session.add(CarbonFactor(factor_set=name, created_by=actor.user_id, **f))
    session.flush()
    return factor_set(session, name)


@dataclass(frozen=True)
class ProducerCarbon:
    org_code: str
    name: str
    eligible_g: int
    avoided_t: Decimal | None  # None: the metal's factors are not configured


@dataclass(frozen=True)
class CarbonResult:
    factor_set: str
    factors: list[Factor]  # the metal's primary and recycled factors (configured or not)
    configured: bool
    producers: list[ProducerCarbon]

    @property
    def total_t(self) -> Decimal | None:
        if not self.configured:
            return None
        return sum((p.avoided_t or Decimal(0) for p in self.producers), Decimal(0))


def avoided(eligible_g: int, primary: Decimal, recycled: Decimal) -> Decimal:
    """Tonnes CO2e avoided by `eligible_g` grams of recycled metal: exact (decimal factors)."""
    return Decimal(eligible_g) * (primary - recycled) / G_PER_T


def avoided_emissions(session: Session, *, actor: Actor, metal: str, start: date, end: date,
                      tz: ZoneInfo, producer: str | None = None,
                      factors: str = DEFAULT_SET) -> CarbonResult:
    chosen = factor_set(session, factors)
    mine = [f for f in chosen if f.metal == metal and f.kind in ("primary", "recycled")]
    values = {f.kind: f.value for f in mine}
    primary, recycled = values.get("primary"), values.get("recycled")
    configured = primary is not None and recycled is not None
    producers = []
    for row in recycled_share(session, actor=actor, metal=metal, start=start, end=end, tz=tz,
                              producer=producer):
        eligible = row.inputs.post_consumer + row.inputs.pre_consumer
        producers.append(ProducerCarbon(
            row.org_code, row.name, eligible,
            avoided(eligible, primary, recycled) if primary is not None and recycled is not None
            else None))
    return CarbonResult(factors, mine, configured, producers)
