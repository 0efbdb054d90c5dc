"""The transparency log: signed checkpoints, the verifier key, entries and proofs."""

from __future__ import annotations

import base64
from datetime import date
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import PlainTextResponse

from api.deps import ActorDep, DbDep, SettingsDep
from domain.errors import Unavailable
from domain.tlog import service
from domain.tlog.evidence import export

router = APIRouter(tags=["transparency log"])
Index = Annotated[int, Query(ge=0, le=2**62)]


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


@router.get("/log/checkpoint", response_class=PlainTextResponse,
            summary="The log's latest signed checkpoint (no login)")
def get_checkpoint(request: Request, db: DbDep, settings: SettingsDep) -> PlainTextResponse:
    """A C2SP tlog-checkpoint (origin, tree size, base64 root hash) signed as a C2SP signed
    note with the log's Ed25519 key. It covers every event committed before the request.
    503 `log-not-signing` when the server has no log key."""
    cp = service.latest_checkpoint(db, signer=request.app.state.log_signer,
                                   public_url=settings.public_url)
    return PlainTextResponse(cp.text, headers={"Cache-Control": "no-store"})


@router.get("/log/key", response_class=PlainTextResponse,
            summary="The log's verifier key in note format (no login)")
def get_key(request: Request) -> PlainTextResponse:
    signer = request.app.state.log_signer
    if signer is None:
        raise Unavailable("no log key is configured", code="log-not-signing")
    return PlainTextResponse(signer.verifier_key + "\n")


@router.get("/log/entries", summary="Leaves of the log (at most 1,000)")
def get_entries(actor: ActorDep, db: DbDep, start: Index,
                end: Annotated[int, Query(ge=1, le=2**62)]) -> dict[str, Any]:
    """Leaves [start, end), base64 of the canonical JSON each leaf hashes. Auditors read every
    leaf; others their organisation's own, and null for the rest."""
    with db.read() as s:
        rows = service.entries(s, actor=actor, start=start, end=end)
    return {"start": start, "end": end,
            "entries": [{"index": i, "leaf": None if data is None else _b64(data)}
                        for i, data in rows]}


@router.get("/log/proof/inclusion", summary="Inclusion proof of a leaf in a tree size")
def get_inclusion(actor: ActorDep, db: DbDep, index: Index,
                  size: Annotated[int, Query(ge=1, le=2**62)]) -> dict[str, Any]:
    """RFC 9162 §2.1.3 inclusion proof: base64 SHA-256 hashes, nearest the leaf first."""
    with db.read() as s:
        hashes = service.inclusion_proof(s, index=index, size=size)
    return {"index": index, "size": size, "hashes": [_b64(h) for h in hashes]}


@router.get("/log/proof/consistency", summary="Consistency proof between two tree sizes")
def get_consistency(actor: ActorDep, db: DbDep,
                    from_: Annotated[int, Query(alias="from", ge=1, le=2**62)],
                    to: Annotated[int, Query(ge=1, le=2**62)]) -> dict[str, Any]:
    """RFC 9162 §2.1.4 consistency proof that the tree of size `to` extends that of `from`."""
    with db.read() as s:
        hashes = service.consistency_proof(s, old=from_, new=to)
    return {"from": from_, "to": to, "hashes": [_b64(h) for h in hashes]}


@router.get("/reports/recycled-share/evidence", tags=["reports"],
            summary="Evidence bundle of a producer's recycled share (JSON file)")
def get_evidence(request: Request, actor: ActorDep, db: DbDep, settings: SettingsDep,
                 producer: Annotated[str, Query(max_length=32)],
                 metal: Annotated[str, Query(pattern="^(Al|Cu|Pb)$")],
                 from_: Annotated[date, Query(alias="from", description="First local day.")],
                 to: Annotated[date, Query(description="Day after the last.")]) -> Response:
    """One JSON file from which `scraptrace-verify bundle` recomputes the report offline: the
    report in grams, a signed checkpoint, the verifier key, grade defaults, and the leaves of
    the producer's melts in [from, to), of the back-lineage of every lot they charged and of
    voids of those events, each with its inclusion proof (docs/transparency.md). Auditors, and
    the producer for itself; another producer answers 404 `org-not-found`."""
    bundle = export(db, actor=actor, settings=settings, signer=request.app.state.log_signer,
                    producer=producer, metal=metal, start=from_, end=to)
    name = f"evidence-{producer}-{metal}-{from_.isoformat()}-{to.isoformat()}.json"
    return Response(orjson.dumps(bundle), media_type="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
