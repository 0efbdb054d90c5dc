"""The demo's compliance side: licensed lead handlers, lawful imports from two countries, and a
smelter's monthly indicators (demo values, not reference data)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from domain import indicators

if TYPE_CHECKING:
    from seed.demo import Demo

# Who handles waste lead-acid batteries, under which kind of licence, for how many t a year.
LICENSED = {"GY-HS": ("collection", 800), "ZY-HS": ("collection", 800),
            "BJ-HS": ("collection", 600), "TR-HS": ("collection", 600),
            "GY-FJ": ("collection", 3000), "ZY-FJ": ("collection", 3000),
            "LPS-QY": ("comprehensive", 60000)}
IMPORTER = "GY-JK-1"
# (metal, grade, commodity code, standard, smelter site, countries taken in turn)
IMPORTS = (("Al", "AL-TENSE", "7602000020", "GB/T 38472-2023", "QN-LY-1", ("JP", "US")),
           ("Cu", "CU-BERRY", "7404000030", "GB/T 38471-2023", "AS-TY-1", ("JP", "MY")))


def licences(code: str, start: date, n: int) -> list[dict[str, Any]]:
    if code not in LICENSED:
        return []
    kind, capacity = LICENSED[code]
    return [{"number": f"GZ-HW-{start.year}-{n:03d}", "kind": kind, "categories": ["HW31"],
             "capacity_t_per_year": str(capacity),
             "valid_from": (start - timedelta(days=60)).isoformat(),
             "valid_to": date(start.year + 5, 12, 31).isoformat()}]


def import_week(demo: Demo, monday: datetime, week: int) -> None:
    """Every fourth week, one container of each metal clears customs and goes on by rail."""
    if week % 4:
        return
    rng = demo.rng
    for metal, grade, commodity, standard, smelter, countries in IMPORTS:
        country = countries[(week // 4) % 2]
        demo.declarations += 1
        declaration = f"5316{monday:%Y}1{demo.declarations:09d}"
        rec = demo.record(IMPORTER, monday + timedelta(hours=3), [{
            "type": "import", "metal": metal, "grade": grade, "origin": "post_consumer",
            "mass_kg": demo.kg(18_000, 24_000), "country": country,
            "declaration": declaration, "commodity_code": commodity, "standard": standard,
            "inspection": {"method": "sensory, XRF, radiation", "passed": True,
                           "metal_pct": round(rng.uniform(90, 96), 1),
                           "inclusions_pct": round(rng.uniform(0.3, 1.5), 1),
                           "radiation_ok": True}}])[0]
        demo.record(IMPORTER, monday + timedelta(days=1), [{
            "type": "ship", "lots": rec.created_lots, "to_site": smelter,
            "transport": {"mode": rng.choice(("rail", "waterway")),
                          "distance_km": rng.randint(900, 1600), "vehicle": "集装箱"}}])


def indicator_months(demo: Demo, first: date, last: date) -> None:
    """The aluminium smelter's months from `first` to `last` (inclusive), as it recorded them."""
    rng = demo.rng
    actor = demo.actors["QN-LY-1"]
    month = date(first.year, first.month, 1)
    with demo.db.write() as s:
        while month <= last:
            liquid = rng.randint(1800, 2400) * 1000
            indicators.record_indicators(
                s, actor=actor, org_code="QN-LY", month=f"{month:%Y-%m}",
                liquid_al_kg=liquid,
                direct_alloyed_kg=liquid * rng.randint(86, 96) // 100,
                ac_kwh=liquid // 1000 * rng.randint(12_850, 13_300))
            month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
