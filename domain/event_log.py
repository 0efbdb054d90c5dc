"""Reading the event log, with object-level authorisation."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import Select, exists, label, or_, select
from sqlalchemy.orm import Session, aliased
from sqlmodel import col

from domain import codes
from domain.auth import Actor
from domain.errors import NotFound
from domain.events.capture import Recorded, local_time
from domain.models import Event, EventLot, EventVoid, Lot, LotAccess, Org, Site


def _select() -> Select:  # type: ignore[type-arg]
    void = aliased(Event)
    return (select(Event, label("org_code", col(Org.code)), label("site_code", col(Site.code)),
                   label("voided_by", col(void.id)))
            .join(Org, col(Org.id) == Event.org_id).join(Site, col(Site.id) == Event.site_id)
            .outerjoin(EventVoid, col(EventVoid.target_seq) == Event.seq)
            .outerjoin(void, col(void.seq) == EventVoid.void_seq))


def _visible(stmt: Select, actor: Actor) -> Select:  # type: ignore[type-arg]
    """Own events, and every event on a lot the organisation holds, held or was sent."""
    if actor.sees_everything:
        return stmt
    touches_visible_lot = exists().where(
        col(EventLot.event_seq) == Event.seq, col(LotAccess.lot_id) == EventLot.lot_id,
        col(LotAccess.org_id) == actor.org_id)
    return stmt.where(or_(col(Event.org_id) == actor.org_id, touches_visible_lot))


def _recorded(row: object) -> tuple[Recorded, str | None]:
    e: Event = row.Event  # type: ignore[attr-defined]
    assert e.seq is not None
    rec = Recorded(seq=e.seq, id=e.id, type=e.type, org_code=row.org_code,  # type: ignore[attr-defined]
                   site_code=row.site_code, occurred_at=local_time(e.occurred_at,  # type: ignore[attr-defined]
                                                                   e.occurred_offset_min),
                   recorded_at=e.recorded_at, payload=e.payload,
                   created_lots=list(e.created_lots), replay=False)
    return rec, row.voided_by  # type: ignore[attr-defined]


def get_event(session: Session, *, actor: Actor, event_id: UUID) -> tuple[Recorded, str | None]:
    row = session.execute(_visible(_select().where(col(Event.id) == str(event_id)), actor)) \
        .one_or_none()
    if row is None:
        raise NotFound(f"no event {event_id}", code="event-not-found")
    return _recorded(row)


def list_events(session: Session, *, actor: Actor, lot: str | None = None,
                type: str | None = None, site: str | None = None,
                since: datetime | None = None, after_seq: int = 0, limit: int = 100,
                ) -> list[tuple[Recorded, str | None]]:
    stmt = _visible(_select(), actor).where(col(Event.seq) > after_seq)
    if lot is not None:
        code = codes.normalize_lot_code(lot)
        lot_id = session.execute(select(col(Lot.id)).where(col(Lot.code) == code)).scalar()
        if lot_id is None:
            raise NotFound(f"no lot {codes.format_lot_code(code)}", code="lot-not-found")
        stmt = stmt.where(exists().where(col(EventLot.event_seq) == Event.seq,
                                         col(EventLot.lot_id) == lot_id))
    if type is not None:
        stmt = stmt.where(col(Event.type) == type)
    if site is not None:
        stmt = stmt.where(col(Site.code) == site)
    if since is not None:
        stmt = stmt.where(col(Event.recorded_at) >= since)
    return [_recorded(r) for r in session.execute(stmt.order_by(col(Event.seq)).limit(limit))]
