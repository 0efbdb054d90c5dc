"""Small factories: a network of organisations, sites and users, and events recorded on it."""

from __future__ import annotations

import itertools
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

from pydantic import TypeAdapter

from domain import codes, orgs
from domain.auth import Actor
from domain.commands import EventCommand
from domain.db import Database
from domain.events.capture import Recorded, record_events
from domain.models import Org, User
from domain.settings import Settings

CST = timezone(timedelta(hours=8))
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=CST)
_adapter = TypeAdapter(EventCommand)
_serial = itertools.count(1)


def uscc(n: int) -> str:
    first = f"91520100MA{n:07d}"
    return first + codes.uscc_check_char(first)


ADMIN = Actor(user_id=0, username="root", role="admin", org_id=None, org_code=None)
# A hazardous-waste licence for waste lead-acid batteries, valid over the factories' dates.
HW31 = {"number": "HW-LIC-1", "kind": "comprehensive", "categories": ["HW31"],
        "capacity_t_per_year": "100", "valid_from": "2026-01-01", "valid_to": "2026-12-31"}


class World:
    """Organisations with one site and one operator each; `record` goes through the domain."""

    def __init__(self, db: Database, settings: Settings) -> None:
        self.db, self.settings = db, settings
        self.actors: dict[str, Actor] = {}
        self.clock = T0
        with db.write() as s:
            admin = orgs.create_user(s, actor=None, org_code=None, username="root",
                                     password="root-pass-1", role="admin")
            self.admin = Actor(admin.id or 0, "root", "admin", None, None)

    def org(self, code: str, kind: str, region: str = "520100",
            sites: tuple[tuple[str, str], ...] | None = None,
            licences: list[dict[str, Any]] | None = None) -> Actor:
        n = next(_serial)
        with self.db.write() as s:
            org: Org = orgs.create_org(s, actor=self.admin, code=code, name=f"{code} Co.",
                                       kind=kind, uscc=uscc(n), region=region,
                                       licences=licences)
            for site_code, site_region in sites or ((f"{code}-S1", region),):
                orgs.create_site(s, actor=self.admin, org_code=code, code=site_code,
                                 name=site_code, region=site_region)
            role = "auditor" if kind == "agency" else "operator"
            user: User = orgs.create_user(s, actor=self.admin, org_code=code,
                                          username=f"{code.lower()}-op", password="pass-word-1",
                                          role=role)
        actor = Actor(user.id or 0, user.username, role, org.id, code)
        self.actors[code] = actor
        return actor

    def tick(self) -> datetime:
        self.clock += timedelta(minutes=10)
        return self.clock

    def body(self, type: str, site: str, **fields: Any) -> dict[str, Any]:
        return {"id": str(uuid.uuid4()), "type": type, "occurred_at": self.tick().isoformat(),
                "site": site, **fields}

    def record(self, org: str, *bodies: dict[str, Any]) -> list[Recorded]:
        commands = [_adapter.validate_python(b) for b in bodies]
        with self.db.write() as s:
            return record_events(s, actor=self.actors[org], settings=self.settings,
                                 events=commands)

    def event(self, org: str, type: str, site: str | None = None, **fields: Any) -> Recorded:
        return self.record(org, self.body(type, site or f"{org}-S1", **fields))[0]

    def collect(self, org: str, mass_kg: float | str, *, metal: str = "Al",
                grade: str = "AL-TALC", origin: str = "post_consumer", site: str | None = None,
                **extra: Any) -> str:
        rec = self.event(org, "collect", site, metal=metal, grade=grade, origin=origin,
                         mass_kg=mass_kg, **extra)
        return rec.created_lots[0]

    def declare(self, org: str, mass_kg: float | str, *, metal: str = "Al",
                grade: str = "AL-TALC", origin: str = "post_consumer",
                reason: str = "opening_stock", **extra: Any) -> str:
        rec = self.event(org, "declare", None, metal=metal, grade=grade, origin=origin,
                         mass_kg=mass_kg, reason=reason, **extra)
        return rec.created_lots[0]

    def ship(self, org: str, lots: list[str], to_site: str, **extra: Any) -> Recorded:
        return self.event(org, "ship", lots=lots, to_site=to_site, **extra)

    def receive(self, org: str, lots: dict[str, float | str], site: str | None = None) -> Recorded:
        return self.event(org, "receive", site,
                          lots=[{"lot": k, "mass_kg": v} for k, v in lots.items()])


def snapshot(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, to prove that a refused request wrote nothing."""
    from sqlalchemy import select
    from sqlmodel import SQLModel

    out = {}
    with db.read() as s:
        for table in SQLModel.metadata.sorted_tables:
            rows = s.execute(select(table).order_by(*table.primary_key.columns)).all()
            out[table.name] = [tuple(r) for r in rows]
    return out
