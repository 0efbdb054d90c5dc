"""Capture of EPCIS 2.0 documents: each EPCIS event becomes a scraptrace event on the one write path.

A document that follows the profile of the export (domain/epcis/export.py) is first checked
against GS1's EPCIS 2.0 JSON schema, then every event is converted (a field that cannot be
mapped is refused with its JSON pointer, and nothing is written). The events are then recorded
in order by `record_events`, under the same custody rules as `POST /events`: all at once, or,
when one is refused, one by one, so that each event is answered as stored or refused.
Idempotent: an event's id is its `st:id`, else a UUIDv5 of its `eventID` (or of its hash id).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from pydantic import TypeAdapter, ValidationError
from sqlalchemy.orm import Session

from domain.auth import Actor
from domain.commands import Command, EventCommand
from domain.epcis import vocabulary as v
from domain.epcis.event_hash import event_hash_id
from domain.epcis.export import whole
from domain.epcis.schema import check_schema
from domain.errors import DomainError, Forbidden, InvalidInput
from domain.events.capture import MAX_BATCH, PRIORS, Recorded, record_events
from domain.settings import Settings

_command = TypeAdapter(EventCommand)
CBV_STEP = "https://ref.gs1.org/cbv/BizStep-"
STEP_TYPES = {"collecting": "collect", "commissioning": "declare", "shipping": "ship",
              "receiving": "receive", "inspecting": "assay"}
TERMS = {term: kind for kind, term in v.TRANSFORM_STEPS.items()}
# Where a command field comes from in an EPCIS event (for the pointer of a refusal).
SOURCE_OF = {"mass_kg": "quantityList", "lot": "quantityList", "lots": "quantityList",
             "site": "bizLocation", "occurred_at": "eventTime", "inputs": "inputQuantityList",
             "outputs": "outputQuantityList", "batch": "outputQuantityList",
             "output_mass_kg": "outputQuantityList", "to_site": "destinationList",
             "metal_pct": "sensorElementList", "kind": "bizStep", "id": "eventID"}


@dataclass(frozen=True)
class Outcome:
    """What became of one EPCIS event: `stored`, `replayed` (stored before) or `refused`."""

    event_id: str
    id: str
    status: str
    seq: int | None = None
    created_lots: tuple[str, ...] = ()
    problem: dict[str, Any] | None = None


def event_list(document: dict[str, Any]) -> tuple[str, list[Any]]:
    """The events of an `EPCISDocument` or an `EPCISQueryDocument`, and their pointer."""
    body = document.get("epcisBody") or {}
    if document.get("type") == "EPCISQueryDocument":
        return ("/epcisBody/queryResults/resultsBody/eventList",
                body.get("queryResults", {}).get("resultsBody", {}).get("eventList", []))
    return "/epcisBody/eventList", body.get("eventList") or []


def _prefix(document: dict[str, Any], settings: Settings) -> tuple[str, dict[str, str]]:
    """The prefix the document uses for this platform's vocabulary, and all its prefixes."""
    ctx = document.get("@context")
    prefixes: dict[str, str] = {}
    for item in ctx if isinstance(ctx, list) else [ctx]:
        if isinstance(item, dict):
            prefixes.update({k: val for k, val in item.items() if isinstance(val, str)})
    ours = next((k for k, val in prefixes.items() if val == v.namespace(settings)), v.PREFIX)
    prefixes.setdefault(ours, v.namespace(settings))  # an undeclared `st:` is this platform's
    return ours, prefixes


class _Mapper:
    """Converts one EPCIS event; every failure names the EPCIS field it came from."""

    def __init__(self, ev: dict[str, Any], where: str, prefix: str) -> None:
        self.ev, self.where, self.prefix = ev, where, prefix

    def fail(self, field: str, detail: str) -> InvalidInput:
        return InvalidInput(f"{self.where}/{field}: {detail}", code="epcis-not-mapped",
                            pointer=f"{self.where}/{field}")

    def ext(self, name: str, default: Any = None) -> Any:
        return self.ev.get(f"{self.prefix}:{name}", default)

    def match(self, field: str, uri: Any, pattern: Any, what: str) -> str:
        found = pattern.search(uri) if isinstance(uri, str) else None
        if found is None:
            raise self.fail(field, f"{uri!r} is not a {what} URI of this platform")
        return str(found.group(1))

    def lots(self, field: str) -> list[tuple[str, Any]]:
        items = self.ev.get(field) or []
        return [(self.match(f"{field}/{i}/epcClass", q.get("epcClass"), v.LOT_PATH, "lot"),
                 q.get("quantity")) for i, q in enumerate(items)]

    def one_lot(self, field: str) -> tuple[str, Any]:
        found = self.lots(field)
        if len(found) != 1:
            raise self.fail(field, "exactly one lot is expected")
        return found[0]

    def event_type(self) -> str:
        step = str(self.ev.get("bizStep", "")).removeprefix(CBV_STEP)
        term = step.rpartition("BizStep-")[2] if "BizStep-" in step else None
        found = STEP_TYPES.get(step) or ("melt" if term == v.SMELTING else
                                         "import" if term == v.IMPORTING else
                                         "transform" if term in TERMS else None)
        if found is None:
            raise self.fail("bizStep", f"{step!r} is not a bizStep of this platform's profile")
        return found

    def fields(self, t: str) -> dict[str, Any]:
        ev = self.ev
        if t in ("collect", "declare", "import"):
            lot, kg = self.one_lot("quantityList")
            return {"lot": lot, "mass_kg": kg}
        if t == "ship":
            places = [d.get("destination") for d in ev.get("destinationList") or []
                      if d.get("type") == "location"]
            if len(places) != 1:
                raise self.fail("destinationList", "one destination of type location is expected")
            return {"lots": [code for code, _ in self.lots("quantityList")],
                    "to_site": self.match("destinationList", places[0], v.SITE_PATH, "site")}
        if t == "receive":
            reasons = self.ext("reasons") or {}
            return {"lots": [{"lot": code, "mass_kg": kg,
                              **({"reason": reasons[code]} if code in reasons else {})}
                             for code, kg in self.lots("quantityList")]}
        if t == "assay":
            try:
                pct = ev["sensorElementList"][0]["sensorReport"][0]["value"]
            except (KeyError, IndexError, TypeError) as exc:
                raise self.fail("sensorElementList", "a sensor report with the metal "
                                "percentage is expected") from exc
            return {"lot": self.one_lot("quantityList")[0], "metal_pct": pct}
        inputs = [{"lot": code, **({"mass_kg": kg} if kg is not None else {})}
                  for code, kg in self.lots("inputQuantityList")]
        if t == "melt":
            batch, kg = self.one_lot("outputQuantityList")
            return {"inputs": inputs, "batch": batch, "output_mass_kg": kg}
        extra = self.ext("outputs") or []
        outputs = [{"lot": code, "mass_kg": kg, **(extra[i] if i < len(extra) else {})}
                   for i, (code, kg) in enumerate(self.lots("outputQuantityList"))]
        kind = TERMS[str(ev["bizStep"]).rpartition("BizStep-")[2]]
        return {"kind": kind, "inputs": inputs, "outputs": outputs}

    def occurred_at(self) -> datetime:
        try:
            at = datetime.fromisoformat(str(self.ev["eventTime"]).replace("Z", "+00:00"))
            offset = str(self.ev["eventTimeZoneOffset"])
            hours, minutes = (int(part) for part in offset[1:].split(":"))
            minutes = (hours * 60 + minutes) * (-1 if offset[0] == "-" else 1)
            return at.astimezone(timezone(timedelta(minutes=minutes)))
        except (ValueError, KeyError, TypeError) as exc:
            raise self.fail("eventTime", "not an RFC 3339 date-time with an offset") from exc


def _commands(ev: dict[str, Any], where: str, prefix: str,
              prefixes: dict[str, str]) -> tuple[str, list[dict[str, Any]]]:
    """The eventID of one EPCIS event and the scraptrace events it stands for (with its void)."""
    m = _Mapper(ev, where, prefix)
    hash_id = event_hash_id(ev, prefixes)
    event_id = str(ev.get("eventID") or hash_id)
    if event_id.startswith("ni:///") and event_id != hash_id:
        raise InvalidInput(f"{where}/eventID: the event hash id does not match the event "
                           f"({hash_id})", code="epcis-hash-mismatch", pointer=f"{where}/eventID")
    t = m.event_type()
    site = m.match("bizLocation", (ev.get("bizLocation") or ev.get("readPoint") or {}).get("id"),
                   v.SITE_PATH, "site")
    own = {k.split(":", 1)[1]: val for k, val in ev.items() if k.startswith(f"{prefix}:")}
    for name in ("id", "type", "org", "outputs", "reasons"):
        own.pop(name, None)
    body = {**own, **m.fields(t), "type": t, "site": site,
            "occurred_at": m.occurred_at().isoformat(),
            "id": str(m.ext("id") or uuid.uuid5(uuid.NAMESPACE_URL, event_id))}
    out = [body]
    declared = ev.get("errorDeclaration")
    if declared:
        void = declared.get(f"{prefix}:void") or {}
        out.append({"type": "void", "target": body["id"], "site": void.get("site", site),
                    "occurred_at": declared["declarationTime"],
                    "reason": void.get("reason") or str(declared.get("reason") or "declared"),
                    "id": void.get("id") or str(uuid.uuid5(uuid.NAMESPACE_URL, event_id + "#void"))})
    return event_id, out


def _validated(bodies: list[dict[str, Any]], where: str) -> list[Command]:
    out = []
    for body in bodies:
        try:
            out.append(_command.validate_python(body))
        except ValidationError as exc:
            err = exc.errors()[0]
            loc = [p for p in err["loc"] if p != body["type"]]
            field = SOURCE_OF.get(str(loc[0]), f"{v.PREFIX}:{loc[0]}") if loc else ""
            raise InvalidInput(f"{where}/{field}: {err['msg']}", code="epcis-not-mapped",
                               pointer=f"{where}/{field}") from exc
    return out


def parse_document(document: Any, settings: Settings) -> list[tuple[str, list[Command]]]:
    """Check a document and convert it: (eventID, commands) per EPCIS event, in order."""
    check_schema(document)
    base, events = event_list(document)
    prefix, prefixes = _prefix(document, settings)
    out = []
    for i, ev in enumerate(events):
        where = f"{base}/{i}"
        event_id, bodies = _commands(ev, where, prefix, prefixes)
        out.append((event_id, _validated(bodies, where)))
    return out


def _outcome(event_id: str, cmds: list[Command], recs: list[Recorded]) -> Outcome:
    """An event stored earlier, or earlier in the same document, is `replayed`."""
    if not recs:
        return Outcome(event_id, str(cmds[0].id), "replayed")
    first = recs[0]
    return Outcome(event_id, str(cmds[0].id), "replayed" if all(r.replay for r in recs)
                   else "stored", first.seq, tuple(first.created_lots))


def _chunks(items: list[Item]) -> list[list[Item]]:
    chunks: list[list[Item]] = [[]]
    size = 0
    for item in items:
        if size + len(item[2]) > MAX_BATCH:
            chunks.append([])
            size = 0
        chunks[-1].append(item)
        size += len(item[2])
    return chunks


Item = tuple[str, list[Command], list[Command]]  # eventID, its commands, those not sent before


def _one_by_one(session: Session, actor: Actor, settings: Settings,
                items: list[Item]) -> list[Outcome]:
    out = []
    for eid, cmds, fresh in items:
        try:
            with session.begin_nested():
                recs = record_events(session, actor=actor, settings=settings,
                                     events=fresh, batch=False) if fresh else []
                out.append(_outcome(eid, cmds, recs))
        except Forbidden:
            raise  # a capture for another organisation's site, or by a role that may not
        except DomainError as err:
            out.append(Outcome(eid, str(cmds[0].id), "refused", problem={
                "code": err.code, "detail": err.detail, "pointer": err.pointer}))
    return out


def _as_stored(session: Session, parsed: list[tuple[str, list[Command]]],
               ) -> list[tuple[str, list[Command]]]:
    """An event stored before without the lot codes the server assigned it comes back from an
    export with them written in: the same event, so it is replayed in its stored form."""
    ids = [str(cmd.id) for _, cmds in parsed for cmd in cmds]
    stored = {row.id: (whole(row.payload, list(row.created_lots)), row.payload)
              for row in session.execute(PRIORS, {"ids": ids})}
    if not stored:
        return parsed

    def same(cmd: Command) -> Command:
        prior = stored.get(str(cmd.id))
        if prior is None or prior[0] != cmd.model_dump(mode="json"):
            return cmd
        return _command.validate_python(prior[1])

    return [(eid, [same(cmd) for cmd in cmds]) for eid, cmds in parsed]


def capture_document(session: Session, *, actor: Actor, settings: Settings,
                     document: Any) -> list[Outcome]:
    """Record the events of an EPCIS document in order; each answered stored or refused."""
    actor.require("operator", "manager")
    sent: set[str] = set()
    items: list[Item] = []
    for eid, cmds in _as_stored(session, parse_document(document, settings)):
        # An event sent twice in one document (a correction re-sends it) is recorded once.
        items.append((eid, cmds, [c for c in cmds if str(c.id) not in sent]))
        sent.update(str(c.id) for c in cmds)
    out: list[Outcome] = []
    for chunk in _chunks(items):
        flat = [cmd for _, _, fresh in chunk for cmd in fresh]
        try:
            with session.begin_nested():
                recs = iter(record_events(session, actor=actor, settings=settings, events=flat,
                                          batch=True) if flat else [])
            out += [_outcome(eid, cmds, [next(recs) for _ in fresh]) for eid, cmds, fresh in chunk]
        except Forbidden:
            raise
        except DomainError:  # answered event by event
            out += _one_by_one(session, actor, settings, chunk)
    return out
