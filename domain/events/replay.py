"""Re-derive every lot and ledger from the event log, through the capture path's planners.

The event log is the record; lots, their history snapshots, access, movements, melt inputs and
voids are projections of it. After a change of the accounting rules, `rederive` empties those
tables and plans every stored event again, in order, with its original sequence number, time
and lot codes, so that existing databases report by the current rules. An event that today's
rules refuse stops the whole run (nothing is changed), naming the event and the rule.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from domain.auth import Actor
from domain.commands import EventCommand
from domain.errors import DomainError, InvalidInput
from domain.events.capture import PLANNERS
from domain.events.store import event_t, org_t
from domain.events.workspace import Workspace
from domain.models import User
from domain.settings import Settings

DERIVED = ("lot_edge", "event_void", "melt_input", "movement", "licence_use", "manifest_receipt", "manifest",
           "import_record", "event_lot", "lot_access", "lot")
_command = TypeAdapter(EventCommand)
_user_t = User.__table__  # type: ignore[attr-defined]


def _actors(session: Session) -> dict[int, Actor]:
    rows = session.execute(select(_user_t.c.id, _user_t.c.username, _user_t.c.role,
                                  _user_t.c.org_id, org_t.c.code)
                           .outerjoin(org_t, org_t.c.id == _user_t.c.org_id))
    return {r.id: Actor(r.id, r.username, r.role, r.org_id, r.code) for r in rows}


def _runs(session: Session, size: int) -> Iterator[list[Any]]:
    """Stored events in order, in runs of one user's consecutive events (at most `size`)."""
    run: list[Any] = []
    for row in session.execute(select(event_t).order_by(event_t.c.seq)).mappings():
        if run and (row["user_id"] != run[0]["user_id"] or len(run) == size):
            yield run
            run = []
        run.append(row)
    if run:
        yield run


def rederive(session: Session, *, settings: Settings,
             progress: Callable[[int], None] | None = None) -> int:
    """Rebuild every projection of the event log (the caller owns the transaction); answers
    how many events were planned again."""
    for table in DERIVED:
        session.execute(text(f"DELETE FROM {table}"))
    actors = _actors(session)
    done = 0
    for run in list(_runs(session, 1000)):
        ws = Workspace(session, actors[run[0]["user_id"]], settings)
        ws.closed = set()  # closed periods bind new events, not the record being re-read
        commands = [_command.validate_python(row["payload"]) for row in run]
        ws.prefetch(commands)
        for row, cmd in zip(run, commands, strict=True):
            ws.replaying = list(row["created_lots"])
            try:
                created = PLANNERS[cmd.type](ws, cmd, ws.own_site(cmd.site), row["seq"])
            except DomainError as err:
                raise InvalidInput(
                    f"event {row['id']} (seq {row['seq']}, {row['type']}) is refused by "
                    f"today's rules: {err.code}: {err.detail}", code="rederive-refused",
                    event=row["id"], rule=err.code) from err
            if created != list(row["created_lots"]):
                raise AssertionError(f"event {row['id']} created {created}, not "
                                     f"{row['created_lots']}")
        ws.store()
        done += len(run)
        if progress:
            progress(done)
    return done
