"""The transparency log: signed checkpoints, the verifier key, entries and proofs."""

from __future__ import annotations

import base64
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import PlainTextResponse

from api.deps import ActorDep, DbDep, SettingsDep
from domain.errors import Unavailable
from domain.tlog import service

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
    with db.read() as s:
        cp = service.checkpoint(s, signer=request.app.state.log_signer,
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
