"""A few realistic anomalies in the demo's last weeks, so that `demo-auditor` finds something:
a receipt far lighter than its shipment, a shipment never received, a backdated record."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from pydantic import TypeAdapter

from domain.commands import EventCommand
from domain.events.capture import record_events
from domain.findings.engine import sweep

if TYPE_CHECKING:
    from seed.demo import Demo

_command = TypeAdapter(EventCommand)


def _collect(demo: Demo, site: str, when: datetime, mass_kg: float) -> str:
    [rec] = demo.record(site, when, [{
        "type": "collect", "metal": "Al", "grade": "AL-TALC", "origin": "post_consumer",
        "mass_kg": mass_kg, "source": {"kind": "household"}}])
    return str(rec.created_lots[0])


def _ship(demo: Demo, site: str, when: datetime, lot: str, to: str) -> None:
    demo.record(site, when, [{"type": "ship", "lots": [lot], "to_site": to,
                              "transport": {"mode": "road_diesel", "distance_km": 60}}])


def add_anomalies(demo: Demo, monday: datetime) -> None:
    """Anomalies in the week starting `monday` (at least a week before today)."""
    # A weight gap: 612.4 kg shipped, 548.0 kg received (tolerance 20 kg).
    lot = _collect(demo, "GY-HS-1", monday + timedelta(hours=9), 612.4)
    _ship(demo, "GY-HS-1", monday + timedelta(hours=11), lot, "GY-FJ-1")
    demo.record("GY-FJ-1", monday + timedelta(hours=15),
                [{"type": "receive", "lots": [{"lot": lot, "mass_kg": 548.0}]}])
    # A stale transit: shipped, never received.
    lot = _collect(demo, "ZY-HS-1", monday + timedelta(hours=9), 385.6)
    _ship(demo, "ZY-HS-1", monday + timedelta(days=1, hours=10), lot, "ZY-FJ-1")
    # A backdated record: a collection entered five days after it occurred.
    occurred = monday + timedelta(days=1, hours=8)
    body: dict[str, Any] = {"id": demo.uid(), "type": "collect", "site": "BJ-HS-1",
                            "occurred_at": occurred.isoformat(), "metal": "Cu",
                            "grade": "CU-BIRCH", "origin": "post_consumer", "mass_kg": 230.5,
                            "source": {"kind": "business"}}
    with demo.db.write() as s:
        record_events(s, actor=demo.actors["BJ-HS-1"], settings=demo.settings,
                      events=[_command.validate_python(body)],
                      now=occurred + timedelta(days=5))
        sweep(s, settings=demo.settings)
    demo.events += 1
