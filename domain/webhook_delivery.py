"""Sending the webhook outbox: signed (Standard Webhooks), retried with exponential backoff.

At-least-once: a delivery is claimed for a lease, sent, then marked; a crash between sending
and marking sends it again, with the same `webhook-id`, which receivers use to deduplicate.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta
from typing import Any

import httpx
import orjson
from sqlalchemy import select
from sqlmodel import col
from standardwebhooks import Webhook as Signer

from domain.db import Database
from domain.errors import InvalidInput
from domain.models import Webhook, WebhookDelivery
from domain.models.types import utcnow
from domain.settings import Settings
from domain.webhooks import check_target

log = logging.getLogger("scraptrace.webhooks")
LEASE = timedelta(minutes=2)  # a claimed delivery is not claimed again before this
MAX_GAP_S = 3600.0


def backoff(settings: Settings, attempts: int) -> timedelta:
    """The wait after the `attempts`-th failure: base, 2×base, 4×base… at most an hour."""
    return timedelta(seconds=min(settings.webhook_retry_base_s * 2 ** (attempts - 1), MAX_GAP_S))


def _claim(db: Database, now: datetime, limit: int) -> list[dict[str, Any]]:
    with db.write() as s:
        rows = s.execute(select(WebhookDelivery, col(Webhook.url), col(Webhook.secret))
                         .join(Webhook, col(Webhook.id) == WebhookDelivery.webhook_id)
                         .where(col(WebhookDelivery.status) == "pending",
                                col(WebhookDelivery.next_attempt_at) <= now)
                         .order_by(col(WebhookDelivery.id)).limit(limit)
                         .with_for_update(skip_locked=True, of=WebhookDelivery)).all()
        for d, _, _ in rows:
            d.next_attempt_at = now + LEASE
        return [{"id": d.id, "msg_id": d.msg_id, "payload": d.payload, "url": url,
                 "secret": secret} for d, url, secret in rows]


def _send(client: httpx.Client, settings: Settings, item: dict[str, Any],
          now: datetime) -> tuple[int | None, str | None]:
    """(HTTP status, error) of one attempt."""
    try:
        check_target(item["url"], allow_private=settings.webhook_allow_private)
    except InvalidInput as err:
        return None, err.detail
    body = orjson.dumps(item["payload"]).decode()
    headers = {"webhook-id": item["msg_id"], "webhook-timestamp": str(int(now.timestamp())),
               "webhook-signature": Signer(item["secret"]).sign(item["msg_id"], now, body),
               "content-type": "application/json"}
    try:
        r = client.post(item["url"], content=body, headers=headers,
                        timeout=settings.webhook_timeout_s)
    except httpx.HTTPError as exc:
        return None, f"{type(exc).__name__}: {exc}"[:500]
    return r.status_code, None if r.is_success else f"HTTP {r.status_code}"


def deliver_due(db: Database, settings: Settings, *, client: httpx.Client,
                now: datetime | None = None, limit: int = 100) -> int:
    """Send the deliveries that are due; the number sent successfully."""
    now = now or utcnow()
    items = _claim(db, now, limit)
    results = [(item, *_send(client, settings, item, now)) for item in items]
    with db.write() as s:
        for item, status, error in results:
            d = s.get(WebhookDelivery, item["id"])
            if d is None:
                continue
            d.attempts += 1
            d.last_status, d.last_error = status, error
            if error is None:
                d.status, d.delivered_at = "delivered", now
            elif now - d.created_at >= timedelta(hours=settings.webhook_retry_hours):
                d.status = "failed"
            else:
                d.next_attempt_at = now + backoff(settings, d.attempts)
    return sum(1 for _, _, error in results if error is None)


class DeliveryWorker:
    """A thread that sends due deliveries until stopped (off unless SCRAPTRACE_WEBHOOK_WORKER)."""

    def __init__(self, db: Database, settings: Settings, poll_s: float = 1.0) -> None:
        self.db, self.settings, self.poll_s = db, settings, poll_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="webhook-delivery", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        with httpx.Client() as client:
            while not self._stop.is_set():
                try:
                    sent = deliver_due(self.db, self.settings, client=client)
                except Exception:  # a database hiccup must not end the worker
                    log.exception("webhook delivery failed")
                    sent = 0
                if not sent:
                    self._stop.wait(self.poll_s)
