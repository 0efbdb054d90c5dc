"""Benchmark-scale data: a network and N lots of full history, written in bulk as the API would.

The generator produces event *bodies* exactly as a client would send them to `POST /events`
(pre-printed lot codes, so that the result is deterministic). The bulk writer validates each
body with the API's own command model, stores it with the domain's canonical payload and hash,
and derives every row (lots, cells, `event_lot` snapshots, access, movements, melt inputs) with
the domain's pure rules (composition.py, accounting.py). tests/reliability/test_scale_equivalence.py
captures a generated history through the API and checks both databases row by row.
"""

from __future__ import annotations

import random
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from pydantic import TypeAdapter
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import Table, func, select, text

from domain import catalogue, codes, orgs
from domain import composition as comp
from domain.accounting import PPM, charge, metal_grams, product_cells
from domain.auth import Actor, hash_password
from domain.commands import EventCommand
from domain.db import Database
from domain.events.capture import canonical
from domain.events.context import (
    access_t,
    event_lot_t,
    grams,
    lot_t,
    melt_input_t,
    movement_t,
    ppm,
)
from domain.models import Event, Org, User
from domain.models.types import utcnow
from domain.settings import Settings
from seed.demo import COLLECT_MIX, PRODUCT

SCALE_PASSWORD = "scale-pass"
_command = TypeAdapter(EventCommand)
event_t: Table = Event.__table__  # type: ignore[attr-defined]

_MIX_WEIGHTS = [m[3] for m in COLLECT_MIX]
BALE_GRADE = {"Al": "AL-MIXED", "Cu": "CU-MIXED"}
HOME_GRADE = {"Al": "AL-TOTO", "Cu": "CU-BERRY", "Pb": "PB-RACKS"}
PRIMARY = {"Al": ("A00 铝锭", 0.45), "Cu": ("1# 电解铜", 0.15), "Pb": ("", 0.0)}
# Guizhou prefectures, and neighbours whose collectors ship into the province.
REGIONS = ("520100", "520200", "520300", "520400", "520500", "520600", "522300", "522600",
           "522700", "500112", "510100", "530100")
MAX_LOTS_PER_EVENT = 200  # transform and melt inputs (the command allows 200)


def kg(g: int) -> str:
    """Grams as the exact kilogram string a client sends."""
    return f"{g // 1000}.{g % 1000:03d}"


# --- the network -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Member:
    org: str
    kind: str
    region: str
    site: str
    user: str
    metal: str | None = None  # a smelter's metal


def network_for(lots: int) -> list[Member]:
    """A province-sized network whose size follows the number of lots."""
    n_coll = max(3, min(240, lots // 4000))
    n_sort = max(1, n_coll // 12)
    n_smelt = max(1, n_coll // 60)
    out = [Member("SC-GXT", "agency", "520000", "SC-GXT-HQ", "sc-auditor")]
    for i in range(n_coll):
        region = REGIONS[i % len(REGIONS)]
        out.append(Member(f"SC-C{i:03d}", "collector", region, f"SC-C{i:03d}-1", f"sc-c{i:03d}"))
    for i in range(n_sort):
        region = REGIONS[i % 9]
        out.append(Member(f"SC-S{i:02d}", "sorter", region, f"SC-S{i:02d}-1", f"sc-s{i:02d}"))
    for i in range(n_smelt):
        for metal in ("Al", "Cu", "Pb"):
            code = f"SC-M{metal.upper()}{i:02d}"
            out.append(Member(code, "smelter", REGIONS[(i + 3) % 9], f"{code}-1", code.lower(),
                              metal))
    return out


def _uscc(n: int) -> str:
    first = f"9152{n:04d}MA6D{n:05d}"
    return first + codes.uscc_check_char(first)


def build_network(db: Database, members: list[Member]) -> dict[str, int]:
    """Organisations, sites and one user each (password SCALE_PASSWORD); answers user ids by site."""
    admin = Actor(0, "scale", "admin", None, None)
    pw_hash = hash_password(SCALE_PASSWORD)  # one Argon2 hash for every user: hashing is slow
    users: dict[str, int] = {}
    with db.write() as s:
        if s.execute(select(func.count()).select_from(Org).where(
                Org.code == members[0].org)).scalar_one():  # type: ignore[arg-type]
            raise RuntimeError("the scale network exists already: use an empty database")
        for n, m in enumerate(members, start=1):
            org = orgs.create_org(s, actor=admin, code=m.org, name=f"{m.org} 再生资源", kind=m.kind,
                                  uscc=_uscc(n), region=m.region)
            orgs.create_site(s, actor=admin, org_code=m.org, code=m.site, name=m.site,
                             region=m.region)
            user = User(username=m.user, password_hash=pw_hash,
                        role="auditor" if m.kind == "agency" else "operator", org_id=org.id)
            s.add(user)
            s.flush()
            assert user.id is not None
            users[m.site] = user.id
    return users


# --- the generator ---------------------------------------------------------------------------
@dataclass
class Request:
    """One `POST /events` of one site's operator: a single body or a batch."""

    site: str
    bodies: list[dict[str, Any]]


@dataclass
class _Gen:
    members: list[Member]
    rng: random.Random
    used: set[str] = field(default_factory=set)
    mass: dict[str, int] = field(default_factory=dict)  # what the generator knows of each lot

    def uid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def code(self) -> str:
        while True:
            c = codes.new_lot_code(self.rng)
            if c not in self.used:
                self.used.add(c)
                return c

    def body(self, type_: str, site: str, when: datetime, **fields: Any) -> dict[str, Any]:
        return {"id": self.uid(), "type": type_, "occurred_at": when.isoformat(), "site": site,
                **fields}


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def generate(members: list[Member], lots: int, *, seed: int = 7, end: datetime | None = None,
             tz: Any = None) -> Iterator[Request]:
    """Requests that collect (or declare) `lots` lots and take them through sorting to melts.

    Lots flow in rounds (one a working day over the year before `end`): collectors collect
    and ship to their sorter, the sorter receives, bales by metal, assays and ships to the
    smelter, which receives and melts with primary metal, and returns some home scrap.
    """
    from zoneinfo import ZoneInfo

    tz = tz or ZoneInfo("Asia/Shanghai")
    end = end or datetime.now(tz) - timedelta(days=2)
    g = _Gen(members, random.Random(seed))
    rng = g.rng
    collectors = [m for m in members if m.kind == "collector"]
    sorters = [m for m in members if m.kind == "sorter"]
    smelters = [m for m in members if m.kind == "smelter"]
    sorter_of = {c.site: sorters[i % len(sorters)].site for i, c in enumerate(collectors)}
    rounds = max(1, min(250, lots // 400))
    first_day = (end - timedelta(days=365)).date()
    per_slot = comp.largest_remainder(lots, [1] * (rounds * len(collectors)))
    home: dict[str, list[str]] = {m.site: [] for m in smelters}  # home scrap waiting to be charged
    for r in range(rounds):
        day = datetime.combine(first_day + timedelta(days=r * 365 // rounds), time(8), tz)
        at_sorter: dict[str, list[tuple[str, str, int]]] = {s.site: [] for s in sorters}
        for ci, c in enumerate(collectors):
            n = per_slot[r * len(collectors) + ci]
            bodies, made = [], []
            for k in range(n):
                metal, grade, origin, _ = rng.choices(COLLECT_MIX, weights=_MIX_WEIGHTS)[0]
                mass = rng.randint(150_000, 900_000) // 100 * 100
                lot = g.code()
                when = day + timedelta(minutes=k % 240)
                if rng.random() < 0.06:  # an off-platform purchase entered from paper
                    bodies.append(g.body("declare", c.site, when, lot=lot, metal=metal,
                                         grade=grade, origin=origin, mass_kg=kg(mass),
                                         reason="off_platform_purchase",
                                         supplier={"name": "个体回收户",
                                                   "region": rng.choice(REGIONS)}))
                else:
                    bodies.append(g.body("collect", c.site, when, lot=lot, metal=metal,
                                         grade=grade, origin=origin, mass_kg=kg(mass),
                                         source={"kind": rng.choice(("household", "business",
                                                                     "collector"))}))
                g.mass[lot] = mass
                made.append((lot, metal))
            for chunk in _chunks(bodies, 1000):  # a phone syncing its day in one batch
                yield Request(c.site, chunk)
            to = sorter_of[c.site]
            for chunk in _chunks(made, 500):
                hazardous = any(m == "Pb" for _, m in chunk)
                yield Request(c.site, [g.body(
                    "ship", c.site, day + timedelta(hours=6), lots=[x for x, _ in chunk],
                    to_site=to, transport={"mode": rng.choice(("road_diesel", "road_electric",
                                                               "rail")),
                                           "distance_km": rng.randint(20, 300)},
                    **({"manifest": f"52{day:%Y%m%d}{rng.randint(10**6, 10**7 - 1)}"}
                       if hazardous else {}))])
                received = []
                for x, m in chunk:
                    measured = max(100, g.mass[x] + rng.randint(-1500, 1500) // 100 * 100)
                    g.mass[x] = measured
                    received.append({"lot": x, "mass_kg": kg(measured)})
                    at_sorter[to].append((x, m, measured))
                yield Request(to, [g.body("receive", to, day + timedelta(hours=8),
                                          lots=received)])
        for s in sorters:
            yield from _sort_and_melt(g, s, at_sorter[s.site], smelters, home, day)


def _sort_and_melt(g: _Gen, s: Member, stock: list[tuple[str, str, int]],
                   smelters: list[Member], home: dict[str, list[str]],
                   day: datetime) -> Iterator[Request]:
    rng = g.rng
    for metal in ("Al", "Cu", "Pb"):
        lots = [(x, w) for x, m, w in stock if m == metal]
        if not lots:
            continue
        smelter = [m for m in smelters if m.metal == metal][rng.randrange(len(smelters) // 3)]
        out: list[tuple[str, int]] = []
        if metal == "Pb":  # batteries go to the lead smelter as they are
            out = lots
        else:
            for chunk in _chunks(lots, MAX_LOTS_PER_EVENT):
                total = sum(w for _, w in chunk)
                bale = total * rng.randint(970, 990) // 1000
                parts = [bale // 2, bale - bale // 2] if bale > 3_000_000 else [bale]
                made = [(g.code(), p) for p in parts]
                yield Request(s.site, [g.body(
                    "transform", s.site, day + timedelta(hours=9), kind="bale",
                    inputs=[{"lot": x} for x, _ in chunk],
                    outputs=[{"lot": c, "grade": BALE_GRADE[metal], "mass_kg": kg(p)}
                             for c, p in made])])
                pct = f"{rng.randint(8600, 9600) / 100:.2f}"
                yield Request(s.site, [g.body("assay", s.site, day + timedelta(hours=10), lot=c,
                                              metal_pct=pct, method="XRF", lab="分拣中心化验室")
                                       for c, _ in made])
                out.extend(made)
        to = smelter.site
        for chunk in _chunks(out, 500):
            yield Request(s.site, [g.body(
                "ship", s.site, day + timedelta(hours=11), lots=[x for x, _ in chunk], to_site=to,
                transport={"mode": rng.choice(("rail", "road_electric", "road_diesel")),
                           "distance_km": rng.randint(60, 400)},
                **({"manifest": f"52{day:%Y%m%d}{rng.randint(10**6, 10**7 - 1)}"}
                   if metal == "Pb" else {}))])
            yield Request(to, [g.body("receive", to, day + timedelta(hours=20),
                                      lots=[{"lot": x, "mass_kg": kg(w)} for x, w in chunk])])
        charge = [(x, w) for x, w in out] + [(x, g.mass[x]) for x in home[to]]
        home[to] = []
        for chunk in _chunks(charge, MAX_LOTS_PER_EVENT):
            yield from _melt(g, smelter, metal, chunk, home, day + timedelta(days=1, hours=2))


def _melt(g: _Gen, smelter: Member, metal: str, chunk: list[tuple[str, int]],
          home: dict[str, list[str]], when: datetime) -> Iterator[Request]:
    rng = g.rng
    charged = sum(w for _, w in chunk)
    material, share = PRIMARY[metal]
    primary = charged * int(share * 100) // 100 // 100 * 100
    output = (charged * 85 // 100 + primary) * 98 // 100
    batch = g.code()
    g.mass[batch] = output
    site = smelter.site
    yield Request(site, [g.body(
        "melt", site, when, batch=batch, metal=metal, product=PRODUCT[metal],
        inputs=[{"lot": x, "mass_kg": kg(w)} for x, w in chunk],
        primary=[{"material": material, "mass_kg": kg(primary)}] if primary else [],
        output_mass_kg=kg(output))])
    # Runners and dross come back as home scrap, charged into the next melt.
    scrap = output * rng.randint(3, 6) // 100 // 100 * 100
    if scrap >= 1000:
        lot = g.code()
        g.mass[lot] = scrap
        home[site].append(lot)
        yield Request(site, [g.body("collect", site, when + timedelta(hours=4), lot=lot,
                                    metal=metal, grade=HOME_GRADE[metal], origin="home_scrap",
                                    mass_kg=kg(scrap), source={"kind": "business"})])


# --- the bulk writer -------------------------------------------------------------------------
_CANONICAL = re.compile(f"^[{codes.LOT_ALPHABET}]{{{codes.LOT_CODE_LENGTH}}}$")


def _canonical(ref: str) -> str:
    """The canonical code, as the API reads it; codes already in canonical shape (the
    generator's) skip the full reading, which costs more than the rest of an event."""
    return ref if _CANONICAL.match(ref) else codes.normalize_lot_code(ref)

@dataclass(frozen=True)
class _Site:
    id: int
    org_id: int
    kind: str
    region: str


@dataclass(slots=True)
class _Lot:
    id: int
    code: str
    metal: str
    grade: str
    status: str
    mass_g: int
    assay_ppm: int | None
    default_ppm: int
    cells: comp.Cells
    org_id: int
    site_id: int | None
    dest_site_id: int | None
    created_seq: int
    last_seq: int
    access: set[int]
    pending: list[dict[str, Any]]

    @property
    def metal_ppm(self) -> int:
        return self.assay_ppm if self.assay_ppm is not None else self.default_ppm

    def snapshot(self) -> dict[str, Any]:  # as domain.events.context.LotState.snapshot
        return {"status": self.status, "mass_g": self.mass_g, "assay_ppm": self.assay_ppm,
                "cells": comp.to_json(self.cells), "org_id": self.org_id,
                "site_id": self.site_id, "dest_site_id": self.dest_site_id,
                "last_seq": self.last_seq, "grade": self.grade}


class BulkWriter:
    """Turns event bodies into the rows `record_events` would write, and writes them in bulk.

    It trusts its input (the generator's histories are lawful by construction) but applies the
    same state changes as the planners in domain/events, in the same order, so that sequence
    numbers and surrogate ids come out as the API assigns them. A lot's row is written once,
    when it is consumed or at the end; rows that refer to it wait for it (foreign keys stay on).
    """

    def __init__(self, db: Database, settings: Settings, users: dict[str, int]) -> None:
        self.db, self.settings, self.users = db, settings, users
        with db.read() as s:
            rows = s.execute(text("SELECT s.id, s.code, s.org_id, o.kind, s.region "
                                  "FROM site s JOIN org o ON o.id = s.org_id")).all()
            self.seq = s.execute(text("SELECT coalesce(max(seq), 0) FROM event")).scalar_one()
            self.lot_id = s.execute(text("SELECT coalesce(max(id), 0) FROM lot")).scalar_one()
            self.move_id = s.execute(text("SELECT coalesce(max(id), 0) FROM movement")) \
                .scalar_one()
            self.melt_id = s.execute(text("SELECT coalesce(max(id), 0) FROM melt_input")) \
                .scalar_one()
        self.sites = {r.code: _Site(r.id, r.org_id, r.kind, r.region) for r in rows}
        self.lots: dict[str, _Lot] = {}
        self.now = utcnow()
        self._finished: set[str] = set()
        self._reset()
        self.stats = {"events": 0, "lots": 0, "event_lot": 0, "lot_access": 0, "movement": 0,
                      "melt_input": 0}

    def _reset(self) -> None:
        self.events: list[dict[str, Any]] = []
        self.lot_rows: list[dict[str, Any]] = []
        self.event_lots: list[dict[str, Any]] = []
        self.access: list[dict[str, Any]] = []
        self.moves: list[dict[str, Any]] = []
        self.melts: list[dict[str, Any]] = []

    # --- rules (the planners' apply steps) ----------------------------------------------------
    def add(self, site_code: str, body: dict[str, Any]) -> None:
        cmd: Any = _command.validate_python(body)  # one of domain.commands.Command
        payload, digest = canonical(cmd)
        site = self.sites[cmd.site]
        self.seq += 1
        seq = self.seq
        at = cmd.occurred_at
        created: list[str] = []
        t = cmd.type
        if t in ("collect", "declare"):
            grade = catalogue.grade(cmd.grade)
            assert grade is not None
            if t == "declare" and cmd.supplier is not None and cmd.supplier.region:
                region = cmd.supplier.region
            else:
                region = site.region
            cell = (cmd.origin, self._provenance(region),
                    "declared" if t == "declare" else "traced")
            mass = grams(cmd.mass_kg)
            code = _canonical(cmd.lot)
            self._create(seq, code, cmd.metal, grade.code, mass, {cell: mass}, site,
                         grade.default_ppm, None)
            self._move(seq, site.id, cmd.metal, "created", mass, at)
            created = [code]
        elif t == "transform":
            created = self._transform(cmd, seq, site, at)
        elif t == "ship":
            dest = self.sites[cmd.to_site]
            for ref in cmd.lots:
                lot = self._lot(ref)
                before = lot.snapshot()
                self._move(seq, site.id, lot.metal, "shipped", lot.mass_g, at)
                lot.status, lot.site_id, lot.dest_site_id = "in_transit", None, dest.id
                self._save(lot, seq, "moved", before)
                lot.access.add(dest.org_id)
        elif t == "receive":
            for item in cmd.lots:
                lot = self._lot(item.lot)
                before = lot.snapshot()
                mass = grams(item.mass_kg)
                lot.cells = comp.scale(lot.cells, mass)
                lot.mass_g, lot.status = mass, "active"
                lot.org_id, lot.site_id, lot.dest_site_id = site.org_id, site.id, None
                self._save(lot, seq, "moved", before)
                self._move(seq, site.id, lot.metal, "received", mass, at)
        elif t == "assay":
            lot = self._lot(cmd.lot)
            before = lot.snapshot()
            lot.assay_ppm = ppm(cmd.metal_pct)
            self._save(lot, seq, "assayed", before)
        elif t == "melt":
            created = self._melt(cmd, seq, site, at)
        else:
            raise ValueError(f"the bulk writer does not write '{t}' events")
        offset = at.utcoffset()
        self.events.append({
            "seq": seq, "id": str(cmd.id), "type": t, "org_id": site.org_id, "site_id": site.id,
            "user_id": self.users[site_code], "occurred_at": at,
            "occurred_offset_min": int(offset.total_seconds() // 60) if offset else 0,
            "recorded_at": self.now, "payload": payload, "payload_hash": digest,
            "created_lots": created})
        # Lots consumed by this event never change again: their rows can be written.
        for code in list(self._finished):
            self._release(self.lots.pop(code))
        self._finished.clear()

    def _transform(self, cmd: Any, seq: int, site: _Site, at: datetime) -> list[str]:
        inputs = []
        for item in cmd.inputs:
            lot = self._lot(item.lot)
            inputs.append((lot, lot.mass_g if item.mass_kg is None else grams(item.mass_kg)))
        metal = inputs[0][0].metal
        input_grades = {lot.grade for lot, _ in inputs}
        outputs = []
        for out in cmd.outputs:
            grade_code = out.grade if out.grade is not None else next(iter(input_grades))
            if grade_code in input_grades:
                default = next(lot.default_ppm for lot, _ in inputs if lot.grade == grade_code)
            else:
                grade = catalogue.grade(grade_code)
                assert grade is not None
                default = grade.default_ppm
            outputs.append((grade_code, default, grams(out.mass_kg)))
        total_in = sum(g for _, g in inputs)
        total_out = sum(g for *_, g in outputs)
        carried = None
        if len(input_grades) == 1 and any(lot.assay_ppm is not None for lot, _ in inputs):
            carried = (sum(lot.metal_ppm * g for lot, g in inputs) + total_in // 2) // total_in
        codes_out = [_canonical(o.lot) for o in cmd.outputs]
        pooled = []
        for lot, want in inputs:
            before = lot.snapshot()
            taken, rest = comp.take(lot.cells, want)
            pooled.append(taken)
            lot.cells, lot.mass_g = rest, lot.mass_g - want
            if lot.mass_g == 0:
                lot.status = "consumed"
            self._save(lot, seq, "in", before)
        shares, _ = comp.distribute(comp.combine(pooled), [g for *_, g in outputs])
        for code, (grade_code, default, mass), cells in zip(codes_out, outputs, shares,
                                                            strict=True):
            self._create(seq, code, metal, grade_code, mass, cells, site, default,
                         carried if grade_code in input_grades else None)
        self._move(seq, site.id, metal, "loss", total_in - total_out, at)
        return codes_out

    def _melt(self, cmd: Any, seq: int, site: _Site, at: datetime) -> list[str]:
        charged = [(self._lot(i.lot), grams(i.mass_kg))
                   for i in cmd.inputs]
        output = grams(cmd.output_mass_kg)
        code = _canonical(cmd.batch)
        provenance = self._provenance(site.region)
        metal_by_cell: comp.Cells = {}
        for lot, want in charged:
            before = lot.snapshot()
            metal, rest = charge(lot.cells, want, lot.metal_ppm)
            metal_by_cell = comp.combine([metal_by_cell, metal])
            lot.cells, lot.mass_g = rest, lot.mass_g - want
            if lot.mass_g == 0:
                lot.status = "consumed"
            self._save(lot, seq, "in", before)
            self._move(seq, site.id, cmd.metal, "charged", want, at)
        key = ("primary", provenance, "traced")
        for p in cmd.primary:
            pct = ppm(p.metal_pct) if p.metal_pct is not None else PPM
            metal_by_cell = comp.combine([metal_by_cell, {key: metal_grams(grams(p.mass_kg), pct)}])
        for (o, pv, e), g in sorted(metal_by_cell.items()):
            self.melt_id += 1
            self.melts.append({"id": self.melt_id, "event_seq": seq, "org_id": site.org_id,
                               "metal": cmd.metal, "occurred_at": at, "origin": o,
                               "provenance": pv, "evidence": e, "metal_g": g})
        self._create(seq, code, cmd.metal, cmd.product, output,
                     product_cells(metal_by_cell, output, provenance), site, PPM, PPM)
        self._move(seq, site.id, cmd.metal, "created", output, at)
        return [code]

    def _lot(self, ref: str) -> _Lot:
        # The generator sends canonical codes; anything else goes through the API's reading.
        lot = self.lots.get(ref)
        return lot if lot is not None else self.lots[_canonical(ref)]

    def _provenance(self, region: str | None) -> str:
        home = self.settings.home_region
        return "in_province" if region and region.startswith(home) else "out_of_province"

    def _create(self, seq: int, code: str, metal: str, grade: str, mass: int, cells: comp.Cells,
                site: _Site, default_ppm: int, assay_ppm: int | None) -> None:
        self.lot_id += 1
        lot = _Lot(id=self.lot_id, code=code, metal=metal, grade=grade, status="active",
                   mass_g=mass, assay_ppm=assay_ppm, default_ppm=default_ppm, cells=dict(cells),
                   org_id=site.org_id, site_id=site.id, dest_site_id=None, created_seq=seq,
                   last_seq=seq, access={site.org_id}, pending=[])
        lot.pending.append({"event_seq": seq, "lot_id": lot.id, "role": "out", "before": None})
        self.lots[code] = lot

    def _save(self, lot: _Lot, seq: int, role: str, before: dict[str, Any]) -> None:
        if sum(lot.cells.values()) != lot.mass_g:
            raise AssertionError(f"cells of {lot.code} do not add up to its mass")
        lot.last_seq = seq
        lot.pending.append({"event_seq": seq, "lot_id": lot.id, "role": role, "before": before})
        if lot.status == "consumed":
            self._finished.add(lot.code)

    def _move(self, seq: int, site_id: int, metal: str, kind: str, grams_: int,
              at: datetime) -> None:
        if grams_:
            self.move_id += 1
            self.moves.append({"id": self.move_id, "event_seq": seq, "site_id": site_id,
                               "metal": metal, "kind": kind, "grams": grams_, "occurred_at": at})

    def _release(self, lot: _Lot) -> None:
        self.lot_rows.append({
            "id": lot.id, "code": lot.code, "metal": lot.metal, "grade": lot.grade,
            "status": lot.status, "mass_g": lot.mass_g, "assay_ppm": lot.assay_ppm,
            "default_ppm": lot.default_ppm, "cells": comp.to_json(lot.cells),
            "org_id": lot.org_id, "site_id": lot.site_id, "dest_site_id": lot.dest_site_id,
            "created_seq": lot.created_seq, "last_seq": lot.last_seq, "created_at": self.now})
        self.event_lots.extend(lot.pending)
        self.access.extend({"lot_id": lot.id, "org_id": o} for o in sorted(lot.access))

    # --- writing ----------------------------------------------------------------------------
    def flush(self, final: bool = False) -> None:
        if final:
            for lot in sorted(self.lots.values(), key=lambda x: x.id):
                self._release(lot)
            self.lots.clear()
        tables = ((event_t, self.events), (lot_t, self.lot_rows), (event_lot_t, self.event_lots),
                  (access_t, self.access), (movement_t, self.moves),
                  (melt_input_t, self.melts))
        with self.db.engine.begin() as conn:
            if self.db.is_sqlite:  # a big page cache: unique keys (codes, ids) come in random order
                conn.exec_driver_sql("PRAGMA cache_size = -400000")
            for table, rows in tables:
                if rows:
                    if self.db.is_sqlite:
                        _executemany(conn, table, rows)
                    else:
                        _copy(conn, table, rows)
            if final and not self.db.is_sqlite:
                for name, col in (("event", "seq"), ("lot", "id"), ("movement", "id"),
                                  ("melt_input", "id")):
                    conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{name}', '{col}'),"
                                      f" (SELECT coalesce(max({col}), 1) FROM {name}))"))
        for name, rows in (("events", self.events), ("lots", self.lot_rows),
                           ("event_lot", self.event_lots), ("lot_access", self.access),
                           ("movement", self.moves), ("melt_input", self.melts)):
            self.stats[name] += len(rows)
        self._reset()


def _executemany(conn: Any, table: Table, rows: list[dict[str, Any]]) -> None:
    """SQLite executemany of dict rows, each value through its column type's bind processor
    (the same conversion SQLAlchemy applies to the API's inserts), without per-row overhead."""
    cols = list(rows[0])
    dialect = conn.dialect
    procs = [table.c[c].type.dialect_impl(dialect).bind_processor(dialect) for c in cols]
    pairs = list(zip(cols, procs, strict=True))
    data = [tuple(p(r[c]) if p is not None else r[c] for c, p in pairs) for r in rows]
    conn.exec_driver_sql(f"INSERT INTO {table.name} ({', '.join(cols)}) "
                         f"VALUES ({', '.join('?' * len(cols))})", data)


def _copy(conn: Any, table: Table, rows: list[dict[str, Any]]) -> None:
    """PostgreSQL COPY of dict rows, JSON columns as text (jsonb parses them as the API's)."""
    import orjson

    cols = list(rows[0])
    json_cols = {"payload", "created_lots", "cells", "before"}
    raw = conn.connection.driver_connection
    with raw.cursor() as cur, cur.copy(
            f"COPY {table.name} ({', '.join(cols)}) FROM STDIN") as copy:
        for r in rows:
            copy.write_row([orjson.dumps(r[c]).decode() if c in json_cols and r[c] is not None
                            else r[c] for c in cols])


def seed_scale(db: Database, settings: Settings, *, lots: int, seed: int = 7,
               progress: bool = False, flush_every: int = 20_000) -> dict[str, int]:
    """Build the scale network and write `lots` collected lots with their whole history."""
    members = network_for(lots)
    users = build_network(db, members)
    writer = BulkWriter(db, settings, users)
    done = 0
    columns = (TextColumn("[bold]seed scale"), BarColumn(), MofNCompleteColumn(),
               TextColumn("lots collected · {task.fields[events]:,} events"), TimeElapsedColumn())
    with Progress(*columns, disable=not progress) as bar:
        task = bar.add_task("lots", total=lots, events=0)
        pending = 0
        for req in generate(members, lots, seed=seed, tz=settings.tz):
            for body in req.bodies:
                writer.add(req.site, body)
                if body["type"] in ("collect", "declare") and body["origin"] != "home_scrap":
                    done += 1
            pending += len(req.bodies)
            if pending >= flush_every:
                writer.flush()
                pending = 0
                bar.update(task, completed=done, events=writer.stats["events"])
        writer.flush(final=True)
        bar.update(task, completed=done, events=writer.stats["events"])
    return {"collected_lots": done, **writer.stats, "organisations": len(members)}
