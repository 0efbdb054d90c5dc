"""The log's use cases: signed checkpoints, proofs, entries and each event's leaf index."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.auth import Actor
from domain.errors import InvalidInput, Unavailable
from domain.tlog import log
from domain.tlog.leaf import ROWS, event_t, from_row
from domain.tlog.log import leaf_t
from domain.tlog.note import Signer, checkpoint_body, origin

MAX_ENTRIES = 1000


@dataclass(frozen=True)
class Checkpoint:
    size: int
    root: bytes
    text: str  # the signed note


def checkpoint(session: Session, *, signer: Signer | None, public_url: str) -> Checkpoint:
    """The log's current size and root, signed (every event committed so far is in it)."""
    if signer is None:
        # No key, no checkpoint: never one signed by a key made up or built in.
        raise Unavailable("no log key is configured (SCRAPTRACE_LOG_KEY_FILE)",
                          code="log-not-signing")
    conn = session.connection()
    size = log.size(conn)
    root = log.root(conn, size)
    return Checkpoint(size, root, signer.sign(checkpoint_body(origin(public_url), size, root)))


def _within(session: Session, size: int, name: str) -> None:
    current = log.size(session.connection())
    if size > current:
        raise InvalidInput(f"'{name}' is beyond the log's size ({current})",
                           code="beyond-log-size", pointer=f"/{name}", log_size=current)


def inclusion_proof(session: Session, *, index: int, size: int) -> list[bytes]:
    if not 0 <= index < size:
        raise InvalidInput("'index' must be below 'size'", code="invalid-proof-range",
                           pointer="/index")
    _within(session, size, "size")
    return log.inclusion(session.connection(), index, size)


def consistency_proof(session: Session, *, old: int, new: int) -> list[bytes]:
    if not 1 <= old <= new:
        raise InvalidInput("'from' must be at least 1 and at most 'to'",
                           code="invalid-proof-range", pointer="/from")
    _within(session, new, "to")
    return log.consistency(session.connection(), old, new)


def entries(session: Session, *, actor: Actor, start: int, end: int,
            ) -> list[tuple[int, bytes | None]]:
    """Leaves [start, end) rebuilt from the stored events. A leaf holds an event's whole body,
    so only auditors read every leaf; others read their organisation's own and get None for the
    rest (whose hashes are in every proof, whose content is not theirs to read)."""
    if not 0 <= start < end or end - start > MAX_ENTRIES:
        raise InvalidInput(f"'start' must be below 'end', at most {MAX_ENTRIES} apart",
                           code="invalid-proof-range", pointer="/end")
    _within(session, end, "end")
    stmt = (ROWS.add_columns(leaf_t.c.idx).join(leaf_t, leaf_t.c.event_seq == event_t.c.seq)
            .where(leaf_t.c.idx >= start, leaf_t.c.idx < end))
    if not actor.sees_everything:
        stmt = stmt.where(event_t.c.org_id == actor.org_id)
    seen = {r.idx: from_row(r) for r in session.execute(stmt)}
    return [(i, seen.get(i)) for i in range(start, end)]


def index_of(session: Session, *, seq: int) -> int | None:
    """The leaf index of the event `seq` (None: not logged)."""
    return session.execute(select(leaf_t.c.idx).where(leaf_t.c.event_seq == seq)).scalar()
