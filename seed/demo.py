"""A believable Guizhou network and about a year of events, recorded through the use cases."""

from __future__ import annotations

import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from pydantic import TypeAdapter
from rich.progress import Progress
from sqlalchemy import func, select

from domain import codes, orgs
from domain.auth import Actor
from domain.commands import Command, EventCommand
from domain.db import Database
from domain.events.capture import record_events
from domain.lots import list_lots
from domain.models import Org, User
from domain.models.types import utcnow
from domain.settings import Settings
from seed import demo_compliance as compliance
from seed.demo_anomalies import add_anomalies

DEMO_PASSWORD = "demo-pass"
DEMO_USERS = ("demo-admin", "demo-collector", "demo-sorter", "demo-smelter", "demo-auditor")
_commands = TypeAdapter(list[EventCommand])


def recorded_at(commands: Sequence[Command]) -> datetime:
    """When a loaded history's batch was recorded: ten minutes after its last event (never
    later than now), as the operators would have sent it."""
    return min(utcnow(), max(c.occurred_at for c in commands) + timedelta(minutes=10))


@dataclass(frozen=True)
class OrgSpec:
    code: str
    name: str
    kind: str
    region: str
    site: str
    site_name: str
    user: str


NETWORK = (
    OrgSpec("GZ-GXT", "贵州省工业和信息化厅", "agency", "520000", "GZ-GXT-HQ", "省厅", "demo-auditor"),
    OrgSpec("GY-HS", "贵阳城投再生资源回收站", "collector", "520100", "GY-HS-1", "贵阳白云回收站",
            "demo-collector"),
    OrgSpec("ZY-HS", "遵义汇川回收点", "collector", "520300", "ZY-HS-1", "遵义汇川回收点", "zy-op"),
    OrgSpec("BJ-HS", "毕节七星关回收站", "collector", "520500", "BJ-HS-1", "毕节回收站", "bj-op"),
    OrgSpec("TR-HS", "铜仁碧江回收站", "collector", "520600", "TR-HS-1", "铜仁回收站", "tr-op"),
    OrgSpec("CQ-HS", "重庆渝北废旧金属回收公司", "collector", "500112", "CQ-HS-1", "渝北回收场",
            "cq-op"),
    OrgSpec("GY-FJ", "贵阳再生资源分拣中心", "sorter", "520100", "GY-FJ-1", "贵阳分拣中心",
            "demo-sorter"),
    OrgSpec("ZY-FJ", "遵义分拣预处理中心", "sorter", "520300", "ZY-FJ-1", "遵义分拣中心", "zyfj-op"),
    OrgSpec("QN-LY", "黔南再生铝业有限公司", "smelter", "522700", "QN-LY-1", "都匀再生铝厂",
            "demo-smelter"),
    OrgSpec("AS-TY", "安顺再生铜业有限公司", "smelter", "520400", "AS-TY-1", "安顺铜冶炼厂",
            "as-op"),
    OrgSpec("LPS-QY", "六盘水再生铅业有限公司", "smelter", "520200", "LPS-QY-1", "六盘水铅厂",
            "lps-op"),
    OrgSpec("GY-JK", "贵州黔通再生资源进出口有限公司", "importer", "520100", "GY-JK-1",
            "贵阳综合保税区仓库", "jk-op"),
)
SORTER_OF = {"GY-HS": "GY-FJ-1", "BJ-HS": "GY-FJ-1", "ZY-HS": "ZY-FJ-1", "TR-HS": "ZY-FJ-1",
             "CQ-HS": "QN-LY-1"}
SMELTER_OF = {"Al": "QN-LY-1", "Cu": "AS-TY-1", "Pb": "LPS-QY-1"}
COLLECT_MIX = (  # (metal, grade, origin, weight)
    ("Al", "AL-TALC", "post_consumer", 30), ("Al", "AL-TAINT-TABOR", "post_consumer", 18),
    ("Al", "AL-TABOO", "pre_consumer", 10), ("Al", "AL-TENSE", "post_consumer", 8),
    ("Al", "AL-TOTO", "pre_consumer", 6), ("Cu", "CU-BARLEY", "post_consumer", 6),
    ("Cu", "CU-BIRCH", "post_consumer", 6), ("Cu", "CU-DRUID", "pre_consumer", 3),
    ("Pb", "PB-RAINS", "post_consumer", 8),
)
PRIMARY_SHARE = {"Al": (0.35, 0.55), "Cu": (0.10, 0.25), "Pb": (0.0, 0.0)}
PRODUCT = {"Al": "ADC12", "Cu": "C11000", "Pb": "PbCa"}


def has_data(db: Database) -> bool:
    with db.read() as s:
        return bool(s.execute(select(func.count()).select_from(Org)).scalar_one())


def uscc_for(n: int) -> str:
    first = f"915200{n:02d}MA6DXN{n:03d}"
    return first + codes.uscc_check_char(first)


class Demo:
    def __init__(self, db: Database, settings: Settings, seed: int = 2026) -> None:
        self.db, self.settings, self.rng = db, settings, random.Random(seed)
        self.actors: dict[str, Actor] = {}
        self.events = 0
        self.manifests = 0  # every trip of hazardous waste has its own manifest number
        self.declarations = 0

    def uid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def manifest(self, when: datetime) -> str:
        self.manifests += 1
        return f"5201{when:%Y%m%d}{self.manifests:05d}"

    def build_network(self, start: date) -> None:
        with self.db.write() as s:
            # The demo's published password is shorter than the policy's minimum: it exists to be
            # typed at a demonstration, never on a real platform (check_policy=False).
            admin = orgs.create_user(s, actor=None, org_code=None, username="demo-admin",
                                     password=DEMO_PASSWORD, role="admin", check_policy=False)
            root = Actor(admin.id or 0, admin.username, "admin", None, None)
            for n, spec in enumerate(NETWORK, start=1):
                org = orgs.create_org(s, actor=root, code=spec.code, name=spec.name,
                                      kind=spec.kind, uscc=uscc_for(n), region=spec.region,
                                      licences=compliance.licences(spec.code, start, n))
                orgs.create_site(s, actor=root, org_code=spec.code, code=spec.site,
                                 name=spec.site_name, region=spec.region)
                role = "auditor" if spec.kind == "agency" else "operator"
                user: User = orgs.create_user(s, actor=root, org_code=spec.code,
                                              username=spec.user, password=DEMO_PASSWORD,
                                              role=role, check_policy=False)
                self.actors[spec.site] = Actor(user.id or 0, user.username, role, org.id,
                                               spec.code)

    def record(self, site: str, when: datetime, bodies: list[dict[str, Any]]) -> list[Any]:
        """Record `bodies` as the site's operator did at the time (a history is loaded)."""
        if not bodies:
            return []
        stamp = when.isoformat()
        for b in bodies:
            b.setdefault("id", self.uid())
            b.setdefault("occurred_at", stamp)
            b.setdefault("site", site)
        commands = _commands.validate_python(bodies)
        with self.db.write() as s:
            out = record_events(s, actor=self.actors[site], settings=self.settings,
                                events=commands, now=recorded_at(commands))
        self.events += len(out)
        return out

    def stock(self, site: str, metal: str | None = None) -> list[tuple[str, int, str]]:
        """Active scrap lots at a site (finished products leave the chain for customers)."""
        with self.db.read() as s:
            lots = list_lots(s, actor=self.actors[site], site=site, status="active",
                             metal=metal, limit=1000)
        return [(v.lot.code, v.lot.mass_g, v.lot.metal) for v in lots
                if v.lot.grade not in PRODUCT.values()]

    def kg(self, low: float, high: float) -> float:
        return round(self.rng.uniform(low, high), 1)

    # --- one week of the network ---------------------------------------------------------
    def week(self, monday: datetime) -> None:
        rng = self.rng
        for site in ("GY-HS-1", "ZY-HS-1", "BJ-HS-1", "TR-HS-1", "CQ-HS-1"):
            for day in range(5):
                bodies = []
                for _ in range(rng.choice((0, 1, 1, 2))):
                    metal, grade, origin, _w = rng.choices(
                        COLLECT_MIX, weights=[m[3] for m in COLLECT_MIX])[0]
                    if site == "CQ-HS-1" and metal != "Al":
                        continue
                    bodies.append({"type": "collect", "metal": metal, "grade": grade,
                                   "origin": origin, "mass_kg": self.kg(150, 900),
                                   "source": {"kind": rng.choice(("household", "business",
                                                                  "collector"))}})
                self.record(site, monday + timedelta(days=day, hours=rng.randint(1, 8)), bodies)
            lots = self.stock(site)
            if lots:
                to = SORTER_OF[site[:-2]]
                hazardous = any(m == "Pb" for _, _, m in lots)
                self.record(site, monday + timedelta(days=4, hours=10), [{
                    "type": "ship", "lots": [c for c, _, _ in lots], "to_site": to,
                    "transport": {"mode": rng.choice(("road_diesel", "road_diesel",
                                                      "road_electric", "rail")),
                                  "distance_km": rng.randint(40, 320), "vehicle": "贵A·D1234"},
                    **({"manifest": self.manifest(monday)} if hazardous else {})}])
        self.receive_all(monday + timedelta(days=5, hours=2))
        for sorter in ("GY-FJ-1", "ZY-FJ-1"):
            self.sort_and_ship(sorter, monday + timedelta(days=5, hours=6))
        self.receive_all(monday + timedelta(days=6, hours=2))
        for metal, smelter in SMELTER_OF.items():
            self.melt(smelter, metal, monday + timedelta(days=6, hours=8))

    def receive_all(self, when: datetime) -> None:
        for site in ("GY-FJ-1", "ZY-FJ-1", *SMELTER_OF.values()):
            with self.db.read() as s:
                incoming = [v for v in list_lots(s, actor=self.actors[site], status="in_transit",
                                                 limit=1000) if v.dest_site_code == site]
            lots = [{"lot": v.lot.code, "mass_kg": round(v.lot.mass_g / 1000 *
                                                     self.rng.gauss(1.0, 0.002), 1)}
                    for v in incoming]
            self.record(site, when, [{"type": "receive", "lots": lots}] if lots else [])

    def sort_and_ship(self, site: str, when: datetime) -> None:
        for metal in ("Al", "Cu", "Pb"):
            lots = self.stock(site, metal)
            if not lots:
                continue
            total = sum(g for _, g, _ in lots)
            if metal == "Pb" or len(lots) == 1:
                codes_out = [c for c, _, _ in lots]
            else:  # bale everything of the metal into one or two bales, 1-3 % loss
                out_kg = total / 1000 * self.rng.uniform(0.97, 0.99)
                parts = [round(out_kg / 2, 1), round(out_kg / 2, 1)] if total > 3_000_000 \
                    else [round(out_kg, 1)]
                grade = {"Al": "AL-MIXED", "Cu": "CU-MIXED"}[metal]
                rec = self.record(site, when, [{
                    "type": "transform", "kind": "bale",
                    "inputs": [{"lot": c} for c, _, _ in lots],
                    "outputs": [{"grade": grade, "mass_kg": p} for p in parts]}])[0]
                codes_out = rec.created_lots
                assay_pct = round(self.rng.uniform(86, 93) if metal == "Al" else
                                  self.rng.uniform(88, 96), 2)
                self.record(site, when + timedelta(hours=1), [{
                    "type": "assay", "lot": c, "metal_pct": assay_pct, "method": "XRF",
                    "lab": "分拣中心化验室"} for c in codes_out])
            self.record(site, when + timedelta(hours=2), [{
                "type": "ship", "lots": codes_out, "to_site": SMELTER_OF[metal],
                "transport": {"mode": self.rng.choice(("rail", "road_diesel", "road_electric")),
                              "distance_km": self.rng.randint(60, 260)},
                **({"manifest": self.manifest(when)} if metal == "Pb" else {})}])

    def melt(self, site: str, metal: str, when: datetime) -> None:
        lots = self.stock(site, metal)
        if not lots:
            return
        charged = sum(g for _, g, _ in lots) / 1000
        low, high = PRIMARY_SHARE[metal]
        primary = round(charged * self.rng.uniform(low, high) / (1 - high or 1), 1)
        inputs = [{"lot": c, "mass_kg": g / 1000} for c, g, _ in lots]
        prim = [{"material": {"Al": "A00 铝锭", "Cu": "1# 电解铜"}[metal], "mass_kg": primary}] \
            if primary > 0 else []
        # The product is about 95 % of the metal charged (lots' metal plus primary).
        with self.db.read() as s:
            views = list_lots(s, actor=self.actors[site], site=site, status="active",
                              metal=metal, limit=1000)
        ppm = {v.lot.code: v.lot.metal_ppm for v in views}
        metal_kg = sum(g * ppm[c] for c, g, _ in lots) / 1e9 + primary
        output = round(metal_kg * 0.95, 1)
        rec = self.record(site, when, [{"type": "melt", "metal": metal,
                                        "product": PRODUCT[metal], "inputs": inputs,
                                        "primary": prim, "output_mass_kg": output}])[0]
        # The product is cast and shipped; runners and dross come back as home scrap.
        home = round(output * self.rng.uniform(0.03, 0.06), 1)
        if home < 1:
            return
        self.record(site, when + timedelta(hours=4), [
            {"type": "transform", "kind": "split", "inputs": [{"lot": rec.created_lots[0]}],
             "outputs": [{"mass_kg": round(output - home, 1)}]},
            {"type": "collect", "metal": metal, "grade": {"Al": "AL-TOTO", "Cu": "CU-BERRY",
                                                          "Pb": "PB-RACKS"}[metal],
             "origin": "home_scrap", "mass_kg": home, "source": {"kind": "business"}}])

    def opening_stock(self, when: datetime) -> None:
        for metal, site in SMELTER_OF.items():
            grade = {"Al": "AL-TAINT-TABOR", "Cu": "CU-BIRCH", "Pb": "PB-RAINS"}[metal]
            self.record(site, when, [{
                "type": "declare", "metal": metal, "grade": grade, "origin": "post_consumer",
                "mass_kg": self.kg(8_000, 20_000), "reason": "opening_stock",
                "supplier": {"name": "期初库存", "region": "520100"}}])


def seed_demo(db: Database, settings: Settings, *, weeks: int = 50,
              progress: bool = False) -> dict[str, int]:
    """Build the demo network and `weeks` weeks of events ending about a week ago."""
    demo = Demo(db, settings)
    today = datetime.now(settings.tz).date()
    first = today - timedelta(days=7 * (weeks + 1) + today.weekday())
    start = datetime.combine(first, time(8), settings.tz)
    demo.build_network(first)
    demo.opening_stock(start - timedelta(days=1))
    with Progress(disable=not progress, transient=True) as bar:
        task = bar.add_task("demo weeks", total=weeks)
        for w in range(weeks):
            compliance.import_week(demo, start + timedelta(weeks=w), w)
            demo.week(start + timedelta(weeks=w))
            bar.advance(task)
    if weeks:
        compliance.indicator_months(demo, first, first + timedelta(weeks=weeks - 1))
        add_anomalies(demo, start + timedelta(weeks=weeks - 1))
    return {"organisations": len(NETWORK), "events": demo.events}
