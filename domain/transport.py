"""Clean transport (docs/domain.md, Clean transport): tonne-kilometres per mode from the
shipments, aggregated in SQL, and the share carried by clean modes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from functools import lru_cache
from zoneinfo import ZoneInfo

from sqlalchemy import BigInteger, case, cast, func, or_, select
from sqlalchemy.orm import Session
from sqlmodel import col

from domain.auth import Actor
from domain.catalogue import seed_rows
from domain.errors import NotFound
from domain.models import Event, Movement, Org
from domain.reports import period_bounds

DECI = 10  # distances are recorded to 0.1 km: the aggregate is in gram-decikilometres
G_DKM_PER_TKM = 1_000_000 * DECI


@lru_cache(maxsize=1)
def clean_modes() -> dict[str, bool]:
    """Each transport mode and whether it is clean (seed/transport_modes.csv)."""
    return {r["mode"]: r["clean"].strip().lower() == "true"
            for r in seed_rows("transport_modes.csv")}


@dataclass
class OrgTransport:
    """One shipping organisation's (or everyone's) mass × distance per mode."""

    org_code: str
    name: str
    g_dkm: dict[str, int] = field(default_factory=dict)  # mode → grams × decikilometres
    shipped_g: dict[str, int] = field(default_factory=dict)  # mode → grams with a distance
    unrecorded_g: int = 0  # shipped without a mode or a distance

    @property
    def total_g_dkm(self) -> int:
        return sum(self.g_dkm.values())

    @property
    def clean_g_dkm(self) -> int:
        return sum(v for mode, v in self.g_dkm.items() if clean_modes().get(mode, False))

    @property
    def clean_share(self) -> Fraction | None:
        return Fraction(self.clean_g_dkm, self.total_g_dkm) if self.total_g_dkm else None

    def add(self, mode: str | None, g_dkm: int, with_distance_g: int, unrecorded_g: int) -> None:
        if mode is not None and with_distance_g:
            self.g_dkm[mode] = self.g_dkm.get(mode, 0) + g_dkm
            self.shipped_g[mode] = self.shipped_g.get(mode, 0) + with_distance_g
        self.unrecorded_g += unrecorded_g


def tonne_km(g_dkm: int) -> Fraction:
    return Fraction(g_dkm, G_DKM_PER_TKM)


def transport(session: Session, *, actor: Actor, start: date, end: date, tz: ZoneInfo,
              org: str | None = None) -> tuple[list[OrgTransport], OrgTransport]:
    """Per shipping organisation and overall, over the shipments that left in [start, end):
    mass shipped (as it left) × `transport.distance_km`, per `transport.mode`. Organisations
    see their own shipments, auditors everyone's."""
    lo, hi = period_bounds(start, end, tz)
    shipped = (select(col(Movement.event_seq), func.sum(col(Movement.grams)).label("g"))
               .where(col(Movement.kind) == "shipped", col(Movement.occurred_at) >= lo,
                      col(Movement.occurred_at) < hi)
               .group_by(col(Movement.event_seq)).subquery())
    payload = col(Event.payload)
    mode = payload[("transport", "mode")].as_string()
    dkm = cast(func.round(payload[("transport", "distance_km")].as_float() * DECI), BigInteger)
    known = case((dkm.is_not(None) & mode.is_not(None), shipped.c.g), else_=0)
    stmt = (select(col(Org.code), col(Org.name), mode.label("mode"),
                   func.coalesce(func.sum(case((dkm.is_not(None) & mode.is_not(None),
                                                shipped.c.g * dkm), else_=0)), 0).label("gdkm"),
                   func.coalesce(func.sum(known), 0).label("known"),
                   func.coalesce(func.sum(case((or_(dkm.is_(None), mode.is_(None)),
                                                shipped.c.g), else_=0)), 0).label("unknown"))
            .select_from(shipped).join(Event, col(Event.seq) == shipped.c.event_seq)
            .join(Org, col(Org.id) == col(Event.org_id))
            .group_by(col(Org.code), col(Org.name), mode).order_by(col(Org.code), mode))
    if org is not None:
        if session.execute(select(col(Org.id)).where(col(Org.code) == org)).first() is None:
            raise NotFound(f"no organisation '{org}'", code="org-not-found")
        stmt = stmt.where(col(Org.code) == org)
    if not actor.sees_everything:
        stmt = stmt.where(col(Event.org_id) == actor.org_id)
    rows: dict[str, OrgTransport] = {}
    overall = OrgTransport("", "overall")
    for r in session.execute(stmt):
        item = rows.setdefault(r.code, OrgTransport(r.code, r.name))
        for target in (item, overall):
            target.add(r.mode, int(r.gdkm), int(r.known), int(r.unknown))
    return list(rows.values()), overall
