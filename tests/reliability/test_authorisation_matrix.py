"""Every route × role × own/other organisation answers the status the security model expects.

The matrix is checked against the app's route table (its OpenAPI paths): a new route without an
entry here fails `test_every_route_has_an_entry`, so nobody adds an endpoint without deciding
who may call it.
"""

from __future__ import annotations

import itertools
import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from domain import orgs
from domain.auth import Actor
from domain.db import Database
from domain.settings import Settings
from domain.tlog import note
from domain.tlog.integrate import integrate
from tests.factories import HW31, uscc

ROLES = ("anonymous", "admin", "manager", "operator", "auditor")
SCOPES = ("own", "other")
CST = timezone(timedelta(hours=8))
_n = itertools.count()


@dataclass
class World:
    client: TestClient
    tokens: dict[str, str]
    objects: dict[str, dict[str, str]]  # scope -> {org, site, lot, event, batch}
    users: dict[str, str]  # role -> username (password pass-word-1)

    def fresh_token(self, role: str) -> str:
        r = self.client.post("/api/v1/auth/token", json={"username": self.users[role],
                                                         "password": "pass-word-1"})
        return str(r.json()["access_token"])


def _collect(site: str) -> dict[str, Any]:
    return {"id": str(uuid.uuid4()), "type": "collect",
            "occurred_at": (datetime.now(CST) - timedelta(hours=1)).isoformat(),
            "site": site, "metal": "Al", "grade": "AL-TALC", "origin": "post_consumer",
            "mass_kg": "100.5"}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[World]:
    path = tmp_path_factory.mktemp("authz") / "authz.db"
    shutil.copy(sqlite_template, path)
    key = path.parent / "log.key"
    key.write_text(note.generate("trace.example.test/log"))
    settings = Settings(database_url=f"sqlite:///{path}", log_key_file=str(key))
    db = Database(settings.database_url)
    admin = Actor(0, "root", "admin", None, None)
    with db.write() as s:
        orgs.create_user(s, actor=None, org_code=None, username="mx-admin",
                         password="pass-word-1", role="admin")
        for n, (code, kind) in enumerate((("MX-A", "collector"), ("MX-B", "collector"),
                                          ("MX-GOV", "agency"), ("MX-S", "smelter")),
                                         start=900):
            orgs.create_org(s, actor=admin, code=code, name=code, kind=kind, uscc=uscc(n),
                            region="520100", licences=[{**HW31, "valid_from": "2000-01-01",
                                                        "valid_to": "2099-12-31"}])
            orgs.create_site(s, actor=admin, org_code=code, code=f"{code}-1", name=code,
                             region="520100")
            roles = ("auditor",) if kind == "agency" else ("manager", "operator")
            for role in roles:
                orgs.create_user(s, actor=admin, org_code=code, username=f"{code}-{role}",
                                 password="pass-word-1", role=role)
    client = TestClient(create_app(settings, db))
    users = {"admin": "mx-admin", "manager": "MX-A-manager", "operator": "MX-A-operator",
             "auditor": "MX-GOV-auditor", "b-operator": "MX-B-operator",
             "s-manager": "MX-S-manager", "s-operator": "MX-S-operator"}
    tokens = {role: client.post("/api/v1/auth/token", json={
        "username": u, "password": "pass-word-1"}).json()["access_token"]
        for role, u in users.items()}
    objects: dict[str, dict[str, str]] = {}
    for scope, org, who in (("own", "MX-A", "operator"), ("other", "MX-B", "b-operator")):
        auth = {"Authorization": f"Bearer {tokens[who]}"}
        ev = client.post("/api/v1/events", json=_collect(f"{org}-1"), headers=auth).json()
        batch = client.post("/api/v1/labels", json={"site": f"{org}-1", "count": 1},
                            headers=auth).json()
        batteries = {**_collect(f"{org}-1"), "metal": "Pb", "grade": "PB-RAINS"}
        lead = client.post("/api/v1/events", json=batteries, headers=auth).json()
        ship = client.post("/api/v1/events", headers=auth, json={
            "id": str(uuid.uuid4()), "type": "ship", "site": f"{org}-1",
            "occurred_at": (datetime.now(CST) - timedelta(minutes=30)).isoformat(),
            "lots": lead["created_lots"], "to_site": "MX-S-1", "manifest": f"M-{org}"})
        assert ship.status_code == 201, ship.text
        # Recorded four days after it occurred: a late-record finding of the organisation.
        late = {**_collect(f"{org}-1"),
                "occurred_at": (datetime.now(CST) - timedelta(days=4)).isoformat()}
        late_id = client.post("/api/v1/events", json=late, headers=auth).json()["id"]
        hook = client.post(f"/api/v1/orgs/{org}/webhooks", headers=auth, json={
            "url": "https://93.184.216.34/hook", "events": ["collect"]}).json()
        objects[scope] = {"org": org, "site": f"{org}-1", "lot": ev["created_lots"][0],
                          "event": ev["id"], "batch": batch["batch"], "manifest": f"M-{org}",
                          "webhook": str(hook["id"])}
        objects[scope]["finding"] = str(next(
            f["id"] for f in client.get("/api/v1/findings", params={"kind": "late-record"},
                                        headers={"Authorization": f"Bearer {tokens['auditor']}"},
                                        ).json()["items"] if f["events"] == [late_id]))
    period = client.post("/api/v1/periods", json={"metal": "Pb", "month": "2031-01"}, headers={
        "Authorization": f"Bearer {tokens['auditor']}"}).json()
    for scope in objects.values():
        scope["period"] = str(period["id"])
    integrate(db)  # the events above are in the log's tree before any proof is asked for
    yield World(client, tokens, objects, users)
    client.close()
    db.dispose()


Body = Callable[[dict[str, str]], Any]
Expect = Callable[[str, str], int]  # (role, scope) -> status


def by_role(anonymous: int = 401, **statuses: int) -> Expect:
    """The same status for own and other objects; roles not named answer `default`."""
    default = statuses.pop("default", 200)
    return lambda role, scope: anonymous if role == "anonymous" else statuses.get(role, default)


def scoped(own: dict[str, int], other: dict[str, int]) -> Expect:
    def expect(role: str, scope: str) -> int:
        if role == "anonymous":
            return 401
        table = own if scope == "own" else other
        return table.get(role, table.get("default", 200))
    return expect


def _epcis_collect(site: str) -> dict[str, Any]:
    """An EPCIS document of one collecting event of a new lot at `site`."""
    from domain.codes import new_lot_code

    base = "http://127.0.0.1:8000"
    return {"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
            "type": "EPCISDocument", "schemaVersion": "2.0",
            "creationDate": "2026-01-01T00:00:00Z", "epcisBody": {"eventList": [{
                "type": "ObjectEvent", "action": "ADD", "bizStep": "collecting",
                "eventTime": (datetime.now(CST) - timedelta(hours=1)).isoformat(),
                "eventTimeZoneOffset": "+08:00",
                "quantityList": [{"epcClass": f"{base}/l/{new_lot_code()}", "quantity": 10,
                                  "uom": "KGM"}],
                "bizLocation": {"id": f"{base}/sites/{site}"},
                "st:metal": "Al", "st:grade": "AL-TALC", "st:origin": "post_consumer"}]}}


def _unique() -> str:
    return f"MX{next(_n):04d}"


def _month() -> str:
    k = next(_n)
    return f"{2032 + k // 12}-{k % 12 + 1:02d}"


# (method, path) -> (path parameters from the scope's objects, body, expected status)
MATRIX: dict[tuple[str, str], tuple[Callable[[dict[str, str]], dict[str, str]], Body | None,
                                     Expect]] = {
    ("GET", "/api/v1/health"): (lambda o: {}, None, by_role(anonymous=200)),
    ("POST", "/api/v1/auth/token"): (lambda o: {}, lambda o: {
        "username": "MX-A-operator", "password": "pass-word-1"}, by_role(anonymous=200)),
    # Logging out revokes the token it presents: each call gets a token of its own (FRESH).
    ("DELETE", "/api/v1/auth/token"): (lambda o: {}, None, by_role(default=204)),
    ("POST", "/api/v1/orgs"): (lambda o: {}, lambda o: {
        "code": _unique(), "name": "n", "kind": "collector",
        "uscc": uscc(1000 + next(_n)), "region": "520100"}, by_role(admin=201, default=403)),
    ("GET", "/api/v1/orgs"): (lambda o: {}, None, by_role()),
    ("GET", "/api/v1/orgs/{org}"): (lambda o: {"org": o["org"]}, None, by_role()),
    ("POST", "/api/v1/orgs/{org}/sites"): (
        lambda o: {"org": o["org"]},
        lambda o: {"code": _unique(), "name": "n", "region": "520100"},
        scoped(own={"admin": 201, "manager": 201, "default": 403},
               other={"admin": 201, "manager": 404, "default": 403})),
    ("GET", "/api/v1/orgs/{org}/sites"): (lambda o: {"org": o["org"]}, None, by_role()),
    ("POST", "/api/v1/orgs/{org}/users"): (
        lambda o: {"org": o["org"]},
        lambda o: {"username": _unique().lower(), "password": "pass-word-1", "role": "operator"},
        scoped(own={"admin": 201, "manager": 201, "default": 403},
               other={"admin": 201, "manager": 404, "default": 403})),
    ("GET", "/api/v1/grades"): (lambda o: {}, None, by_role()),
    ("GET", "/api/v1/regions"): (lambda o: {}, None, by_role()),
    ("POST", "/api/v1/events"): (
        lambda o: {}, lambda o: _collect(o["site"]),
        scoped(own={"manager": 201, "operator": 201, "default": 403},
               other={"default": 403})),
    ("GET", "/api/v1/events"): (lambda o: {}, None, by_role()),
    ("GET", "/api/v1/events/{event_id}"): (
        lambda o: {"event_id": o["event"]}, None,
        scoped(own={}, other={"manager": 404, "operator": 404})),
    ("GET", "/api/v1/lots/{code}"): (
        lambda o: {"code": o["lot"]}, None,
        scoped(own={}, other={"manager": 404, "operator": 404})),
    ("GET", "/api/v1/lots"): (lambda o: {}, None, by_role()),
    ("GET", "/api/v1/findings"): (lambda o: {}, None, by_role()),
    ("GET", "/api/v1/findings/{finding_id}"): (
        lambda o: {"finding_id": o["finding"]}, None,
        scoped(own={}, other={"manager": 404, "operator": 404})),
    # Notes: auditors, and the finding's own organisation (its answer to the agency).
    ("POST", "/api/v1/findings/{finding_id}/notes"): (
        lambda o: {"finding_id": o["finding"]}, lambda o: {"text": "noted"},
        scoped(own={"admin": 403, "default": 201},
               other={"admin": 403, "manager": 404, "operator": 404, "default": 201})),
    ("POST", "/api/v1/findings/{finding_id}/status"): (
        lambda o: {"finding_id": o["finding"]}, lambda o: {"status": "acknowledged"},
        by_role(auditor=200, default=403)),
    ("GET", "/api/v1/lots/{code}/trace"): (
        lambda o: {"code": o["lot"]}, None,
        scoped(own={}, other={"manager": 404, "operator": 404})),
    ("GET", "/api/v1/lots/{code}/label.png"): (
        lambda o: {"code": o["lot"]}, None,
        scoped(own={}, other={"manager": 404, "operator": 404})),
    ("GET", "/api/v1/lots/{code}/label.svg"): (
        lambda o: {"code": o["lot"]}, None,
        scoped(own={}, other={"manager": 404, "operator": 404})),
    ("GET", "/api/v1/reports/recycled-share"): (lambda o: {}, None, by_role()),
    # Another organisation's site is filtered out of the rows, not refused.
    ("GET", "/api/v1/reports/mass-balance"): (lambda o: {}, None, by_role()),
    # Links another organisation is not an end of are filtered out, not refused.
    ("GET", "/api/v1/reports/flows"): (lambda o: {}, None, by_role()),
    ("POST", "/api/v1/labels"): (
        lambda o: {}, lambda o: {"site": o["site"], "count": 2},
        scoped(own={"manager": 201, "operator": 201, "default": 403},
               other={"default": 403})),
    # Label batches are printing jobs of one organisation: only it (and administrators) see them.
    ("GET", "/api/v1/labels/{batch}"): (
        lambda o: {"batch": o["batch"]}, None,
        scoped(own={"auditor": 404}, other={"admin": 200, "default": 404})),
    ("GET", "/api/v1/labels/{batch}.pdf"): (
        lambda o: {"batch": o["batch"]}, None,
        scoped(own={"auditor": 404}, other={"admin": 200, "default": 404})),
    ("GET", "/api/v1/me"): (lambda o: {}, None, by_role()),
    ("POST", "/api/v1/orgs/{org}/licences"): (
        lambda o: {"org": o["org"]},
        lambda o: {"number": _unique(), "kind": "collection", "categories": ["HW31"],
                   "valid_from": "2026-01-01", "valid_to": "2026-12-31"},
        by_role(admin=201, default=403)),
    # The generator, the receiver (MX-S) and auditors read a manifest; others as if none.
    ("GET", "/api/v1/manifests/{number}"): (
        lambda o: {"number": o["manifest"]}, None,
        scoped(own={}, other={"manager": 404, "operator": 404})),
    ("GET", "/api/v1/reports/transport"): (lambda o: {}, None, by_role()),
    ("GET", "/api/v1/reports/carbon"): (lambda o: {}, None, by_role()),
    ("GET", "/api/v1/reports/indicators"): (lambda o: {}, None, by_role()),
    ("POST", "/api/v1/factor-sets"): (
        lambda o: {}, lambda o: {"name": _unique().lower(), "factors": [
            {"metal": "Al", "kind": "primary", "value": 15, "unit": "t CO2e/t",
             "source": "s"}]}, by_role(admin=201, default=403)),
    # MX-A and MX-B are collectors: their own users are told only smelters record indicators.
    ("POST", "/api/v1/orgs/{org}/indicators"): (
        lambda o: {"org": o["org"]},
        lambda o: {"month": "2026-01", "liquid_al_t": 10, "direct_alloyed_t": 9,
                   "ac_kwh": 130000},
        scoped(own={"manager": 409, "operator": 409, "default": 403},
               other={"manager": 404, "operator": 404, "default": 403})),
    ("POST", "/api/v1/periods"): (lambda o: {}, lambda o: {"metal": "Cu", "month": _month()},
                                  by_role(auditor=201, default=403)),
    ("GET", "/api/v1/periods"): (lambda o: {}, None, by_role()),
    # The transparency log: checkpoint and key for anyone; proofs and leaves for every login
    # (leaves of others' events answer null); evidence for auditors and the producer itself.
    ("GET", "/api/v1/log/checkpoint"): (lambda o: {}, None, by_role(anonymous=200)),
    ("GET", "/api/v1/log/key"): (lambda o: {}, None, by_role(anonymous=200)),
    ("GET", "/api/v1/log/entries"): (lambda o: {}, None, by_role()),
    ("GET", "/api/v1/log/proof/inclusion"): (lambda o: {}, None, by_role()),
    ("GET", "/api/v1/log/proof/consistency"): (lambda o: {}, None, by_role()),
    ("GET", "/api/v1/reports/recycled-share/evidence"): (
        lambda o: {}, None, scoped(own={}, other={"manager": 404, "operator": 404})),
    # One period for both scopes: the auditor reopens it once, then it is no longer closed.
    ("POST", "/api/v1/periods/{period_id}/reopen"): (
        lambda o: {"period_id": o["period"]}, lambda o: {"reason": "correction"},
        scoped(own={"auditor": 200, "default": 403}, other={"auditor": 409, "default": 403})),
    ("GET", "/api/v1/epcis/events"): (lambda o: {}, None, by_role()),
    # Recorded as the caller: only at its own sites (another's: 403 not-your-site, nothing stored).
    ("POST", "/api/v1/epcis/capture"): (
        lambda o: {}, lambda o: _epcis_collect(o["site"]),
        scoped(own={"manager": 201, "operator": 201, "default": 403}, other={"default": 403})),
    # Webhooks are an organisation's own (and any organisation's for administrators).
    ("POST", "/api/v1/orgs/{org}/webhooks"): (
        lambda o: {"org": o["org"]},
        lambda o: {"url": "https://93.184.216.34/hook", "events": ["collect"]},
        scoped(own={"auditor": 404, "default": 201}, other={"admin": 201, "default": 404})),
    ("GET", "/api/v1/orgs/{org}/webhooks"): (
        lambda o: {"org": o["org"]}, None,
        scoped(own={"auditor": 404}, other={"admin": 200, "default": 404})),
    ("GET", "/api/v1/orgs/{org}/webhooks/{webhook_id}/deliveries"): (
        lambda o: {"org": o["org"], "webhook_id": o["webhook"]}, None,
        scoped(own={"auditor": 404}, other={"admin": 200, "default": 404})),
}
FRESH = {("DELETE", "/api/v1/auth/token")}
QUERY: dict[str, Callable[[dict[str, str]], dict[str, str]]] = {
    "/api/v1/reports/recycled-share": lambda o: {"metal": "Al", "from": "2026-01-01",
                                                 "to": "2027-01-01"},
    "/api/v1/reports/mass-balance": lambda o: {"site": o["site"], "from": "2026-01-01",
                                               "to": "2027-01-01"},
    "/api/v1/reports/transport": lambda o: {"from": "2026-01-01", "to": "2027-01-01"},
    "/api/v1/reports/flows": lambda o: {"metal": "Al", "from": "2026-01-01", "to": "2027-01-01"},
    "/api/v1/reports/carbon": lambda o: {"metal": "Al", "from": "2026-01-01", "to": "2027-01-01"},
    "/api/v1/reports/indicators": lambda o: {"from": "2026-01-01", "to": "2027-01-01"},
    "/api/v1/log/entries": lambda o: {"start": 0, "end": 1},
    "/api/v1/log/proof/inclusion": lambda o: {"index": 0, "size": 1},
    "/api/v1/log/proof/consistency": lambda o: {"from": 1, "to": 1},
    "/api/v1/reports/recycled-share/evidence": lambda o: {
        "producer": o["org"], "metal": "Al", "from": "2026-01-01", "to": "2027-01-01"},
}


def route_table() -> set[tuple[str, str]]:
    app = create_app(Settings(database_url="sqlite:///:memory:"))
    return {(method.upper(), path) for path, ops in app.openapi()["paths"].items()
            for method in ops}


def test_every_route_has_an_entry() -> None:
    routes = route_table()
    assert sorted(routes - MATRIX.keys()) == []  # a route nobody decided about
    assert sorted(MATRIX.keys() - routes) == []  # an entry for a route that is gone


@pytest.mark.parametrize("route", sorted(MATRIX), ids=lambda r: f"{r[0]} {r[1]}")
def test_route_answers_each_role_as_the_matrix_says(world: World, route: tuple[str, str]
                                                    ) -> None:
    method, template = route
    params, body, expect = MATRIX[route]
    got, want = {}, {}
    for role, scope in itertools.product(ROLES, SCOPES):
        obj = world.objects[scope]
        path = template.format(**params(obj))
        token = "" if role == "anonymous" else \
            world.fresh_token(role) if route in FRESH else world.tokens[role]
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        query = QUERY[template](obj) if template in QUERY else None
        r = world.client.request(method, path, headers=headers, params=query,
                                 json=body(obj) if body else None)
        got[(role, scope)] = r.status_code
        want[(role, scope)] = expect(role, scope)
        if r.status_code >= 400:
            assert r.headers["content-type"] == "application/problem+json", (role, scope, r.text)
    assert got == want


# --- Field level: what each role of each organisation reads of each type of event.
# MX-A (a collector) sends lots to MX-S (a smelter); MX-B never touches them. The owner's
# organisation, auditors and administrators read an event whole; the other organisation of the
# chain reads the redacted view whose keys are listed here (None: the event is not its to see).
HEAD = {"id", "type", "seq", "org", "site", "occurred_at", "voided_by", "redacted"}
FIELD_MATRIX: dict[str, tuple[str, set[str] | None]] = {
    "collect": ("MX-A", HEAD | {"lot", "metal", "grade", "origin"}),
    "collect_kept": ("MX-A", None),  # a lot that stayed with MX-A
    "declare": ("MX-A", HEAD | {"lot", "metal", "grade", "origin"}),
    "transform": ("MX-A", HEAD | {"kind", "inputs", "outputs"}),
    "assay": ("MX-A", HEAD | {"lot", "metal_pct"}),
    "ship": ("MX-A", HEAD | {"lots", "to_site", "transport"}),
    "receive": ("MX-S", HEAD | {"lots"}),
    "assay_s": ("MX-S", HEAD | {"lot", "metal_pct"}),
    "void": ("MX-S", HEAD | {"target"}),
    "transform_s": ("MX-S", HEAD | {"kind", "inputs", "outputs"}),
    "melt": ("MX-S", HEAD | {"inputs"}),
}
VIEWERS = {"anonymous": None, "admin": None, "auditor": None, "manager": "MX-A",
           "operator": "MX-A", "s-manager": "MX-S", "s-operator": "MX-S",
           "b-operator": "MX-B"}


@dataclass
class Chain:
    events: dict[str, dict[str, Any]]  # name -> the POST answer
    lots: dict[str, str]


@pytest.fixture(scope="module")
def chain(world: World) -> Chain:
    start = datetime.now(CST) - timedelta(hours=2)
    events: dict[str, dict[str, Any]] = {}

    def record(name: str, who: str, type: str, **fields: Any) -> list[str]:
        body = {"id": str(uuid.uuid4()), "type": type, "site": fields.pop("site"),
                "occurred_at": (start + timedelta(minutes=len(events))).isoformat(), **fields}
        r = world.client.post("/api/v1/events", json=body,
                              headers={"Authorization": f"Bearer {world.tokens[who]}"})
        assert r.status_code == 201, r.text
        events[name] = r.json()
        return list(r.json()["created_lots"])

    lot = {"metal": "Al", "grade": "AL-TALC", "origin": "post_consumer"}
    [a] = record("collect", "operator", "collect", site="MX-A-1", mass_kg=100, **lot,
                 source={"kind": "dealer", "name": "Dealer Li"})
    [k] = record("collect_kept", "operator", "collect", site="MX-A-1", mass_kg=80, **lot)
    [d] = record("declare", "operator", "declare", site="MX-A-1", mass_kg=60, **lot,
                 reason="paper_record", supplier={"name": "Yard Co"})
    [k1, k2] = record("transform", "operator", "transform", site="MX-A-1", kind="split",
                      inputs=[{"lot": k}], outputs=[{"mass_kg": 50}, {"mass_kg": 30}])
    record("assay", "operator", "assay", site="MX-A-1", lot=a, metal_pct=90, lab="A lab")
    record("ship", "operator", "ship", site="MX-A-1", lots=[a, d, k1], to_site="MX-S-1",
           transport={"mode": "rail", "distance_km": 300, "waybill": "W-9"})
    record("receive", "s-operator", "receive", site="MX-S-1",
           lots=[{"lot": a, "mass_kg": 100}, {"lot": d, "mass_kg": 60}, {"lot": k1, "mass_kg": 50}])
    record("assay_s", "s-operator", "assay", site="MX-S-1", lot=a, metal_pct=92, method="XRF")
    record("void", "s-operator", "void", site="MX-S-1", target=events["assay_s"]["id"],
           reason="wrong sample")
    [t] = record("transform_s", "s-operator", "transform", site="MX-S-1", kind="pretreat",
                 inputs=[{"lot": k1}], outputs=[{"mass_kg": 45}])
    [p] = record("melt", "s-operator", "melt", site="MX-S-1", metal="Al", product="ADC12",
                 inputs=[{"lot": a, "mass_kg": 100}, {"lot": t, "mass_kg": 45}],
                 primary=[{"material": "A00", "mass_kg": 20}], output_mass_kg=150)
    return Chain(events, {"a": a, "k": k, "d": d, "k1": k1, "k2": k2, "t": t, "p": p})


def _lines_seen_by_the_other(name: str, lots: dict[str, str]) -> dict[str, Any]:
    """The lot lines of the redacted views: only lots the reader held or was sent."""
    return {
        "transform": {"inputs": [], "outputs": [
            {"lot": lots["k1"], "metal": None, "grade": None, "mass_kg": 50.0}]},
        "ship": {"lots": [lots["a"], lots["d"], lots["k1"]],
                 "transport": {"mode": "rail", "distance_km": 300.0}},
        "receive": {"lots": [{"lot": lots[c], "mass_kg": m}
                             for c, m in (("a", 100.0), ("d", 60.0), ("k1", 50.0))]},
        "transform_s": {"inputs": [{"lot": lots["k1"], "mass_kg": None}], "outputs": []},
        "melt": {"inputs": [{"lot": lots["a"], "mass_kg": 100.0}]},
    }.get(name, {})


@pytest.mark.parametrize("name", sorted(FIELD_MATRIX))
def test_each_role_reads_each_event_type_as_the_field_matrix_says(world: World, chain: Chain,
                                                                  name: str) -> None:
    owner, redacted_keys = FIELD_MATRIX[name]
    answer = chain.events[name]
    # Read whole: every key of the POST answer, the same values (`recorded_at` reformatted).
    whole = {k: v for k, v in answer.items() if k not in ("replay", "recorded_at", "voided_by")}
    for viewer, org in VIEWERS.items():
        headers = {} if viewer == "anonymous" else {
            "Authorization": f"Bearer {world.tokens[viewer]}"}
        r = world.client.get(f"/api/v1/events/{answer['id']}", headers=headers)
        listed = world.client.get("/api/v1/events", params={"limit": 1000}, headers=headers)
        in_list = [e for e in listed.json().get("items", []) if e["id"] == answer["id"]]
        where = (name, viewer)
        if viewer == "anonymous":
            assert (r.status_code, listed.status_code) == (401, 401), where
        elif org is None or org == owner:
            body = r.json()
            assert (r.status_code, set(body), body["redacted"]) == (
                200, set(answer) | {"redacted"}, False), where
            assert {k: body[k] for k in whole} == whole, where
            assert in_list == [r.json()], where
        elif org == "MX-B" or redacted_keys is None:
            assert (r.status_code, r.json()["code"], in_list) == (404, "event-not-found", []), \
                where
        else:
            body = r.json()
            assert (r.status_code, set(body), body["redacted"]) == (200, redacted_keys, True), \
                where
            assert {k: body[k] for k in _lines_seen_by_the_other(name, chain.lots)} == \
                _lines_seen_by_the_other(name, chain.lots), where
            assert in_list == [body], where
