"""The event log: record events (single or batched, idempotent) and read them back."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import UUID

import orjson
from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import TypeAdapter

from api.deps import ActorDep, CursorQuery, DbDep, SettingsDep, decode_cursor, encode_cursor, write
from api.routes import dry_run as rehearsal
from api.schemas import AnyEventOut, EventBatch, EventOut, EventPage, EventRedacted, Instant
from domain.commands import Command, EventCommand
from domain.errors import InvalidInput, MalformedBody
from domain.event_log import get_event, list_events
from domain.events.capture import Recorded, record_events
from domain.quotas import check_lots_per_request
from domain.tlog.service import index_of as log_index_of
from domain.visibility import EventRead

router = APIRouter(tags=["events"])
INLINE_BODY = 8 * 1024  # bytes: a body this small is parsed on the event loop
single = TypeAdapter(EventCommand)
EventType = Annotated[str | None, Query(pattern="^(collect|declare|import|transform|ship|receive|assay|"
                                              "melt|void)$")]


def event_json(rec: Recorded, voided_by: str | None = None) -> dict[str, Any]:
    body = dict(rec.payload)
    body.update(id=rec.id, type=rec.type, seq=rec.seq, org=rec.org_code, site=rec.site_code,
                occurred_at=rec.occurred_at.isoformat(), recorded_at=rec.recorded_at.isoformat(),
                created_lots=rec.created_lots, voided_by=voided_by)
    return body


def event_read(ev: EventRead) -> AnyEventOut:
    """An event as read: whole, or another organisation's redacted view."""
    if ev.fields is None:
        return EventOut.model_validate(event_json(ev.rec, ev.voided_by))
    rec = ev.rec
    return EventRedacted.model_validate({
        **ev.fields, "id": rec.id, "type": rec.type, "seq": rec.seq, "org": rec.org_code,
        "site": rec.site_code, "occurred_at": rec.occurred_at.isoformat(),
        "voided_by": ev.voided_by, "redacted": True})


READ_DOC = """

**Field-level visibility.** The caller's organisation's own events, and every event for
auditors and administrators, are answered whole (`redacted: false`). Another organisation's
event (one that touched a lot the caller holds, has held or was sent, or a void of such an
event) is answered as a redacted view (`redacted: true`): `id, type, seq, occurred_at, org, site,
voided_by`, and per type only the lines about lots the caller may see and the event's neutral
facts (collect/declare: `lot, metal, grade, origin`; import: those and `country`; assay: `lot,
metal_pct`; transform: `kind, inputs, outputs`; ship: `lots, to_site, transport {mode,
distance_km}`; receive: `lots`; melt: `inputs`, and `batch, metal, product, output_mass_kg`
when the product lot was sent to the caller; void: `target`). Sources, suppliers, primary
metal, labs, methods, other lots, free text (vehicle, waybill, manifest, reason) and customs
papers are never shown. See docs/api.md."""


def parse_events(raw: bytes) -> tuple[list[Command], bool]:
    """The body as commands, and whether it was a batch (`{"events": [...]}`)."""
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise MalformedBody("the body is not valid JSON") from exc
    if isinstance(data, dict) and "events" in data:
        commands, is_batch = list(EventBatch.model_validate(data).events), True
    else:
        commands, is_batch = [single.validate_python(data)], False
    for n, command in enumerate(commands):
        # 0001-01-01T00:00+01:00 parses, but is before the first instant a datetime holds in
        # UTC, where it is stored: refuse it here rather than fail (500) on the way in.
        try:
            command.occurred_at.astimezone(UTC)
        except OverflowError as exc:
            where = f"/events/{n}/occurred_at" if is_batch else "/occurred_at"
            raise InvalidInput("occurred_at is out of range once converted to UTC",
                               code="invalid-instant", pointer=where) from exc
    return commands, is_batch


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
                  {"$ref": "#/components/schemas/EventBatchOut"}]}}},
        # OpenAPI links: where a client (or a stateful test) goes next with what was stored.
        "links": {
            "GetEvent": {"operationId": "get_one_event_api_v1_events__event_id__get",
                         "parameters": {"event_id": "$response.body#/id"},
                         "description": "The stored event (one event posted alone)."},
            "GetCreatedLot": {"operationId": "read_lot_api_v1_lots__code__get",
                              "parameters": {"code": "$response.body#/created_lots/0"},
                              "description": "The first lot the event created."},
            "ListLotEvents": {"operationId": "get_events_api_v1_events_get",
                              "parameters": {"lot": "$response.body#/created_lots/0"},
                              "description": "The history of the first lot the event created."},
        }},
        "200": {"description": "An exact replay: the original result"}}}


@router.post("/events", summary="Record events", status_code=201, openapi_extra=POST_DOC,
             response_class=Response)
async def post_events(request: Request, actor: ActorDep, db: DbDep,
                      settings: SettingsDep, dry_run: Annotated[bool, Query(
                          description="Answer what would be recorded; store nothing.")] = False,
                      ) -> Response:
    """Record one event, or `{"events": [...]}` (up to 1,000, all or nothing, in order).

    The event `id` is the idempotency key: an exact replay answers 200 with the original
    result, the same id with a different body answers 409 `idempotency-conflict`. A broken
    rule answers a problem whose `pointer` names the event and field, and nothing is stored.

    With `dry_run=1` the same checks run through the same write path in a transaction that is
    always rolled back: 200 `{"dry_run": true, "events", "lots", "melts"}` (docs/api.md).
    """
    # The body limit (16 MiB here) is enforced before this by api/body_limit.py.
    raw = await request.body()
    if dry_run:
        return await run_in_threadpool(
            lambda: rehearsal.dry_run(db, actor, settings, *parse_events(raw), event_json))

    def parse() -> tuple[list[Command], bool]:
        commands, is_batch = parse_events(raw)
        check_lots_per_request(commands, settings.max_lots_per_request)
        return commands, is_batch

    # A small body is parsed here (cheaper than a hop to the thread pool); a single event is
    # recorded in a group with the other single events waiting (api/group_commit.py).
    commands, is_batch = parse() if len(raw) <= INLINE_BODY else await run_in_threadpool(parse)
    if is_batch:
        recorded = await run_in_threadpool(lambda: write(db, lambda s: record_events(
            s, actor=actor, settings=settings, events=commands, batch=True)))
    else:
        recorded = await request.app.state.group_commit.record(actor, commands)
    status = 200 if all(r.replay for r in recorded) else 201
    answers = [{**event_json(r), "replay": r.replay} for r in recorded]
    body: Any = {"events": answers} if is_batch else answers[0]
    return Response(orjson.dumps(body), status_code=status, media_type="application/json")


@router.get("/events", response_model=EventPage, summary="List events",
            description=(
                "Events in log order that the caller may see: its own, those on lots it holds, "
                "has held or was sent, and voids of those. A `lot` the caller may not see "
                "answers 404 `lot-not-found`, exactly as a lot that does not exist." + READ_DOC))
def get_events(actor: ActorDep, db: DbDep,
               lot: Annotated[str | None, Query(max_length=20)] = None,
               type: EventType = None,
               site: Annotated[str | None, Query(max_length=32)] = None,
               since: Annotated[Instant | None, Query(
                   description="Only events recorded at or after this instant.")] = None,
               cursor: CursorQuery = None,
               limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> EventPage:
    with db.read() as s:
        rows = list_events(s, actor=actor, lot=lot, type=type, site=site,
                           since=since if isinstance(since, datetime) else None,
                           after_seq=decode_cursor(cursor), limit=limit)
    nxt = encode_cursor(rows[-1].rec.seq) if len(rows) == limit else None
    return EventPage(items=[event_read(ev) for ev in rows], next_cursor=nxt)


@router.get("/events/{event_id}", response_model=AnyEventOut, summary="One event",
            description=("One event the caller may see, with `voided_by` when a void names it "
                         "(and its leaf index in the transparency log in the `Log-Index` "
                         "header); any other id answers 404 `event-not-found`." + READ_DOC))
def get_one_event(event_id: UUID, actor: ActorDep, db: DbDep,
                  response: Response) -> AnyEventOut:
    with db.read() as s:
        ev = get_event(s, actor=actor, event_id=event_id)
        index = log_index_of(s, seq=ev.rec.seq)
    if index is not None:  # its leaf in the transparency log (docs/transparency.md)
        response.headers["Log-Index"] = str(index)
    return event_read(ev)


def openapi_components() -> dict[str, Any]:
    """Schemas of the event bodies for the OpenAPI document (the route parses them itself)."""
    schema = TypeAdapter(EventCommand).json_schema(ref_template="#/components/schemas/{model}")
    defs = schema.pop("$defs", {})
    defs["EventIn"] = schema
    batch = EventBatch.model_json_schema(ref_template="#/components/schemas/{model}")
    defs.update(batch.pop("$defs", {}))
    defs["EventBatch"] = batch
    return defs
