"""Demo data for the desk screens' browser tests, recorded through the API as the demo users."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any
from uuid import uuid4

import httpx


class DemoApi:
    """The demo users' HTTP calls; events are stamped a minute apart, ending now."""

    def __init__(self, url: str) -> None:
        self.http = httpx.Client(base_url=url + "/api/v1", timeout=30)
        self.tokens: dict[str, str] = {}
        self.clock = datetime.now(timezone(timedelta(hours=8))) - timedelta(hours=3)

    def headers(self, user: str) -> dict[str, str]:
        if user not in self.tokens:
            r = self.http.post("/auth/token", json={"username": user, "password": "demo-pass"})
            self.tokens[user] = r.json()["access_token"]
        return {"Authorization": f"Bearer {self.tokens[user]}"}

    def get(self, user: str, path: str, **params: Any) -> Any:
        r = self.http.get(path, params=params, headers=self.headers(user))
        assert r.status_code == 200, r.text
        return r.json()

    def event(self, user: str, site: str, body: dict[str, Any]) -> dict[str, Any]:
        self.clock += timedelta(minutes=1)
        r = self.http.post("/events", headers=self.headers(user), json={
            "id": str(uuid4()), "occurred_at": self.clock.isoformat(timespec="seconds"),
            "site": site, **body})
        assert r.status_code == 201, r.text
        return dict(r.json())

    def collect(self, kg: float, origin: str = "post_consumer") -> str:
        return str(self.event("demo-collector", "GY-HS-1", {
            "type": "collect", "metal": "Al", "grade": "AL-TALC", "origin": origin,
            "mass_kg": kg, "source": {"kind": "household"}})["created_lots"][0])

    def to_smelter(self, lot: str, kg: float) -> None:
        """Collector → sorter → smelter's site, in transit there."""
        self.event("demo-collector", "GY-HS-1", {"type": "ship", "lots": [lot],
                                                  "to_site": "GY-FJ-1"})
        self.event("demo-sorter", "GY-FJ-1", {"type": "receive",
                                               "lots": [{"lot": lot, "mass_kg": kg}]})
        self.event("demo-sorter", "GY-FJ-1", {"type": "ship", "lots": [lot],
                                               "to_site": "QN-LY-1"})

    def melted(self) -> str:
        """A lot taken to the smelter, weighed 40 kg light there (outside the 20 kg tolerance:
        a weight gap) and melted: answers the product lot's code."""
        lot = self.collect(640)
        self.to_smelter(lot, 640)
        self.event("demo-smelter", "QN-LY-1", {"type": "receive",
                                                "lots": [{"lot": lot, "mass_kg": 600}]})
        return str(self.event("demo-smelter", "QN-LY-1", {
            "type": "melt", "metal": "Al", "product": "ADC12", "output_mass_kg": 580,
            "inputs": [{"lot": lot, "mass_kg": 600}],
            "primary": [{"material": "A00", "mass_kg": 40}]})["created_lots"][0])

    def share(self) -> dict[str, Any]:
        year = datetime.now(timezone(timedelta(hours=8))).year
        rows = self.get("demo-auditor", "/reports/recycled-share", metal="Al",
                        producer="QN-LY", **{"from": f"{year}-01-01", "to": f"{year + 1}-01-01"})
        return dict(rows["producers"][0]) if rows["producers"] else {}
