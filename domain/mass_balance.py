"""Mass balance per site and metal (DOMAIN.md §6), aggregated in SQL from the movement ledger.

opening + received + created − shipped − charged − losses = closing, exactly, for any period.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from domain.auth import Actor
from domain.errors import NotFound
from domain.models import Movement, Org, Site
from domain.reports import period_bounds

INFLOW = ("created", "received")


@dataclass(frozen=True)
class SiteBalance:
    site_code: str
    org_code: str
    metal: str
    opening_g: int
    received_g: int
    created_g: int
    shipped_g: int
    charged_g: int
    losses_g: int

    @property
    def closing_g(self) -> int:
        return (self.opening_g + self.received_g + self.created_g - self.shipped_g
                - self.charged_g - self.losses_g)


def mass_balance(session: Session, *, actor: Actor, start: date, end: date, tz: ZoneInfo,
                 site: str | None = None, metal: str | None = None) -> list[SiteBalance]:
    """Each site's balance for [start, end); organisations see their own sites only."""
    lo, hi = period_bounds(start, end, tz)
    m = Movement
    at, grams, kind = col(m.occurred_at), col(m.grams), col(m.kind)
    signed = case((kind.in_(INFLOW), grams), else_=-grams)
    in_period = at >= lo

    def during(k: str) -> ColumnElement[int]:
        return func.coalesce(func.sum(case((and_(in_period, kind == k), grams), else_=0)), 0)

    stmt = (select(col(Site.code), col(Org.code).label("org_code"), col(m.metal),
                   func.coalesce(func.sum(case((at < lo, signed), else_=0)), 0).label("opening"),
                   during("received").label("received"), during("created").label("created"),
                   during("shipped").label("shipped"), during("charged").label("charged"),
                   during("loss").label("losses"))
            .join(Site, col(Site.id) == col(m.site_id)).join(Org, col(Org.id) == col(Site.org_id))
            .where(at < hi)
            .group_by(col(Site.code), col(Org.code), col(m.metal))
            .order_by(col(Site.code), col(m.metal)))
    if site is not None:
        if session.execute(select(col(Site.id)).where(col(Site.code) == site)).first() is None:
            raise NotFound(f"no site '{site}'", code="site-not-found")
        stmt = stmt.where(col(Site.code) == site)
    if metal is not None:
        stmt = stmt.where(col(m.metal) == metal)
    if not actor.sees_everything:
        stmt = stmt.where(col(Site.org_id) == actor.org_id)
    return [SiteBalance(r.code, r.org_code, r.metal, int(r.opening), int(r.received),
                        int(r.created), int(r.shipped), int(r.charged), int(r.losses))
            for r in session.execute(stmt)]
