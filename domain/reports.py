"""Agency reports, computed by SQL aggregation over the ledgers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, and_, case, func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from domain.accounting import ShareInputs
from domain.auth import Actor
from domain.composition import IMPORTED, provenance_parts
from domain.errors import InvalidInput
from domain.models import Event, MeltInput, Org


@dataclass(frozen=True)
class ProducerShare:
    org_code: str
    name: str
    inputs: ShareInputs
    in_province_g: int
    out_of_province_g: int
    imported_g: int
    late_recycled_g: int = 0  # of the recycled metal, from melts recorded after the period
    late_denominator_g: int = 0  # of the denominator, from melts recorded after the period
    imported_by_country_g: dict[str, int] = field(default_factory=dict)  # of imported_g
    # Eligible recycled metal by tagged provenance (in_province:520100, imported:JP, ...)
    by_region_g: dict[str, int] = field(default_factory=dict)


def period_bounds(start: date, end: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """[start, end) as local dates in the platform's time zone, as aware instants."""
    if end <= start:
        raise InvalidInput("'to' must be after 'from'", code="invalid-period", pointer="/to")
    # Local midnight of 0001-01-01 east of UTC is before year 1: no datetime holds it.
    for name, day in (("from", start), ("to", end)):
        if not 1900 <= day.year <= 9998:
            raise InvalidInput(f"'{name}' must be between the years 1900 and 9998",
                               code="invalid-period", pointer=f"/{name}")
    return datetime.combine(start, time(), tz), datetime.combine(end, time(), tz)


def recycled_share(session: Session, *, actor: Actor, metal: str, start: date, end: date,
                   tz: ZoneInfo, producer: str | None = None) -> list[ProducerShare]:
    """Each producer's metal by class over its melts of `metal` in [start, end) (docs/domain.md).

    Producers see their own figures; auditors and administrators see every producer.
    """
    lo, hi = period_bounds(start, end, tz)
    m = MeltInput
    eligible = and_(col(m.origin).in_(("post_consumer", "pre_consumer")), col(m.evidence) == "traced")
    own = col(m.rework)
    late = col(Event.recorded_at) >= hi
    imported = col(m.provenance).like(IMPORTED + "%")

    def total(cond: ColumnElement[bool]) -> ColumnElement[int]:
        # The producer's own rework counts in no term but its own.
        return func.coalesce(func.sum(case((and_(~own, cond), col(m.metal_g)), else_=0)), 0)

    stmt = (select(
        col(Org.code), col(Org.name),
        total(and_(col(m.origin) == "post_consumer", col(m.evidence) == "traced")).label("post"),
        total(and_(col(m.origin) == "pre_consumer", col(m.evidence) == "traced")).label("pre"),
        total(and_(col(m.origin).in_(("post_consumer", "pre_consumer")),
                   col(m.evidence) == "declared")).label("declared"),
        total(col(m.origin) == "primary").label("primary"),
        total(col(m.origin) == "home_scrap").label("home"),
        func.coalesce(func.sum(case((own, col(m.metal_g)), else_=0)), 0).label("rework"),
        total(and_(eligible, col(m.provenance).like("in_province%"))).label("in_province"),
        total(and_(eligible, col(m.provenance).like("out_of_province%"))).label(
            "out_of_province"),
        total(and_(eligible, imported)).label("imported"),
        # What melts recorded after the period ended added: an agency sees late changes.
        total(and_(late, eligible)).label("late_recycled"),
        total(and_(late, col(m.origin) != "home_scrap")).label("late_denominator"),
    ).join(Org, col(Org.id) == m.org_id).join(Event, col(Event.seq) == m.event_seq)
        .where(col(m.metal) == metal, col(m.occurred_at) >= lo, col(m.occurred_at) < hi)
        .group_by(col(Org.code), col(Org.name)).order_by(col(Org.code)))
    if producer is not None:
        stmt = stmt.where(col(Org.code) == producer)
    if not actor.sees_everything:
        stmt = stmt.where(col(m.org_id) == actor.org_id)
    regions = _by_region(session, stmt, eligible)
    return [ProducerShare(
        org_code=r.code, name=r.name,
        inputs=ShareInputs(post_consumer=int(r.post), pre_consumer=int(r.pre),
                           declared=int(r.declared), primary=int(r.primary),
                           home_scrap=int(r.home), rework=int(r.rework)),
        in_province_g=int(r.in_province), out_of_province_g=int(r.out_of_province),
        imported_g=int(r.imported), late_recycled_g=int(r.late_recycled),
        late_denominator_g=int(r.late_denominator),
        imported_by_country_g=_countries(regions.get(r.code, {})),
        by_region_g=regions.get(r.code, {})) for r in session.execute(stmt)]


def _by_region(session: Session, share: Select[Any], eligible: ColumnElement[bool],
               ) -> dict[str, dict[str, int]]:
    """Eligible recycled metal per producer and tagged provenance, over the same melts: the
    cells carry their region, so this is an exact GROUP BY (docs/audit.md, Regions)."""
    m = MeltInput
    stmt = (share.with_only_columns(col(Org.code), col(m.provenance),
                                    func.sum(col(m.metal_g)).label("g"))
            .where(eligible, ~col(m.rework))
            .group_by(None).group_by(col(Org.code), col(m.provenance)).order_by(None))
    out: dict[str, dict[str, int]] = {}
    for code, provenance, g in session.execute(stmt):
        if g:
            out.setdefault(code, {})[provenance] = int(g)
    return out


def _countries(regions: dict[str, int]) -> dict[str, int]:
    """The imported part of a producer's regions by country of origin."""
    out: dict[str, int] = {}
    for key, g in regions.items():
        kind, country = provenance_parts(key)
        if kind == IMPORTED:
            out[country or "unknown"] = out.get(country or "unknown", 0) + g
    return out


def log_position(session: Session) -> int:
    """The highest sequence number recorded: a report read now includes every event up to it."""
    top = session.execute(select(func.max(col(Event.seq)))).scalar_one()
    return int(top or 0)
