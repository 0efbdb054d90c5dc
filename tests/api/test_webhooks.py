"""Webhooks: subscriptions, the outbox written with the events, signed at-least-once delivery
to a receiver that is down for a while, and what each organisation's deliveries show."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from standardwebhooks import Webhook as Verifier

from api.app import create_app
from domain.db import Database
from domain.models.types import utcnow
from domain.settings import Settings
from domain.webhook_delivery import deliver_due
from tests.api.conftest import Api
from tests.factories import World


@pytest.fixture
def hooks_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"webhook_allow_private": True})


@pytest.fixture
def api(db: Database, hooks_settings: Settings) -> Iterator[Api]:
    world = World(db, hooks_settings)
    for code, kind in (("COL", "collector"), ("SORT", "sorter"), ("OTHER", "collector"),
                       ("AGENCY", "agency")):
        world.org(code, kind)
    with TestClient(create_app(hooks_settings, db)) as client:
        yield Api(client, world)


class Receiver:
    """An HTTP receiver on a fixed port that can be down; it answers 500 to its first request."""

    def __init__(self) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.received: list[tuple[dict[str, str], str]] = []
        self.server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def start(self) -> None:
        received = self.received

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["content-length"])).decode()
                received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(500 if len(received) == 1 else 204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.stop()


def collect(api: Api, org: str = "COL", **extra: Any) -> dict[str, Any]:
    body = api.world.body("collect", f"{org}-S1", metal="Al", grade="AL-TALC",
                          origin="post_consumer", mass_kg=100, **extra)
    r = api.post(org, "/events", body)
    assert r.status_code == 201, r.text
    return dict(r.json())


def deliveries(api: Api, org: str, hook_id: int) -> list[dict[str, Any]]:
    r = api.get(org, f"/orgs/{org}/webhooks/{hook_id}/deliveries")
    assert r.status_code == 200, r.text
    return list(r.json()["items"])


def test_a_receiver_that_was_down_gets_every_event_once_by_id_signed(
        api: Api, receiver: Receiver, db: Database, hooks_settings: Settings) -> None:
    r = api.post("COL", "/orgs/COL/webhooks", {"url": receiver.url, "events": ["collect"]})
    assert r.status_code == 201, r.text
    hook = r.json()
    assert hook["secret"].startswith("whsec_") and hook["events"] == ["collect"]
    assert "secret" not in api.get("COL", "/orgs/COL/webhooks").json()[0]
    ids = [collect(api)["id"] for _ in range(4)]
    # Written with the events: due at once, before any worker ran.
    assert [(d["status"], d["attempts"]) for d in deliveries(api, "COL", hook["id"])] == [
        ("pending", 0)] * 4
    t0 = utcnow()
    with httpx.Client() as client:
        assert deliver_due(db, hooks_settings, client=client, now=t0) == 0  # receiver down
        assert deliver_due(db, hooks_settings, client=client, now=t0 + timedelta(seconds=2)) == 0
        log = deliveries(api, "COL", hook["id"])
        assert [(d["attempts"], d["last_error"][:12]) for d in log] == [(1, "ConnectError")] * 4
        assert deliver_due(db, hooks_settings, client=client, now=t0 + timedelta(seconds=6)) == 0
        receiver.start()
        assert deliver_due(db, hooks_settings, client=client, now=t0 + timedelta(seconds=20)) == 3
        assert deliver_due(db, hooks_settings, client=client, now=t0 + timedelta(seconds=30)) == 0
        assert deliver_due(db, hooks_settings, client=client, now=t0 + timedelta(seconds=45)) == 1
    log = deliveries(api, "COL", hook["id"])
    assert [(d["status"], d["attempts"], d["last_status"]) for d in log] == [
        ("delivered", 4, 204)] + [("delivered", 3, 204)] * 3
    assert len(receiver.received) == 5  # one delivery was answered 500 and sent again
    verifier = Verifier(hook["secret"])
    unique = {headers["webhook-id"]: verifier.verify(body, headers)
              for headers, body in receiver.received}
    assert sorted(unique) == sorted(d["msg_id"] for d in log)
    assert sorted(m["data"]["id"] for m in unique.values()) == sorted(ids)
    assert {m["type"] for m in unique.values()} == {"event.collect"}


def test_deliveries_are_given_up_after_a_day(api: Api, receiver: Receiver, db: Database,
                                             hooks_settings: Settings) -> None:
    hook = api.post("COL", "/orgs/COL/webhooks", {"url": receiver.url, "events": ["collect"]})
    collect(api)
    with httpx.Client() as client:
        deliver_due(db, hooks_settings, client=client, now=utcnow() + timedelta(hours=25))
    [log] = deliveries(api, "COL", hook.json()["id"])
    assert (log["status"], log["attempts"]) == ("failed", 1)


def test_each_organisation_receives_only_what_it_may_see(api: Api) -> None:
    url = "http://127.0.0.1:9/hook"
    ids = {org: api.post(org, f"/orgs/{org}/webhooks", {"url": url, "events": [
        "collect", "ship"]}).json()["id"] for org in ("COL", "SORT", "OTHER", "AGENCY")}
    lot = collect(api, source={"kind": "household", "name": "Zhang San"})["created_lots"][0]
    api.world.ship("COL", [lot], "SORT-S1", transport={"mode": "rail", "waybill": "WB-7"})
    views = {org: [d["event_type"] for d in deliveries(api, org, ids[org])] for org in ids}
    assert views == {"COL": ["collect", "ship"], "SORT": ["ship"], "OTHER": [],
                     "AGENCY": ["collect", "ship"]}
    with api.world.db.read() as s:
        from sqlalchemy import select

        from domain.models import WebhookDelivery
        payloads = {(row.webhook_id, row.event_type): row.payload["data"]
                    for row in s.scalars(select(WebhookDelivery))}
    shipped = payloads[(ids["SORT"], "ship")]
    assert (shipped["redacted"], shipped["lots"], shipped["transport"]) == (
        True, [lot], {"mode": "rail", "distance_km": None})
    assert "Zhang San" not in json.dumps(payloads[(ids["SORT"], "ship")])
    assert payloads[(ids["AGENCY"], "collect")]["source"]["name"] == "Zhang San"


@pytest.mark.parametrize("url", ["http://127.0.0.1/hook", "http://10.1.2.3/hook",
                                 "http://[::1]:8080/", "ftp://example.com/x", "http:///x"])
def test_private_loopback_and_non_http_targets_are_refused(api: Api, url: str) -> None:
    app_settings = api.client.app.state.settings  # the default: private targets refused
    api.client.app.state.settings = app_settings.model_copy(update={"webhook_allow_private": False})
    r = api.post("COL", "/orgs/COL/webhooks", {"url": url, "events": ["collect"]})
    assert (r.status_code, r.json()["code"], r.json()["pointer"]) == (
        422, "webhook-url-refused", "/url")


def test_webhooks_of_another_organisation_are_not_found(api: Api) -> None:
    hook = api.post("COL", "/orgs/COL/webhooks", {"url": "http://127.0.0.1:9/", "events": [
        "collect"]}).json()
    assert api.get("OTHER", "/orgs/COL/webhooks").json()["code"] == "org-not-found"
    r = api.get("OTHER", f"/orgs/OTHER/webhooks/{hook['id']}/deliveries")
    assert (r.status_code, r.json()["code"]) == (404, "webhook-not-found")
    r = api.post("OTHER", "/orgs/COL/webhooks", {"url": "http://127.0.0.1:9/",
                                                 "events": ["collect"]})
    assert r.status_code == 404


def test_a_refused_batch_leaves_nothing_in_the_outbox(api: Api) -> None:
    hook = api.post("COL", "/orgs/COL/webhooks", {"url": "http://127.0.0.1:9/", "events": [
        "collect"]}).json()
    good = api.world.body("collect", "COL-S1", metal="Al", grade="AL-TALC",
                          origin="post_consumer", mass_kg=100)
    bad = {**good, "id": "00000000-0000-4000-8000-000000000009", "site": "OTHER-S1"}
    r = api.post("COL", "/events", {"events": [good, bad]})
    assert (r.status_code, r.json()["code"]) == (403, "not-your-site")
    assert deliveries(api, "COL", hook["id"]) == []


def test_the_server_worker_delivers_when_switched_on(db: Database, hooks_settings: Settings,
                                                     receiver: Receiver) -> None:
    world = World(db, hooks_settings)
    world.org("COL", "collector")
    settings = hooks_settings.model_copy(update={"webhook_worker": True, "webhook_poll_s": 0.05,
                                                 "webhook_retry_base_s": 0.1})
    receiver.start()
    with TestClient(create_app(settings, db)) as client:
        api = Api(client, world)
        hook = api.post("COL", "/orgs/COL/webhooks", {"url": receiver.url, "events": ["collect"]})
        event = collect(api)
        deadline = time.monotonic() + 20
        while len(receiver.received) < 2 and time.monotonic() < deadline:  # 500 once, then 204
            time.sleep(0.05)
    ids = {Verifier(hook.json()["secret"]).verify(body, headers)["data"]["id"]
           for headers, body in receiver.received}
    assert (len(receiver.received), ids) == (2, {event["id"]})


def test_subscriptions_to_a_finding_kind_receive_the_findings_their_organisation_reads(
        api: Api) -> None:
    """COL records a collect four days after it occurred: one late-record finding of COL
    (over the 3-day policy). COL's and the agency's subscriptions to that kind receive it, in
    the capture's own transaction; OTHER's does not, as it cannot read COL's findings."""
    url = "http://127.0.0.1:9/hook"
    kinds = {"COL": ["late-record"], "OTHER": ["late-record"], "AGENCY": ["collect", "late-record"]}
    ids = {org: api.post(org, f"/orgs/{org}/webhooks", {"url": url, "events": k}).json()["id"]
           for org, k in kinds.items()}
    late = (utcnow() - timedelta(days=4)).isoformat()
    event = collect(api, occurred_at=late)
    views = {org: [(d["event_type"], d["event_seq"], d["msg_id"].split("_")[1])
                   for d in deliveries(api, org, ids[org])] for org in ids}
    assert views == {"COL": [("late-record", None, "finding")], "OTHER": [],
                     "AGENCY": [("collect", event["seq"], event["id"]),
                                ("late-record", None, "finding")]}
    with api.world.db.read() as s:
        from sqlalchemy import select

        from domain.models import WebhookDelivery
        [payload] = [row.payload for row in s.scalars(select(WebhookDelivery).where(
            WebhookDelivery.webhook_id == ids["COL"]))]
    data = payload["data"]
    assert (payload["type"], data["kind"], data["org"], data["events"], data["lots"],
            data["status"], data["params"]["threshold"], data["params"]["unit"]) == (
        "finding.late-record", "late-record", "COL", [event["id"]], event["created_lots"],
        "open", 3.0, "days")
