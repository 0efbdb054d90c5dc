"""`void`: an earlier event stops counting, while nothing later depends on it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Table, delete, insert, select, update

from domain.commands import Void
from domain.errors import NotFound, RuleViolation
from domain.events.context import Ctx, SiteInfo, event_lot_t, lot_t, melt_input_t, movement_t
from domain.events.plan import Plan
from domain.models import Event, EventVoid

# SQLModel sets `__table__` on table classes at runtime but does not declare it for type checkers.
event_t: Table = Event.__table__  # type: ignore[attr-defined]
void_t: Table = EventVoid.__table__  # type: ignore[attr-defined]


def plan_void(ctx: Ctx, cmd: Void, site: SiteInfo, taken: set[str]) -> Plan:
    ctx.flush()  # the target may be earlier in this batch: its rows must be readable
    target = ctx.session.execute(
        select(event_t.c.seq, event_t.c.type, event_t.c.org_id)
        .where(event_t.c.id == str(cmd.target))).one_or_none()
    if target is None or target.org_id != ctx.actor.org_id:
        raise NotFound(f"no event {cmd.target}", code="event-not-found", pointer="/target")
    if target.type == "void":
        raise RuleViolation("a void cannot be voided", code="cannot-void-void",
                            pointer="/target")
    if ctx.session.execute(select(void_t.c.void_seq)
                           .where(void_t.c.target_seq == target.seq)).first():
        raise RuleViolation(f"event {cmd.target} is already voided", code="already-voided",
                            pointer="/target")
    touched = ctx.session.execute(
        select(event_lot_t.c.lot_id, event_lot_t.c.before, lot_t.c.code, lot_t.c.last_seq)
        .join(lot_t, lot_t.c.id == event_lot_t.c.lot_id)
        .where(event_lot_t.c.event_seq == target.seq)
        .with_for_update(of=lot_t)).all()
    dependants = sorted(row.code for row in touched if row.last_seq != target.seq)
    if dependants:
        raise RuleViolation(
            f"later events depend on this one (lots {', '.join(dependants)}): void those first",
            code="void-has-dependants", pointer="/target", lots=dependants)

    def apply(seq: int, occurred_at: datetime) -> None:
        for row in touched:
            before = row.before
            if before is None:  # the target created this lot: it never existed
                values = {"status": "void", "mass_g": 0, "cells": [], "site_id": None,
                          "dest_site_id": None}
            else:
                values = dict(before)
            ctx.session.execute(update(lot_t).where(lot_t.c.id == row.lot_id).values(**values))
        # The ledgers are projections of live events: the voided event's rows go.
        ctx.session.execute(delete(movement_t).where(movement_t.c.event_seq == target.seq))
        ctx.session.execute(delete(melt_input_t).where(melt_input_t.c.event_seq == target.seq))
        ctx.session.execute(insert(void_t).values(target_seq=target.seq, void_seq=seq))

    return Plan(apply=apply)
