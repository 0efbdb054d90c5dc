"""Mass balance per site and metal (docs/domain.md), aggregated in SQL from the movement ledger.

opening + received + created + produced − shipped − charged − losses = closing, exactly, for
any period, in material kilograms.
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

INFLOW = ("created", "produced", "received")
OUTFLOW = ("shipped", "charged", "loss")  # "primary" is neither: it never was in stock


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
    site_name: str = ""
    org_name: str = ""
    produced_g: int = 0  # melt products
    primary_g: int = 0  # primary metal charged into melts: for reference, not in the balance

    @property
    def closing_g(self) -> int:
        return (self.opening_g + self.received_g + self.created_g + self.produced_g
                - self.shipped_g - self.charged_g - self.losses_g)


def mass_balance(session: Session, *, actor: Actor, start: date, end: date, tz: ZoneInfo,
                 site: str | None = None, metal: str | None = None) -> list[SiteBalance]:
    """Each site's balance for [start, end); organisations see their own sites only."""
    lo, hi = period_bounds(start, end, tz)
    m = Movement
    at, grams, kind = col(m.occurred_at), col(m.grams), col(m.kind)
    signed = case((kind.in_(INFLOW), grams), (kind.in_(OUTFLOW), -grams), else_=0)
    in_period = at >= lo

    def during(k: str) -> ColumnElement[int]:
        return func.coalesce(func.sum(case((and_(in_period, kind == k), grams), else_=0)), 0)

    stmt = (select(col(Site.code), col(Site.name).label("site_name"),
                   col(Org.code).label("org_code"), col(Org.name).label("org_name"), col(m.metal),
                   func.coalesce(func.sum(case((at < lo, signed), else_=0)), 0).label("opening"),
                   during("received").label("received"), during("created").label("created"),
                   during("produced").label("produced"), during("shipped").label("shipped"),
                   during("charged").label("charged"), during("loss").label("losses"),
                   during("primary").label("primary"))
            .join(Site, col(Site.id) == col(m.site_id)).join(Org, col(Org.id) == col(Site.org_id))
            .where(at < hi)
            .group_by(col(Site.code), col(Site.name), col(Org.code), col(Org.name), col(m.metal))
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
                        int(r.created), int(r.shipped), int(r.charged), int(r.losses),
                        site_name=r.site_name, org_name=r.org_name, produced_g=int(r.produced),
                        primary_g=int(r.primary))
            for r in session.execute(stmt)]
