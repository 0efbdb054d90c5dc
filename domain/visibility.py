"""Who may see what: lots by their access rows, events by their lots, others' events redacted."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Table, bindparam, exists, or_, select
from sqlalchemy.orm import Session

from domain import codes
from domain.auth import Actor
from domain.errors import NotFound
from domain.events.capture import Recorded
from domain.models import Event, EventLot, EventVoid, Lot, LotAccess

# SQLModel sets `__table__` on table classes at runtime but does not declare it for type checkers.
_lot: Table = Lot.__table__  # type: ignore[attr-defined]
_access: Table = LotAccess.__table__  # type: ignore[attr-defined]
_event: Table = Event.__table__  # type: ignore[attr-defined]
_event_lot: Table = EventLot.__table__  # type: ignore[attr-defined]
_event_void: Table = EventVoid.__table__  # type: ignore[attr-defined]

Payload = Mapping[str, Any]


# --- Lots: an organisation sees the lots it holds, has held or was sent (a `lot_access` row).

def lot_seen_by(lot_id: Any, org_id: Any) -> ColumnElement[bool]:
    """True where the organisation `org_id` may see the lot `lot_id` (columns or values)."""
    return exists().where(_access.c.lot_id == lot_id, _access.c.org_id == org_id)


_LOT_ID = select(_lot.c.id).where(_lot.c.code == bindparam("code"))
_LOT_ID_FOR_ORG = _LOT_ID.where(lot_seen_by(_lot.c.id, bindparam("org_id")))


def visible_lot_id(session: Session, *, actor: Actor, code: str) -> int:
    """The id of the lot `code` if the caller may see it; otherwise `lot-not-found`, the same
    answer whether the lot does not exist or belongs to others (DESIGN.md §4)."""
    canonical = codes.normalize_lot_code(code)
    stmt = _LOT_ID if actor.sees_everything else _LOT_ID_FOR_ORG
    lot_id = session.execute(stmt, {"code": canonical, "org_id": actor.org_id}).scalar()
    if lot_id is None:
        raise NotFound(f"no lot {codes.format_lot_code(canonical)}", code="lot-not-found")
    return int(lot_id)


def hidden_lot_id(code: str, key: str) -> str:
    """The stable opaque id under which a lot the caller may not see appears in a trace: the
    same lot gives the same id in every trace, and without the key nobody can tell its code."""
    return "h-" + hmac.new(key.encode(), code.encode(), hashlib.sha256).hexdigest()[:20]


# --- Findings: an organisation sees its own; auditors (and administrators) all.

def finding_seen_clause(actor: Actor, org_id: Any) -> ColumnElement[bool] | None:
    """The WHERE clause of the findings the caller may see (None: every finding)."""
    return None if actor.sees_everything else org_id == actor.org_id


def finding_seen_by_subscription(all_orgs: bool, hook_org: str, finding_org: str) -> bool:
    """A webhook subscription receives the findings its organisation reads: an agency's
    (`all_orgs`) every finding, any other organisation's its own (organisation codes)."""
    return all_orgs or hook_org == finding_org


def may_note_finding(actor: Actor, finding_org_id: int) -> bool:
    """An auditor, or a manager or operator of the finding's organisation (its answer)."""
    return actor.role == "auditor" or (actor.role in ("manager", "operator")
                                       and actor.org_id == finding_org_id)


# --- Events: own events whole; others' events on a visible lot (and voids of those) redacted.

# Aliases: the reads join `event_void` themselves (for `voided_by`); these must not correlate.
_seen_void = _event_void.alias("seen_void")
_seen_event_lot = _event_lot.alias("seen_event_lot")


def _touches_seen_lot(event_seq: Any, org_id: int | None) -> ColumnElement[bool]:
    return exists().where(_seen_event_lot.c.event_seq == event_seq,
                          lot_seen_by(_seen_event_lot.c.lot_id, org_id))


def event_seen_clause(actor: Actor) -> ColumnElement[bool] | None:
    """The WHERE clause of the events the caller may see (None: every event)."""
    if actor.sees_everything:
        return None
    # A void has no lots of its own: it is seen by whoever sees the event it voided.
    voids_seen = exists().where(_seen_void.c.void_seq == _event.c.seq,
                                _touches_seen_lot(_seen_void.c.target_seq, actor.org_id))
    return or_(_event.c.org_id == actor.org_id, _touches_seen_lot(_event.c.seq, actor.org_id),
               voids_seen)


_SEEN_CODES = (select(_event_lot.c.event_seq, _lot.c.code)
               .join(_lot, _lot.c.id == _event_lot.c.lot_id)
               .join(_access, (_access.c.lot_id == _event_lot.c.lot_id)
                     & (_access.c.org_id == bindparam("org_id")))
               .where(_event_lot.c.event_seq.in_(bindparam("seqs", expanding=True))))


def seen_codes(session: Session, *, org_id: int | None, seqs: Sequence[int],
               ) -> dict[int, frozenset[str]]:
    """For each event of `seqs`, the codes of its lots that `org_id` may see (one query)."""
    found: dict[int, set[str]] = {}
    if seqs:
        for seq, code in session.execute(_SEEN_CODES, {"org_id": org_id, "seqs": list(seqs)}):
            found.setdefault(seq, set()).add(code)
    return {seq: frozenset(c) for seq, c in found.items()}


@dataclass(frozen=True)
class EventRead:
    """An event as a reader sees it: whole (`fields` is None) or as a redacted view."""

    rec: Recorded
    voided_by: str | None
    fields: dict[str, Any] | None = None  # the redacted view's type-specific fields

    @property
    def redacted(self) -> bool:
        return self.fields is not None


def event_reads(session: Session, *, actor: Actor,
                rows: Iterable[tuple[Recorded, str | None]]) -> list[EventRead]:
    """The caller's view of each event: its own organisation's whole, others' redacted."""
    rows = list(rows)
    if actor.sees_everything:
        return [EventRead(rec, voided_by) for rec, voided_by in rows]
    foreign = [rec.seq for rec, _ in rows if rec.org_code != actor.org_code]
    seen = seen_codes(session, org_id=actor.org_id, seqs=foreign)
    return [EventRead(rec, voided_by) if rec.org_code == actor.org_code else
            EventRead(rec, voided_by, redact(rec.type, rec.payload, rec.created_lots,
                                             seen.get(rec.seq, frozenset())))
            for rec, voided_by in rows]


# --- The redaction itself: pure. Every surviving field is a line about a lot the caller may
# see, or a neutral fact of the event; sources, suppliers, primary metal, labs, methods, other
# lots and free text (waybill, vehicle, manifest, reasons) never leave the server.

def _code(ref: str | None) -> str | None:
    return codes.normalize_lot_code(ref) if ref else None


def _collect(p: Payload, created: Sequence[str], seen: frozenset[str]) -> dict[str, Any]:
    code = created[0] if created else _code(p.get("lot"))
    if code not in seen:
        return {}
    return {"lot": code, "metal": p.get("metal"), "grade": p.get("grade"),
            "origin": p.get("origin")}


def _assay(p: Payload, created: Sequence[str], seen: frozenset[str]) -> dict[str, Any]:
    code = _code(p.get("lot"))
    return {"lot": code, "metal_pct": p.get("metal_pct")} if code in seen else {}


def _lines(items: Iterable[Payload], seen: frozenset[str], keep: tuple[str, ...],
           codes_: Iterable[str | None] | None = None) -> list[dict[str, Any]]:
    """The lines about seen lots, each with its canonical `lot` and the `keep` fields only."""
    items = list(items or ())
    refs = list(codes_) if codes_ is not None else [_code(i.get("lot")) for i in items]
    return [{"lot": code, **{k: item.get(k) for k in keep}}
            for item, code in zip(items, refs, strict=False) if code in seen]


def _transform(p: Payload, created: Sequence[str], seen: frozenset[str]) -> dict[str, Any]:
    return {"kind": p.get("kind"),
            "inputs": _lines(p.get("inputs") or (), seen, ("mass_kg",)),
            "outputs": _lines(p.get("outputs") or (), seen, ("metal", "grade", "mass_kg"),
                              codes_=created)}


def _ship(p: Payload, created: Sequence[str], seen: frozenset[str]) -> dict[str, Any]:
    transport = p.get("transport")
    return {"lots": [c for c in map(_code, p.get("lots") or ()) if c in seen],
            "to_site": p.get("to_site"),
            "transport": None if transport is None else {
                "mode": transport.get("mode"), "distance_km": transport.get("distance_km")}}


def _receive(p: Payload, created: Sequence[str], seen: frozenset[str]) -> dict[str, Any]:
    return {"lots": _lines(p.get("lots") or (), seen, ("mass_kg",))}


def _melt(p: Payload, created: Sequence[str], seen: frozenset[str]) -> dict[str, Any]:
    out: dict[str, Any] = {"inputs": _lines(p.get("inputs") or (), seen, ("mass_kg",))}
    if created and created[0] in seen:  # the product lot was shipped to the caller
        out.update(batch=created[0], metal=p.get("metal"), product=p.get("product"),
                   output_mass_kg=p.get("output_mass_kg"))
    return out


def _void(p: Payload, created: Sequence[str], seen: frozenset[str]) -> dict[str, Any]:
    return {"target": p.get("target")}


def _import(p: Payload, created: Sequence[str], seen: frozenset[str]) -> dict[str, Any]:
    """What the lot card shows, and the country of origin (the lot's cells carry it)."""
    shown = _collect(p, created, seen)
    return {**shown, "country": p.get("country")} if shown else {}


REDACTORS: dict[str, Callable[[Payload, Sequence[str], frozenset[str]], dict[str, Any]]] = {
    "collect": _collect, "declare": _collect, "import": _import, "assay": _assay,
    "transform": _transform,
    "ship": _ship, "receive": _receive, "melt": _melt, "void": _void,
}


def redact(event_type: str, payload: Payload, created_lots: Sequence[str],
           seen: frozenset[str]) -> dict[str, Any]:
    """What another organisation's event shows beyond `id, type, seq, occurred_at, org, site,
    voided_by`, given the codes of its lots the caller may see. An unknown type shows nothing."""
    redactor = REDACTORS.get(event_type)
    return redactor(payload, created_lots, seen) if redactor else {}


# --- Flows: an organisation sees the links it is an end of.

def flow_seen_by(actor: Actor, *org_ids: Any) -> ColumnElement[bool]:
    """True where the caller's organisation is one of `org_ids` (columns) of a flow."""
    return or_(*(org_id == actor.org_id for org_id in org_ids))
