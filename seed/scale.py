"""Benchmark-scale data: a network and N lots of full history, recorded as the API records it.

The generator produces event *bodies* exactly as a client would send them to `POST /events`
(pre-printed lot codes, so that the result is deterministic); each is validated with the API's
command model and recorded by the same capture use case, in batches of up to 1,000 events.
"""

from __future__ import annotations

import gc
import random
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from pydantic import TypeAdapter
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import func, select, text

from domain import codes, orgs
from domain import composition as comp
from domain.auth import Actor, hash_password
from domain.commands import EventCommand
from domain.db import Database
from domain.errors import CodeCollision
from domain.events.capture import MAX_BATCH, Submission, record_submissions
from domain.models import Org, User
from domain.settings import Settings
from seed.demo import COLLECT_MIX, PRODUCT, recorded_at

SCALE_PASSWORD = "scale-pass"
_command = TypeAdapter(EventCommand)

_MIX_WEIGHTS = [m[3] for m in COLLECT_MIX]
BALE_GRADE = {"Al": "AL-MIXED", "Cu": "CU-MIXED"}
HOME_GRADE = {"Al": "AL-TOTO", "Cu": "CU-BERRY", "Pb": "PB-RACKS"}
PRIMARY = {"Al": ("A00 铝锭", 0.45), "Cu": ("1# 电解铜", 0.15), "Pb": ("", 0.0)}
# Guizhou prefectures, and neighbours whose collectors ship into the province.
REGIONS = ("520100", "520200", "520300", "520400", "520500", "520600", "522300", "522600",
           "522700", "500112", "510100", "530100")
# Every handler of waste lead-acid batteries holds a licence (no capacity: none is exceeded).
HW31_LICENCE = {"number": "SCALE-HW31", "kind": "comprehensive", "categories": ["HW31"],
                "capacity_t_per_year": None, "valid_from": "2000-01-01", "valid_to": "2099-12-31"}
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


def build_network(db: Database, members: list[Member]) -> dict[str, Actor]:
    """Organisations, sites and one user each (password SCALE_PASSWORD); answers each site's
    user as the actor that records its events."""
    admin = Actor(0, "scale", "admin", None, None)
    pw_hash = hash_password(SCALE_PASSWORD)  # one Argon2 hash for every user: hashing is slow
    users: dict[str, Actor] = {}
    with db.write() as s:
        if s.execute(select(func.count()).select_from(Org).where(
                Org.code == members[0].org)).scalar_one():  # type: ignore[arg-type]
            raise RuntimeError("the scale network exists already: use an empty database")
        for n, m in enumerate(members, start=1):
            org = orgs.create_org(s, actor=admin, code=m.org, name=f"{m.org} 再生资源", kind=m.kind,
                                  uscc=_uscc(n), region=m.region,
                                  licences=[] if m.kind == "agency" else [HW31_LICENCE])
            orgs.create_site(s, actor=admin, org_code=m.org, code=m.site, name=m.site,
                             region=m.region)
            user = User(username=m.user, password_hash=pw_hash,
                        role="auditor" if m.kind == "agency" else "operator", org_id=org.id)
            s.add(user)
            s.flush()
            assert user.id is not None and org.id is not None
            users[m.site] = Actor(user.id, m.user, user.role, org.id, m.org)
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
    manifests: int = 0

    def manifest(self, day: datetime) -> str:
        """A transfer manifest number of its own for every trip."""
        self.manifests += 1
        return f"52{day:%Y%m%d}{self.manifests:07d}"

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
    returned: dict[str, list[str]] = {m.site: [] for m in smelters}  # ... after this round
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
                    **({"manifest": g.manifest(day)} if hazardous else {}))])
                received = []
                for x, m in chunk:
                    measured = max(100, g.mass[x] + rng.randint(-1500, 1500) // 100 * 100)
                    g.mass[x] = measured
                    received.append({"lot": x, "mass_kg": kg(measured)})
                    at_sorter[to].append((x, m, measured))
                yield Request(to, [g.body("receive", to, day + timedelta(hours=8),
                                          lots=received)])
        for s in sorters:
            yield from _sort_and_melt(g, s, at_sorter[s.site], smelters, home, returned, day)
        for site, runners in returned.items():  # this round's: charged from the next on
            home[site] += runners
            runners.clear()


def _sort_and_melt(g: _Gen, s: Member, stock: list[tuple[str, str, int]],
                   smelters: list[Member], home: dict[str, list[str]],
                   returned: dict[str, list[str]],
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
                **({"manifest": g.manifest(day)} if metal == "Pb" else {}))])
            yield Request(to, [g.body("receive", to, day + timedelta(hours=20),
                                      lots=[{"lot": x, "mass_kg": kg(w)} for x, w in chunk])])
        charge = [(x, w) for x, w in out] + [(x, g.mass[x]) for x in home[to]]
        home[to] = []
        for chunk in _chunks(charge, MAX_LOTS_PER_EVENT):
            yield from _melt(g, smelter, metal, chunk, returned,
                             day + timedelta(days=1, hours=2))


def _melt(g: _Gen, smelter: Member, metal: str, chunk: list[tuple[str, int]],
          returned: dict[str, list[str]], when: datetime) -> Iterator[Request]:
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
    # Runners and dross come back as home scrap, charged in a melt of a later round.
    scrap = output * rng.randint(3, 6) // 100 // 100 * 100
    if scrap >= 1000:
        lot = g.code()
        g.mass[lot] = scrap
        returned[site].append(lot)
        yield Request(site, [g.body("collect", site, when + timedelta(hours=4), lot=lot,
                                    metal=metal, grade=HOME_GRADE[metal], origin="home_scrap",
                                    mass_kg=kg(scrap), source={"kind": "business"})])


# --- writing through the capture use case ---------------------------------------------------
def _batches(requests: Iterator[Request]) -> Iterator[Request]:
    """Consecutive requests of one site joined into batches of up to MAX_BATCH events, as a
    phone or a weighbridge system syncing its backlog would send them."""
    current: Request | None = None
    for req in requests:
        if current is not None and current.site == req.site \
                and len(current.bodies) + len(req.bodies) <= MAX_BATCH:
            current.bodies.extend(req.bodies)
            continue
        if current is not None:
            yield current
        current = Request(req.site, list(req.bodies))
    if current is not None:
        yield current


GROWING = ("event", "lot", "event_lot", "lot_access", "movement", "melt_input", "lot_edge")


def seed_scale(db: Database, settings: Settings, *, lots: int, seed: int = 7,
               progress: bool = False, commit_every: int = 20_000) -> dict[str, int]:
    """Build the scale network and record `lots` collected lots with their whole history.

    Every event goes through the capture use case behind `POST /events` (`record_submissions`:
    several sites' requests of up to 1,000 events in all at a time), committed every
    `commit_every` events.
    """
    members = network_for(lots)
    actors = build_network(db, members)
    stats = {"collected_lots": 0, "events": 0, "lots": 0}
    columns = (TextColumn("[bold]seed scale"), BarColumn(), MofNCompleteColumn(),
               TextColumn("lots collected · {task.fields[events]:,} events"), TimeElapsedColumn())
    with Progress(*columns, disable=not progress) as bar:
        task = bar.add_task("lots", total=lots, events=0)
        batches = _batches(generate(members, lots, seed=seed, tz=settings.tz))
        analyse_at = 2_000
        for chunk in _steps(batches, commit_every):
            analyse = not db.is_sqlite and stats["events"] >= analyse_at
            for attempt in range(3):  # a random lot code already in use: the chunk is redrawn
                try:
                    done = _record_chunk(db, settings, actors, chunk, analyse)
                    break
                except CodeCollision:
                    if attempt == 2:
                        raise
            analyse_at *= 2 if analyse else 1
            for key in done:
                stats[key] += done[key]
            bar.update(task, completed=stats["collected_lots"], events=stats["events"])
            # What survives a chunk (the generator's record of every lot so far) lives to the
            # end: kept out of the collector, whose full passes would walk it again and again.
            gc.freeze()
    with db.read() as session:  # every row the capture wrote, table by table
        for table in ("event_lot", "lot_access", "movement", "melt_input"):
            stats[table] = session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
    return {**stats, "organisations": len(members)}


def _record_chunk(db: Database, settings: Settings, actors: dict[str, Any], chunk: list[Request],
                  analyse: bool) -> dict[str, int]:
    """Record the requests of one transaction; answers what they added to the counts."""
    done = {"collected_lots": 0, "events": 0, "lots": 0}
    with db.write() as session:
        if db.is_sqlite:  # a big page cache: unique keys (codes, ids) come in random order
            session.connection().exec_driver_sql("PRAGMA cache_size = -400000")
        for step in _steps(chunk):
            submissions = []
            for req in step:
                commands = [_command.validate_python(b) for b in req.bodies]
                submissions.append(Submission(actors[req.site], commands, recorded_at(commands)))
                done["events"] += len(commands)
                done["collected_lots"] += sum(
                    1 for b in req.bodies
                    if b["type"] in ("collect", "declare") and b["origin"] != "home_scrap")
            for out in record_submissions(session, settings=settings, submissions=submissions,
                                          batch=True):
                done["lots"] += sum(len(rec.created_lots) for rec in out)
        if analyse:
            # Tables that grow from empty: fresh statistics each time they double, else
            # PostgreSQL keeps the plans it made for empty tables (sequential scans) for as
            # long as nothing else analyses them.
            session.connection().exec_driver_sql(f"ANALYZE {', '.join(GROWING)}")
    return done


def _steps(requests: Iterable[Request], size: int = MAX_BATCH) -> Iterator[list[Request]]:
    """Consecutive requests (of any sites) of at most `size` events in all (or one larger
    request): a step recorded at once, as the requests of several sites' devices arriving
    together would be, or a transaction's worth of steps."""
    step: list[Request] = []
    events = 0
    for req in requests:
        if step and events + len(req.bodies) > size:
            yield step
            step, events = [], 0
        step.append(req)
        events += len(req.bodies)
    if step:
        yield step

