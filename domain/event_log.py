"""Reading the event log, with object-level and field-level authorisation (domain/visibility)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import Select, exists, label, select
from sqlalchemy.orm import Session, aliased
from sqlmodel import col

from domain.auth import Actor
from domain.errors import NotFound
from domain.events.capture import Recorded, local_time
from domain.models import Event, EventLot, EventVoid, Org, Site
from domain.visibility import EventRead, event_reads, event_seen_clause, visible_lot_id


def _select() -> Select:  # type: ignore[type-arg]
    void = aliased(Event)
    return (select(Event, label("org_code", col(Org.code)), label("site_code", col(Site.code)),
                   label("voided_by", col(void.id)))
            .join(Org, col(Org.id) == Event.org_id).join(Site, col(Site.id) == Event.site_id)
            .outerjoin(EventVoid, col(EventVoid.target_seq) == Event.seq)
            .outerjoin(void, col(void.seq) == EventVoid.void_seq))


def _visible(stmt: Select, actor: Actor) -> Select:  # type: ignore[type-arg]
    clause = event_seen_clause(actor)
    return stmt if clause is None else stmt.where(clause)


def _recorded(row: object) -> tuple[Recorded, str | None]:
    e: Event = row.Event  # type: ignore[attr-defined]
    assert e.seq is not None
    rec = Recorded(seq=e.seq, id=e.id, type=e.type, org_code=row.org_code,  # type: ignore[attr-defined]
                   site_code=row.site_code, occurred_at=local_time(e.occurred_at,  # type: ignore[attr-defined]
                                                                   e.occurred_offset_min),
                   recorded_at=e.recorded_at, payload=e.payload,
                   created_lots=list(e.created_lots), replay=False)
    return rec, row.voided_by  # type: ignore[attr-defined]


def get_event(session: Session, *, actor: Actor, event_id: UUID) -> EventRead:
    """One event as the caller may see it (another organisation's: redacted)."""
    row = session.execute(_visible(_select().where(col(Event.id) == str(event_id)), actor)) \
        .one_or_none()
    if row is None:
        raise NotFound(f"no event {event_id}", code="event-not-found")
    return event_reads(session, actor=actor, rows=[_recorded(row)])[0]


def list_events(session: Session, *, actor: Actor, lot: str | None = None,
                type: str | None = None, site: str | None = None,
                since: datetime | None = None, after_seq: int = 0, limit: int = 100,
                ) -> list[EventRead]:
    """A page of the events the caller may see, in log order; a `lot` it may not see answers
    `lot-not-found` exactly as one that does not exist."""
    stmt = _visible(_select(), actor).where(col(Event.seq) > after_seq)
    if lot is not None:
        lot_id = visible_lot_id(session, actor=actor, code=lot)
        stmt = stmt.where(exists().where(col(EventLot.event_seq) == Event.seq,
                                         col(EventLot.lot_id) == lot_id))
    if type is not None:
        stmt = stmt.where(col(Event.type) == type)
    if site is not None:
        stmt = stmt.where(col(Site.code) == site)
    if since is not None:
        stmt = stmt.where(col(Event.recorded_at) >= since)
    rows = session.execute(stmt.order_by(col(Event.seq)).limit(limit))
    return event_reads(session, actor=actor, rows=[_recorded(r) for r in rows])
