"""`void`: an earlier event stops counting, while nothing later depends on it."""

from __future__ import annotations

from sqlalchemy import and_, bindparam, exists, select

from domain import lot_record as lr
from domain.commands import Void
from domain.errors import NotFound, RuleViolation
from domain.events.store import SiteInfo, event_lot_t, event_t, lot_t, void_t
from domain.events.workspace import Workspace
from domain.periods import check_open

TARGET = select(event_t.c.seq, event_t.c.type, event_t.c.org_id, event_t.c.occurred_at,
                void_t.c.void_seq).outerjoin(
    void_t, void_t.c.target_seq == event_t.c.seq).where(event_t.c.id == bindparam("id"))
TOUCHED = (select(event_lot_t.c.lot_id, event_lot_t.c.before, lot_t.c.code)
           .join(lot_t, lot_t.c.id == event_lot_t.c.lot_id)
           .where(event_lot_t.c.event_seq == bindparam("seq")))
# Another live event of the organisation on the lot (it held or holds the lot through it).
_other = event_lot_t.alias("other")
_other_event = event_t.alias("other_event")
OTHER_LIVE_EVENT = select(exists().where(and_(
    _other.c.lot_id == bindparam("lot_id"), _other.c.event_seq != bindparam("seq"),
    _other_event.c.seq == _other.c.event_seq, _other_event.c.org_id == bindparam("org_id"),
    ~exists().where(void_t.c.target_seq == _other_event.c.seq))))


def plan_void(ws: Workspace, cmd: Void, site: SiteInfo, seq: int) -> list[str]:
    ws.store()  # the target may be earlier in this batch: its rows must be readable
    target = ws.conn.execute(TARGET, {"id": str(cmd.target)}).one_or_none()
    if target is None or target.org_id != ws.actor.org_id:
        raise NotFound(f"no event {cmd.target}", code="event-not-found", pointer="/target")
    if target.type == "void":
        raise RuleViolation("a void cannot be voided", code="cannot-void-void",
                            pointer="/target")
    if target.void_seq is not None:
        raise RuleViolation(f"event {cmd.target} is already voided", code="already-voided",
                            pointer="/target")
    touched = ws.conn.execute(TOUCHED, {"seq": target.seq}).all()
    ws.load({row.code for row in touched})
    lots = [(ws.lots[row.code], row.before) for row in touched]
    dependants = sorted(lot.code for lot, _ in lots if lot.last_seq != target.seq)
    if dependants:
        raise RuleViolation(
            f"later events depend on this one (lots {', '.join(dependants)}): void those first",
            code="void-has-dependants", pointer="/target", lots=dependants)
    metals = {lot.metal for lot, _ in lots}
    for at, pointer in ((target.occurred_at, "/target"), (cmd.occurred_at, "/occurred_at")):
        check_open(ws.closed, metals=metals, at=at, org_id=target.org_id, tz=ws.settings.tz,
                   pointer=pointer)
    for lot, before in lots:
        ws.restore(lr.restore(lot, before))
        if target.type == "ship" and lot.dest_site_id is not None:
            # The access the shipment granted goes with it, unless the destination holds or
            # held the lot through another live event.
            dest_org = ws.site_by_id(lot.dest_site_id).org_id
            if not ws.conn.execute(OTHER_LIVE_EVENT, {"lot_id": lot.id, "seq": target.seq,
                                                      "org_id": dest_org}).scalar():
                ws.revoke(lot, dest_org)
    ws.pending.voids.append((target.seq, seq))
    return []
