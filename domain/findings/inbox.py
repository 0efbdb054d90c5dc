"""The findings inbox: list, read, answer with notes, and set a finding's status."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from domain.auth import Actor
from domain.errors import Forbidden, InvalidInput, NotFound
from domain.findings.rules import KINDS
from domain.models import Finding, FindingNote, Org, Site
from domain.models.types import utcnow
from domain.visibility import finding_seen_clause, may_note_finding

STATUSES = ("open", "acknowledged", "resolved", "dismissed")
SEVERITIES = ("info", "warning", "high")
_f: Table = Finding.__table__  # type: ignore[attr-defined]
_note: Table = FindingNote.__table__  # type: ignore[attr-defined]
_org: Table = Org.__table__  # type: ignore[attr-defined]
_site: Table = Site.__table__  # type: ignore[attr-defined]
_BASE = (select(_f, _org.c.code.label("org_code"), _site.c.code.label("site_code"))
         .join(_org, _org.c.id == _f.c.org_id).outerjoin(_site, _site.c.id == _f.c.site_id))


@dataclass(frozen=True)
class Note:
    by: str
    at: datetime
    text: str
    status: str | None


@dataclass(frozen=True)
class FindingView:
    id: int
    kind: str
    severity: str
    org: str
    site: str | None
    lots: list[str]
    events: list[str]
    params: dict[str, Any]
    detected_at: datetime
    status: str
    notes: list[Note]


def _views(session: Session, rows: list[Any]) -> list[FindingView]:
    notes: dict[int, list[Note]] = {}
    if rows:
        for n in session.execute(select(_note).where(_note.c.finding_id.in_([r.id for r in rows]))
                                 .order_by(_note.c.id)):
            notes.setdefault(n.finding_id, []).append(Note(n.username, n.at, n.text, n.status))
    return [FindingView(id=r.id, kind=r.kind, severity=r.severity, org=r.org_code,
                        site=r.site_code, lots=list(r.lots), events=list(r.events),
                        params=dict(r.params), detected_at=r.detected_at, status=r.status,
                        notes=notes.get(r.id, [])) for r in rows]


def _check(value: str | None, allowed: tuple[str, ...], name: str) -> None:
    if value is not None and value not in allowed:
        raise InvalidInput(f"{name} must be one of {', '.join(allowed)}", pointer=f"/{name}")


def list_findings(session: Session, *, actor: Actor, org: str | None = None,
                  kind: str | None = None, status: str | None = None,
                  severity: str | None = None, since: datetime | None = None,
                  before_id: int = 0, limit: int = 100) -> list[FindingView]:
    """The findings the caller may see, newest first."""
    _check(kind, KINDS, "kind")
    _check(status, STATUSES, "status")
    _check(severity, SEVERITIES, "severity")
    stmt = _BASE
    seen = finding_seen_clause(actor, _f.c.org_id)
    if seen is not None:
        stmt = stmt.where(seen)
    for column, value in ((_org.c.code, org), (_f.c.kind, kind), (_f.c.status, status),
                          (_f.c.severity, severity)):
        if value is not None:
            stmt = stmt.where(column == value)
    if since is not None:
        stmt = stmt.where(_f.c.detected_at >= since)
    if before_id:
        stmt = stmt.where(_f.c.id < before_id)
    return _views(session, list(session.execute(stmt.order_by(_f.c.id.desc()).limit(limit))))


def findings_by_id(session: Session, ids: list[int]) -> list[FindingView]:
    """Findings as the inbox shows them, oldest first, with no caller's filter: for the
    webhooks' outbox, which applies the subscriptions' own visibility."""
    if not ids:
        return []
    return _views(session, list(session.execute(_BASE.where(_f.c.id.in_(ids)).order_by(_f.c.id))))


def get_finding(session: Session, *, actor: Actor, finding_id: int) -> FindingView:
    stmt = _BASE.where(_f.c.id == finding_id)
    seen = finding_seen_clause(actor, _f.c.org_id)
    row = session.execute(stmt if seen is None else stmt.where(seen)).one_or_none()
    if row is None:
        raise NotFound(f"no finding {finding_id}", code="finding-not-found")
    return _views(session, [row])[0]


def _org_id(session: Session, finding_id: int) -> int:
    return int(session.execute(select(_f.c.org_id).where(_f.c.id == finding_id)).scalar_one())


def add_note(session: Session, *, actor: Actor, finding_id: int, text: str) -> FindingView:
    """A note from an auditor, or the answer of the finding's organisation."""
    get_finding(session, actor=actor, finding_id=finding_id)
    if not may_note_finding(actor, _org_id(session, finding_id)):
        raise Forbidden(f"the role '{actor.role}' may not note findings", code="forbidden-role")
    session.execute(_note.insert().values(finding_id=finding_id, username=actor.username,
                                          at=utcnow(), text=text, status=None))
    return get_finding(session, actor=actor, finding_id=finding_id)


def set_status(session: Session, *, actor: Actor, finding_id: int, status: str,
               note: str | None = None) -> FindingView:
    """Auditors only; the change is kept as a note naming the new status."""
    actor.require("auditor")
    _check(status, STATUSES, "status")
    get_finding(session, actor=actor, finding_id=finding_id)
    session.execute(_f.update().where(_f.c.id == finding_id).values(status=status))
    session.execute(_note.insert().values(finding_id=finding_id, username=actor.username,
                                          at=utcnow(), text=note or "", status=status))
    return get_finding(session, actor=actor, finding_id=finding_id)
