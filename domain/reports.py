"""Agency reports, computed by SQL aggregation over the ledgers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from domain.accounting import ShareInputs
from domain.auth import Actor
from domain.errors import InvalidInput
from domain.models import MeltInput, Org


@dataclass(frozen=True)
class ProducerShare:
    org_code: str
    name: str
    inputs: ShareInputs
    in_province_g: int
    out_of_province_g: int
    imported_g: int


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
    """Each producer's metal by class over its melts of `metal` in [start, end) (DOMAIN.md §6).

    Producers see their own figures; auditors and administrators see every producer.
    """
    lo, hi = period_bounds(start, end, tz)
    m = MeltInput
    eligible = and_(col(m.origin).in_(("post_consumer", "pre_consumer")), col(m.evidence) == "traced")

    def total(cond: ColumnElement[bool]) -> ColumnElement[int]:
        return func.coalesce(func.sum(case((cond, col(m.metal_g)), else_=0)), 0)

    stmt = (select(
        col(Org.code), col(Org.name),
        total(and_(col(m.origin) == "post_consumer", col(m.evidence) == "traced")).label("post"),
        total(and_(col(m.origin) == "pre_consumer", col(m.evidence) == "traced")).label("pre"),
        total(and_(col(m.origin).in_(("post_consumer", "pre_consumer")),
                   col(m.evidence) == "declared")).label("declared"),
        total(col(m.origin) == "primary").label("primary"),
        total(col(m.origin) == "home_scrap").label("home"),
        total(and_(eligible, col(m.provenance) == "in_province")).label("in_province"),
        total(and_(eligible, col(m.provenance) == "out_of_province")).label("out_of_province"),
        total(and_(eligible, col(m.provenance) == "imported")).label("imported"),
    ).join(Org, col(Org.id) == m.org_id)
        .where(col(m.metal) == metal, col(m.occurred_at) >= lo, col(m.occurred_at) < hi)
        .group_by(col(Org.code), col(Org.name)).order_by(col(Org.code)))
    if producer is not None:
        stmt = stmt.where(col(Org.code) == producer)
    if not actor.sees_everything:
        stmt = stmt.where(col(m.org_id) == actor.org_id)
    return [ProducerShare(
        org_code=r.code, name=r.name,
        inputs=ShareInputs(post_consumer=int(r.post), pre_consumer=int(r.pre),
                           declared=int(r.declared), primary=int(r.primary),
                           home_scrap=int(r.home)),
        in_province_g=int(r.in_province), out_of_province_g=int(r.out_of_province),
        imported_g=int(r.imported)) for r in session.execute(stmt)]
