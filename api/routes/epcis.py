"""GS1 EPCIS 2.0: the event log as a JSON-LD query document, and capture of EPCIS documents."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Annotated, Any, Literal

import orjson
from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool

from api.deps import ActorDep, CursorQuery, DbDep, SettingsDep, decode_cursor, encode_cursor, write
from api.schemas import Instant
from domain.epcis.capture import capture_document
from domain.epcis.export import query_document
from domain.errors import MalformedBody

router = APIRouter(tags=["epcis"])
LD_JSON = "application/ld+json"
CAPTURE_DOC = {"requestBody": {"required": True, "content": {"application/json": {"schema": {
    "type": "object", "description": "An EPCISDocument (or EPCISQueryDocument) in the profile "
    "GET /epcis/events answers; see docs/integrations.md."}}}}}


@router.get("/epcis/events", summary="Events as an EPCIS 2.0 query document",
            response_class=Response, responses={200: {"content": {LD_JSON: {}}}},
            description=(
                "The events the caller may see (as `GET /events`, others' events redacted) as "
                "an `EPCISQueryDocument` in JSON-LD that validates against GS1's EPCIS 2.0 JSON "
                "schema. Every event's `eventID` is its EPCIS event hash id "
                "(`ni:///sha-256;…?ver=CBV2.0`). A next page is named by the `Link` header "
                "(rel=next) and `st:nextCursor`."))
def get_epcis_events(actor: ActorDep, db: DbDep, settings: SettingsDep,
                     since: Annotated[Instant | None, Query(
                         description="Only events recorded at or after this instant.")] = None,
                     until: Annotated[Instant | None, Query(
                         description="Only events recorded before this instant.")] = None,
                     type: Annotated[Literal["ObjectEvent", "TransformationEvent"] | None,
                                     Query()] = None,
                     cursor: CursorQuery = None,
                     limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> Response:
    with db.read() as s:
        doc, last = query_document(
            s, actor=actor, settings=settings,
            since=since if isinstance(since, datetime) else None,
            until=until if isinstance(until, datetime) else None,
            epcis_type=type, after_seq=decode_cursor(cursor), limit=limit)
    headers = {}
    if last is not None:
        doc["st:nextCursor"] = encode_cursor(last)
        headers["Link"] = f'</api/v1/epcis/events?cursor={doc["st:nextCursor"]}>; rel="next"'
    return Response(orjson.dumps(doc), media_type=LD_JSON, headers=headers)


@router.post("/epcis/capture", summary="Capture an EPCIS 2.0 document", response_class=Response,
             openapi_extra=CAPTURE_DOC)
async def post_epcis_capture(request: Request, actor: ActorDep, db: DbDep,
                             settings: SettingsDep) -> Response:
    """Convert each EPCIS event to a scraptrace event and record it under the same rules as
    `POST /events`, idempotently (by `st:id`, else by `eventID`). A document that is not EPCIS
    2.0, or an event that cannot be mapped, is refused whole (422, with the field's pointer);
    an event a custody rule refuses is answered `refused` with its problem, the others stored.
    """
    raw = await request.body()

    def work() -> list[dict[str, Any]]:
        try:
            document = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise MalformedBody("the body is not valid JSON") from exc
        outcomes = write(db, lambda s: capture_document(s, actor=actor, settings=settings,
                                                        document=document))
        return [{**asdict(o), "created_lots": list(o.created_lots)} for o in outcomes]

    answers = await run_in_threadpool(work)
    status = 201 if any(a["status"] == "stored" for a in answers) else 200
    return Response(orjson.dumps({"events": answers}), status_code=status,
                    media_type="application/json")
