"""The event log: record events (single or batched, idempotent) and read them back."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

import orjson
from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import TypeAdapter

from api.deps import ActorDep, DbDep, SettingsDep, decode_cursor, encode_cursor, write
from api.schemas import EventBatch, EventOut, Instant, Page
from domain.commands import Command, EventCommand
from domain.errors import MalformedBody, TooLarge
from domain.event_log import get_event, list_events
from domain.events.capture import Recorded, record_events

router = APIRouter(tags=["events"])
single = TypeAdapter(EventCommand)
MAX_BODY = 16 * 1024 * 1024
EventType = Annotated[str | None, Query(pattern="^(collect|declare|transform|ship|receive|assay|"
                                              "melt|void)$")]


def event_json(rec: Recorded, voided_by: str | None = None) -> dict[str, Any]:
    body = dict(rec.payload)
    body.update(id=rec.id, type=rec.type, seq=rec.seq, org=rec.org_code, site=rec.site_code,
                occurred_at=rec.occurred_at.isoformat(), recorded_at=rec.recorded_at.isoformat(),
                created_lots=rec.created_lots, voided_by=voided_by)
    return body


def parse_events(raw: bytes) -> tuple[list[Command], bool]:
    """The body as commands, and whether it was a batch (`{"events": [...]}`)."""
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise MalformedBody("the body is not valid JSON") from exc
    if isinstance(data, dict) and "events" in data:
        return list(EventBatch.model_validate(data).events), True
    return [single.validate_python(data)], False


POST_DOC = {"requestBody": {"required": True, "content": {"application/json": {
    "schema": {"oneOf": [{"$ref": "#/components/schemas/EventIn"},
                         {"$ref": "#/components/schemas/EventBatch"}]},
    "examples": {
        "collect": {"summary": "One collected lot", "value": {
            "id": "0b7f3c1e-8f7a-4a53-9d3c-6c1f1d2a9e01", "type": "collect",
            "occurred_at": "2026-05-04T09:30:00+08:00", "site": "GY-YARD-1", "metal": "Al",
            "grade": "AL-UBC", "origin": "post_consumer", "mass_kg": 412.5,
            "source": {"kind": "household", "region": "520102"}}},
        "batch": {"summary": "A batch (all or nothing)", "value": {"events": [
            {"id": "0b7f3c1e-8f7a-4a53-9d3c-6c1f1d2a9e02", "type": "assay",
             "occurred_at": "2026-05-04T10:00:00+08:00", "site": "GY-YARD-1",
             "lot": "7KQ-M3X-9PD", "metal_pct": 91.5, "method": "XRF", "lab": "in-house"}]}},
    }}}},
    "responses": {"201": {"description": "Stored", "content": {"application/json": {"schema": {
        "oneOf": [{"$ref": "#/components/schemas/EventOut"},
                  {"$ref": "#/components/schemas/EventBatchOut"}]}}}},
        "200": {"description": "An exact replay: the original result"}}}


@router.post("/events", summary="Record events", status_code=201, openapi_extra=POST_DOC,
             response_class=Response)
async def post_events(request: Request, actor: ActorDep, db: DbDep,
                      settings: SettingsDep) -> Response:
    """Record one event, or `{"events": [...]}` (up to 1,000, all or nothing, in order).

    The event `id` is the idempotency key: an exact replay answers 200 with the original
    result, the same id with a different body answers 409 `idempotency-conflict`. A broken
    rule answers a problem whose `pointer` names the event and field, and nothing is stored.
    """
    raw = await request.body()
    if len(raw) > MAX_BODY:
        raise TooLarge("the body is larger than 16 MiB")

    def work() -> tuple[list[Recorded], bool]:
        commands, is_batch = parse_events(raw)
        return write(db, lambda s: record_events(s, actor=actor, settings=settings,
                                                 events=commands, batch=is_batch)), is_batch

    recorded, is_batch = await run_in_threadpool(work)
    status = 200 if all(r.replay for r in recorded) else 201
    answers = [{**event_json(r), "replay": r.replay} for r in recorded]
    body: Any = {"events": answers} if is_batch else answers[0]
    return Response(orjson.dumps(body), status_code=status, media_type="application/json")


@router.get("/events", response_model=Page[EventOut], summary="List events")
def get_events(actor: ActorDep, db: DbDep,
               lot: Annotated[str | None, Query(max_length=20)] = None,
               type: EventType = None,
               site: Annotated[str | None, Query(max_length=32)] = None,
               since: Annotated[Instant | None, Query(
                   description="Only events recorded at or after this instant.")] = None,
               cursor: Annotated[str | None, Query(max_length=64)] = None,
               limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> Page[EventOut]:
    """Events in log order that the caller may see: its own, and those on lots it holds, has
    held or was sent."""
    with db.read() as s:
        rows = list_events(s, actor=actor, lot=lot, type=type, site=site,
                           since=since if isinstance(since, datetime) else None,
                           after_seq=decode_cursor(cursor), limit=limit)
    nxt = encode_cursor(rows[-1][0].seq) if len(rows) == limit else None
    return Page[EventOut](items=[EventOut.model_validate(event_json(r, v)) for r, v in rows],
                          next_cursor=nxt)


@router.get("/events/{event_id}", response_model=EventOut, summary="One event")
def get_one_event(event_id: UUID, actor: ActorDep, db: DbDep) -> EventOut:
    with db.read() as s:
        rec, voided_by = get_event(s, actor=actor, event_id=event_id)
    return EventOut.model_validate(event_json(rec, voided_by))


def openapi_components() -> dict[str, Any]:
    """Schemas of the event bodies for the OpenAPI document (the route parses them itself)."""
    schema = TypeAdapter(EventCommand).json_schema(ref_template="#/components/schemas/{model}")
    defs = schema.pop("$defs", {})
    defs["EventIn"] = schema
    batch = EventBatch.model_json_schema(ref_template="#/components/schemas/{model}")
    defs.update(batch.pop("$defs", {}))
    defs["EventBatch"] = batch
    return defs
