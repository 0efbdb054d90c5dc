"""Lineage: a lot's trace back to its origins or forward to what it became."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import orjson
from fastapi import APIRouter, Query, Response

from api.deps import ActorDep, DbDep, SettingsDep
from api.lineage_schemas import TraceOut
from domain.lineage import MAX_DEPTH, Node, Trace, trace_lot

router = APIRouter(tags=["lots"])


def _node(n: Node) -> dict[str, Any]:
    if n.hidden:
        return {"id": n.id, "hidden": True, "metal": n.metal, "mass_kg": n.mass_g / 1000}
    assert n.occurred_at is not None
    return {"id": n.id, "hidden": False, "code": n.id, "metal": n.metal, "grade": n.grade,
            "status": n.status, "mass_kg": n.mass_g / 1000,
            "custodian": {"org": n.org, "site": n.site},
            "created_by": {"event": n.event, "type": n.event_type,
                           "occurred_at": n.occurred_at.isoformat()}}


def trace_json(t: Trace) -> dict[str, Any]:
    return {"root": t.root, "direction": t.direction, "truncated": t.truncated,
            "nodes": [_node(n) for n in t.nodes],
            "edges": [{"from": e.source, "to": e.target, "event": e.event, "type": e.type,
                       "mass_kg": e.grams / 1000} for e in t.edges],
            "origins": None if t.origins is None else [
                {"lot": o.lot, "hidden": o.hidden, "origin": o.origin,
                 "provenance": o.provenance, "region": o.region, "evidence": o.evidence,
                 "org_kind": o.org_kind, "mass_kg": o.grams / 1000} for o in t.origins]}


@router.get("/lots/{code}/trace", summary="A lot's lineage", response_class=Response,
            responses={200: {"model": TraceOut, "description": "The trace"}})
def read_trace(code: str, actor: ActorDep, db: DbDep, settings: SettingsDep,
               direction: Literal["back", "forward"] = "back",
               depth: Annotated[int | None, Query(ge=1, le=MAX_DEPTH, description=(
                   "Steps to show; default: the whole lineage."))] = None) -> Response:
    """The lots `back` to the collections, declarations and imports the lot's mass came from,
    or `forward` to what it became, with the flows between them. Lots of other organisations
    the caller may not see appear as hidden nodes with a stable opaque id (auditors see every
    lot). A back trace also answers `origins`."""
    with db.read() as s:
        trace = trace_lot(s, actor=actor, code=code, key=settings.hidden_id_key,
                          direction=direction, depth=depth)
    return Response(orjson.dumps(trace_json(trace)), media_type="application/json")
