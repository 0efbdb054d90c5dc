"""Webhook subscriptions, and the outbox rows written with each recorded event.

An organisation's subscription receives the events it may see, as it would read them
(domain/visibility.py): its own whole, others' redacted; an auditor's subscription receives
every organisation's events whole. Deliveries are written in the transaction that records the
events, so an acknowledged event is never lost to a crash; domain/webhook_delivery.py sends them.
"""

from __future__ import annotations

import base64
import ipaddress
import secrets
import socket
from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session
from sqlmodel import col

from domain.auth import Actor
from domain.errors import InvalidInput, NotFound
from domain.events.capture import Recorded
from domain.findings.inbox import findings_by_id
from domain.findings.rules import KINDS as FINDING_KINDS
from domain.models import Org, Webhook, WebhookDelivery
from domain.orgs import get_org
from domain.visibility import finding_seen_by_subscription, redact, seen_codes

EVENT_TYPES = ("collect", "declare", "import", "transform", "ship", "receive", "assay", "melt",
               "void")
_webhook: Table = Webhook.__table__  # type: ignore[attr-defined]
_delivery: Table = WebhookDelivery.__table__  # type: ignore[attr-defined]
_org: Table = Org.__table__  # type: ignore[attr-defined]
SUBSCRIPTIONS = select(_webhook.c.id, _webhook.c.org_id, _webhook.c.events, _webhook.c.all_orgs,
                       _org.c.code).join(_org, _org.c.id == _webhook.c.org_id)


def _refuse(detail: str) -> InvalidInput:
    return InvalidInput(detail, code="webhook-url-refused", pointer="/url")


def check_target(url: str, *, allow_private: bool) -> None:
    """Only http(s) URLs whose host resolves to public addresses (no SSRF into the platform's
    own network), unless the platform allows private and loopback targets."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _refuse("a webhook URL must be http or https, with a host")
    if allow_private:
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise _refuse(f"the host {parts.hostname} cannot be resolved") from exc
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if not address.is_global:
            raise _refuse(f"{parts.hostname} resolves to {address}, a private or loopback "
                          "address")


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def _check_secret(secret: str) -> None:
    try:
        raw = base64.b64decode(secret.removeprefix("whsec_"), validate=True)
    except ValueError as exc:
        raise InvalidInput("a secret is `whsec_` and base64", code="invalid-input",
                           pointer="/secret") from exc
    if not secret.startswith("whsec_") or not 24 <= len(raw) <= 64:
        raise InvalidInput("a secret is `whsec_` and 24 to 64 bytes in base64",
                           code="invalid-input", pointer="/secret")


def _org_for(session: Session, actor: Actor, org_code: str) -> Org:
    """The organisation whose subscriptions the caller manages: its own, or any for an admin."""
    org = get_org(session, org_code)
    if actor.role != "admin" and actor.org_id != org.id:
        raise NotFound(f"no organisation '{org_code}'", code="org-not-found")
    return org


def create_webhook(session: Session, *, actor: Actor, org_code: str, url: str,
                   events: Sequence[str], secret: str | None, allow_private: bool,
                   ) -> Webhook:
    """A subscription of the organisation (its managers, operators and auditors, or an admin)."""
    actor.require("admin", "manager", "operator", "auditor")
    org = _org_for(session, actor, org_code)
    check_target(url, allow_private=allow_private)
    for i, name in enumerate(events):
        if name not in EVENT_TYPES and name not in FINDING_KINDS:
            raise InvalidInput(f"'{name}' is neither an event type nor a finding kind",
                               code="invalid-input", pointer=f"/events/{i}")
    if secret is not None:
        _check_secret(secret)
    hook = Webhook(org_id=org.id or 0, url=url, events=sorted(set(events)),
                   secret=secret or new_secret(), all_orgs=org.kind == "agency",
                   created_by=actor.user_id)
    session.add(hook)
    session.flush()
    return hook


def list_webhooks(session: Session, *, actor: Actor, org_code: str) -> list[Webhook]:
    org = _org_for(session, actor, org_code)
    return list(session.scalars(select(Webhook).where(col(Webhook.org_id) == org.id)
                                .order_by(col(Webhook.id))))


def list_deliveries(session: Session, *, actor: Actor, org_code: str, webhook_id: int,
                    after: int = 0, limit: int = 100) -> list[WebhookDelivery]:
    """The delivery log of one subscription, oldest first."""
    org = _org_for(session, actor, org_code)
    hook = session.get(Webhook, webhook_id)
    if hook is None or hook.org_id != org.id:
        raise NotFound(f"no webhook {webhook_id}", code="webhook-not-found")
    return list(session.scalars(select(WebhookDelivery)
                                .where(col(WebhookDelivery.webhook_id) == webhook_id,
                                       col(WebhookDelivery.id) > after)
                                .order_by(col(WebhookDelivery.id)).limit(limit)))


def event_view(rec: Recorded, fields: dict[str, Any] | None,
               seen: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The event as the subscriber reads it from `GET /events` (whole, or redacted)."""
    base = {"id": rec.id, "type": rec.type, "seq": rec.seq, "org": rec.org_code,
            "site": rec.site_code, "occurred_at": rec.occurred_at.isoformat()}
    if fields is None:
        return {**rec.payload, **base, "recorded_at": rec.recorded_at.isoformat(),
                "created_lots": rec.created_lots, "redacted": False}
    return {**fields, **base, "redacted": True}


def _outbox_row(msg_id: str, hook_id: int, seq: int | None, subject: str, kind: str,
                at: datetime, data: dict[str, Any]) -> dict[str, Any]:
    """One pending message: `kind` is the Standard Webhooks type (`event.collect`, …)."""
    return {"msg_id": msg_id, "webhook_id": hook_id, "event_seq": seq, "event_type": subject,
            "status": "pending", "attempts": 0, "next_attempt_at": at, "created_at": at,
            "payload": {"type": kind, "timestamp": at.isoformat(), "data": data}}


def enqueue_deliveries(session: Session, records: Sequence[Recorded]) -> int:
    """Outbox rows for the subscriptions that may see each newly recorded event."""
    fresh = [r for r in records if not r.replay]
    if not fresh:
        return 0
    hooks = session.execute(SUBSCRIPTIONS).all()
    if not hooks:
        return 0
    seen: dict[int, dict[int, frozenset[str]]] = {}
    rows = []
    for hook in hooks:
        wanted = [r for r in fresh if r.type in hook.events]
        if not hook.all_orgs and hook.org_id not in seen:
            others = [r.seq for r in wanted if r.org_code != hook.code]
            seen[hook.org_id] = seen_codes(session, org_id=hook.org_id, seqs=others)
        for rec in wanted:
            if hook.all_orgs or rec.org_code == hook.code:
                data = event_view(rec, None)
            else:
                codes = seen[hook.org_id].get(rec.seq)
                if not codes or rec.type == "void":
                    continue  # an event the subscriber may not see
                data = event_view(rec, redact(rec.type, rec.payload, rec.created_lots, codes))
            rows.append(_outbox_row(f"msg_{rec.id}_{hook.id}", hook.id, rec.seq, rec.type,
                                    f"event.{rec.type}", rec.recorded_at, data))
    if rows:
        session.execute(insert(_delivery), rows)
    return len(rows)


def enqueue_finding_deliveries(session: Session, ids: Sequence[int]) -> int:
    """Outbox rows for the subscriptions to each new finding's kind that may read it."""
    if not ids:
        return 0
    hooks = [h for h in session.execute(SUBSCRIPTIONS).all()
             if any(k in FINDING_KINDS for k in h.events)]
    rows = []
    for f in findings_by_id(session, list(ids)) if hooks else []:
        data = {**asdict(f), "detected_at": f.detected_at.isoformat(), "notes": []}
        for hook in hooks:
            if f.kind not in hook.events or not finding_seen_by_subscription(
                    hook.all_orgs, hook.code, f.org):
                continue
            rows.append(_outbox_row(f"msg_finding_{f.id}_{hook.id}", hook.id, None, f.kind,
                                    f"finding.{f.kind}", f.detected_at, data))
    if rows:
        session.execute(insert(_delivery), rows)
    return len(rows)
