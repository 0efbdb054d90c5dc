"""The event log as an EPCIS 2.0 query document (JSON-LD): one EPCIS event per scraptrace event.

Collect, declare and import are ObjectEvents ADD; ship and receive ObjectEvents OBSERVE;
assay an ObjectEvent with a sensor report; transform and melt TransformationEvents with
quantity lists in kilograms; a void is the errorDeclaration of the event it voids. A lot is a
class-level identifier (like a GS1 LGTIN), so it appears as the `epcClass` of quantity lists.
Fields with no EPCIS counterpart are extension fields of the platform's vocabulary (`st:`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from domain.auth import Actor
from domain.epcis import vocabulary as v
from domain.epcis.event_hash import event_hash_id
from domain.errors import NotFound
from domain.event_log import get_event, list_events
from domain.events.capture import local_time
from domain.models import Event, Site
from domain.models.types import utcnow
from domain.settings import Settings
from domain.visibility import EventRead

# Payload fields each type carries in standard EPCIS fields (the rest become extensions).
STANDARD = {"collect": {"lot", "mass_kg"}, "declare": {"lot", "mass_kg"},
            "import": {"lot", "mass_kg"}, "ship": {"lots", "to_site"}, "receive": {"lots"},
            "assay": {"lot", "metal_pct"}, "transform": {"kind", "inputs", "outputs"},
            "melt": {"inputs", "batch", "output_mass_kg"}}
COMMON = {"id", "type", "occurred_at", "site"}


def _offset(at: datetime) -> str:
    text = at.isoformat()
    return "+00:00" if text.endswith("Z") else text[-6:]


def whole(payload: dict[str, Any], created: list[str]) -> dict[str, Any]:
    """The payload with the codes the server assigned written in (as a redacted view has them)."""
    p = dict(payload)
    if p["type"] in ("collect", "declare", "import") and created:
        p["lot"] = created[0]
    elif p["type"] == "transform":
        p["outputs"] = [{**o, "lot": code} for o, code in zip(p["outputs"], created, strict=False)]
    elif p["type"] == "melt" and created:
        p["batch"] = created[0]
    return p


def _quantity(s: Settings, code: str, kg: Any) -> dict[str, Any]:
    item: dict[str, Any] = {"epcClass": v.lot_uri(s, code)}
    if kg is not None:
        item.update(quantity=kg, uom=v.KGM)
    return item


def _body(s: Settings, t: str, p: dict[str, Any]) -> dict[str, Any]:
    """The type-specific standard fields of one event (from a whole payload or a redacted view)."""
    if t in ("collect", "declare", "import"):
        lots = [_quantity(s, p["lot"], p.get("mass_kg"))] if p.get("lot") else []
        return {"type": "ObjectEvent", "action": "ADD", "quantityList": lots,
                "bizStep": v.ADD_STEPS.get(t) or v.step(s, v.IMPORTING), "disposition": "active"}
    if t == "ship":
        body: dict[str, Any] = {
            "type": "ObjectEvent", "action": "OBSERVE", "bizStep": "shipping",
            "disposition": "in_transit",
            "quantityList": [_quantity(s, code, None) for code in p.get("lots") or ()]}
        if p.get("to_site"):
            body["destinationList"] = [{"type": "location",
                                        "destination": v.site_uri(s, p["to_site"])}]
        return body
    if t == "receive":
        return {"type": "ObjectEvent", "action": "OBSERVE", "bizStep": "receiving",
                "disposition": "active",
                "quantityList": [_quantity(s, line["lot"], line.get("mass_kg"))
                                 for line in p.get("lots") or ()]}
    if t == "assay":
        report = {"type": "Dimensionless", "value": p.get("metal_pct"), "uom": v.PERCENT}
        return {"type": "ObjectEvent", "action": "OBSERVE", "bizStep": "inspecting",
                "quantityList": [_quantity(s, p["lot"], None)] if p.get("lot") else [],
                "sensorElementList": [{"sensorReport": [report]}]}
    inputs = [_quantity(s, line["lot"], line.get("mass_kg")) for line in p.get("inputs") or ()]
    if t == "melt":
        outputs = ([_quantity(s, p["batch"], p.get("output_mass_kg"))]
                   if p.get("batch") else [])
        term = v.SMELTING
    else:
        outputs = [_quantity(s, o["lot"], o.get("mass_kg")) for o in p.get("outputs") or ()]
        term = v.TRANSFORM_STEPS[p["kind"]]
    return {"type": "TransformationEvent", "inputQuantityList": inputs,
            "outputQuantityList": outputs, "bizStep": v.step(s, term)}


def _extensions(t: str, p: dict[str, Any]) -> dict[str, Any]:
    ext = {f"{v.PREFIX}:{k}": val for k, val in p.items()
           if k not in COMMON and k not in STANDARD.get(t, ()) and val is not None}
    if t == "transform":  # an output's metal and grade, when the event named them
        extra = [{k: o.get(k) for k in ("metal", "grade") if o.get(k)} for o in p["outputs"]]
        if any(extra):
            ext[f"{v.PREFIX}:outputs"] = extra
    if t == "receive":
        reasons = {line["lot"]: line["reason"] for line in p.get("lots") or ()
                   if line.get("reason")}
        if reasons:
            ext[f"{v.PREFIX}:reasons"] = reasons
    return ext


def epcis_event(s: Settings, ev: EventRead, void: dict[str, Any] | None) -> dict[str, Any]:
    """One event as EPCIS, with its event hash id as `eventID` and its own id as `st:id`."""
    rec = ev.rec
    p = whole(rec.payload, rec.created_lots) if ev.fields is None else \
        {**ev.fields, "type": rec.type}
    out = _body(s, rec.type, p)
    out = {"type": out.pop("type"), "eventTime": rec.occurred_at.isoformat(),
           "eventTimeZoneOffset": _offset(rec.occurred_at), **out}
    out = {k: val for k, val in out.items() if val not in ([], None)}
    out["readPoint"] = out["bizLocation"] = {"id": v.site_uri(s, rec.site_code)}
    if rec.type == "ship":
        out["sourceList"] = [{"type": "possessing_party", "source": v.org_uri(s, rec.org_code)},
                             {"type": "location", "source": v.site_uri(s, rec.site_code)}]
    elif rec.type == "receive":
        out["destinationList"] = [
            {"type": "possessing_party", "destination": v.org_uri(s, rec.org_code)},
            {"type": "location", "destination": v.site_uri(s, rec.site_code)}]
    out.update({f"{v.PREFIX}:id": rec.id, f"{v.PREFIX}:type": rec.type,
                f"{v.PREFIX}:org": rec.org_code}, **_extensions(rec.type, p))
    out["eventID"] = event_hash_id(out, {v.PREFIX: v.namespace(s)})
    if ev.fields is None:  # a redacted view does not show when the event was recorded
        out["recordTime"] = rec.recorded_at.isoformat()
    if void is not None:
        out["errorDeclaration"] = void
    return out


def _voids(session: Session, s: Settings, reads: list[EventRead]) -> dict[str, dict[str, Any]]:
    """The errorDeclaration of each voided event of the page, by the voided event's id."""
    by_void = {ev.voided_by: ev for ev in reads if ev.voided_by}
    if not by_void:
        return {}
    rows = session.execute(select(Event, col(Site.code)).join(Site, col(Site.id) == Event.site_id)
                           .where(col(Event.id).in_(list(by_void))))
    out = {}
    for void, site_code in rows.all():
        target = by_void[void.id]
        declared: dict[str, Any] = {"id": void.id, "site": site_code}
        if target.fields is None:  # the reason is free text: only for whole views
            declared["reason"] = void.payload.get("reason")
        at = local_time(void.occurred_at, void.occurred_offset_min)
        out[target.rec.id] = {"declarationTime": at.isoformat(), "reason": "incorrect_data",
                              f"{v.PREFIX}:void": declared}
    return out


def _target(ev: EventRead) -> str | None:
    """The id of the event a void voids (None for any other event)."""
    if ev.rec.type != "void":
        return None
    return str(ev.rec.payload.get("target") or (ev.fields or {}).get("target"))


def query_document(session: Session, *, actor: Actor, settings: Settings,
                   since: datetime | None = None, until: datetime | None = None,
                   epcis_type: str | None = None, after_seq: int = 0, limit: int = 100,
                   ) -> tuple[dict[str, Any], int | None]:
    """A page of the events the caller may see as an `EPCISQueryDocument`, and the last seq
    read when more may follow (the cursor of the next page)."""
    reads = list_events(session, actor=actor, since=since, after_seq=after_seq, limit=limit)
    last = reads[-1].rec.seq if len(reads) == limit else None
    wanted = {"ObjectEvent": v.OBJECT_TYPES, "TransformationEvent": v.TRANSFORMATION_TYPES}
    types = wanted.get(epcis_type or "", v.OBJECT_TYPES | v.TRANSFORMATION_TYPES)
    page = [ev for ev in reads if until is None or ev.rec.recorded_at < until]
    # A void is sent as EPCIS sends a correction: the voided event again, with its
    # errorDeclaration, where the void stands in the log (and the voided event carries it too).
    resent: dict[str, EventRead] = {}
    for target_id in filter(None, map(_target, page)):
        try:
            resent[target_id] = get_event(session, actor=actor, event_id=UUID(target_id))
        except NotFound:
            continue  # a void of an event the caller may not see: nothing to send
    voids = _voids(session, settings, page + list(resent.values()))
    events = []
    for ev in page:
        item = resent.get(_target(ev) or "", ev)
        if item.rec.type in types:
            events.append(epcis_event(settings, item, voids.get(item.rec.id)))
    document = {"@context": v.context(settings), "type": "EPCISQueryDocument",
                "schemaVersion": "2.0", "creationDate": utcnow().isoformat(),
                "epcisBody": {"queryResults": {"queryName": "SimpleEventQuery",
                                               "resultsBody": {"eventList": events}}}}
    return document, last
