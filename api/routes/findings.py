"""Audit findings: the inbox of agencies and of each organisation, notes and statuses."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Path, Query
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from api import exports
from api.deps import ActorDep, CursorQuery, DbDep, decode_cursor, encode_cursor, write
from api.schemas import Instant, Page
from domain.findings.inbox import FindingView, add_note, get_finding, list_findings, set_status

router = APIRouter(tags=["findings"])
Kind = Literal["weight-gap", "stale-transit", "excess-loss", "yield-above-metal", "low-yield",
               "late-record", "declared-share", "void-rate"]
Status = Literal["open", "acknowledged", "resolved", "dismissed"]
FindingId = Annotated[int, Path(ge=1, le=2**31 - 1)]


class NoteOut(BaseModel):
    by: str
    at: datetime
    text: str
    status: Status | None = Field(description="The status this note set (status changes).")


class FindingOut(BaseModel):
    id: int
    kind: Kind
    severity: Literal["info", "warning", "high"]
    org: str
    site: str | None
    lots: list[str]
    events: list[str]
    params: dict[str, Any] = Field(description="`measured`, `threshold`, `unit` and the policy "
                                   "`source` (seed/finding_policy.csv), and the rule's figures.")
    detected_at: datetime
    status: Status
    notes: list[NoteOut]


class NoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: Annotated[str, Field(min_length=1, max_length=2000)]


class StatusIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    status: Status
    note: Annotated[str | None, Field(max_length=2000)] = None


def out(v: FindingView) -> FindingOut:
    return FindingOut(id=v.id, kind=v.kind, severity=v.severity,  # type: ignore[arg-type]
                      org=v.org, site=v.site, lots=v.lots, events=v.events, params=v.params,
                      detected_at=v.detected_at, status=v.status,  # type: ignore[arg-type]
                      notes=[NoteOut(by=n.by, at=n.at, text=n.text,
                                     status=n.status)  # type: ignore[arg-type]
                             for n in v.notes])


@router.get("/findings", response_model=Page[FindingOut], summary="List findings",
            responses=exports.RESPONSES)
def read_findings(actor: ActorDep, db: DbDep,
                  org: Annotated[str | None, Query(max_length=32)] = None,
                  kind: Kind | None = None, status: Status | None = None,
                  severity: Literal["info", "warning", "high"] | None = None,
                  since: Annotated[Instant | None, Query(
                      description="Detected at or after this instant (RFC 3339).")] = None,
                  cursor: CursorQuery = None,
                  limit: Annotated[int, Query(ge=1, le=1000)] = 100,
                  format: exports.FormatQuery = "json") -> Page[FindingOut] | StreamingResponse:
    """Newest first. Organisations see their own findings; auditors see all."""
    with db.read() as s:
        rows = list_findings(s, actor=actor, org=org, kind=kind, status=status,
                             severity=severity, since=since, before_id=decode_cursor(cursor),
                             limit=limit)
    nxt = encode_cursor(rows[-1].id) if len(rows) == limit else None
    page = Page[FindingOut](items=[out(v) for v in rows], next_cursor=nxt)
    if format != "json":
        return exports.report_download(format, page, "items", "findings",
                                       exports.FINDING_SOURCES)
    return page


@router.get("/findings/{finding_id}", response_model=FindingOut, summary="One finding")
def read_finding(finding_id: FindingId, actor: ActorDep, db: DbDep) -> FindingOut:
    with db.read() as s:
        return out(get_finding(s, actor=actor, finding_id=finding_id))


@router.post("/findings/{finding_id}/notes", response_model=FindingOut, status_code=201,
             summary="Add a note to a finding")
def note_finding(finding_id: FindingId, body: Annotated[NoteIn, Body()], actor: ActorDep,
                 db: DbDep) -> FindingOut:
    """An auditor's note, or the answer of a manager or operator of the finding's
    organisation."""
    return out(write(db, lambda s: add_note(s, actor=actor, finding_id=finding_id,
                                            text=body.text)))


@router.post("/findings/{finding_id}/status", response_model=FindingOut,
             summary="Set a finding's status")
def status_finding(finding_id: FindingId, body: Annotated[StatusIn, Body()], actor: ActorDep,
                   db: DbDep) -> FindingOut:
    """Auditors only: acknowledged, resolved, dismissed (or open again), kept as a note."""
    return out(write(db, lambda s: set_status(s, actor=actor, finding_id=finding_id,
                                              status=body.status, note=body.note)))
