"""POST /events?dry_run=1: what would be recorded, through the same write path, writing nothing."""

from __future__ import annotations

import random
from fractions import Fraction as F

from domain.codes import new_lot_code
from tests.factories import snapshot

D = 1_650_640  # metal grams: 880 + 475 + 176 + 119.64 kg
PERIOD = {"metal": "Al", "from": "2026-01-01", "to": "2027-01-01"}


def _melt(api):
    w = api.world
    post = w.collect("S", 1000, grade="AL-TALC", origin="post_consumer")
    pre = w.collect("S", 500, grade="AL-TABOO", origin="pre_consumer")
    declared = w.declare("S", 200)
    batch = new_lot_code(random.Random(13))
    return batch, w.body("melt", "S-S1", metal="Al", product="ADC12", batch=batch,
                         output_mass_kg=1500,
                         inputs=[{"lot": post, "mass_kg": 1000}, {"lot": pre, "mass_kg": 500},
                                 {"lot": declared, "mass_kg": 200}],
                         primary=[{"material": "A00", "mass_kg": 120, "metal_pct": 99.7}])


def test_a_dry_run_answers_the_melt_and_writes_nothing(api):
    batch, melt = _melt(api)
    api.as_("S"), api.as_("AGENCY")  # log in first: a token is a row too
    before = snapshot(api.world.db)
    r = api.client.post("/api/v1/events", params={"dry_run": 1}, json=melt, headers=api.as_("S"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert snapshot(api.world.db) == before
    assert body["dry_run"] is True
    assert [e["created_lots"] for e in body["events"]] == [[batch]]
    [preview] = body["melts"]
    # Talc and Taboo default to 0.88 and 0.95 (seed/grades); the declared lot is Talc too.
    assert preview == {
        "event": melt["id"],
        "cells": [
            {"origin": "post_consumer", "provenance": "in_province", "country": None,
             "evidence": "declared", "metal_kg": 176.0, "rework": False},
            {"origin": "post_consumer", "provenance": "in_province", "country": None,
             "evidence": "traced", "metal_kg": 880.0, "rework": False},
            {"origin": "pre_consumer", "provenance": "in_province", "country": None,
             "evidence": "traced", "metal_kg": 475.0, "rework": False},
            {"origin": "primary", "provenance": "in_province", "country": None,
             "evidence": "traced", "metal_kg": 119.64, "rework": False}],
        "post_consumer_kg": 880.0, "pre_consumer_kg": 475.0, "declared_kg": 176.0,
        "primary_kg": 119.64, "home_scrap_kg": 0.0, "rework_kg": 0.0,
        "recycled_share": float(F(1355_000, D)), "post_consumer_share": float(F(880_000, D)),
        "pre_consumer_share": float(F(475_000, D)), "claimed_share": float(F(1531_000, D)),
        "recycled_pct": 82.09, "claimed_pct": 92.75, "post_consumer_pct": 53.31,
        "pre_consumer_pct": 28.78}
    assert api.get("S", f"/lots/{batch}").status_code == 404


def test_the_preview_equals_what_is_then_recorded(api):
    batch, melt = _melt(api)
    preview = api.client.post("/api/v1/events?dry_run=1", json=melt,
                              headers=api.as_("S")).json()
    stored = api.post("S", "/events", melt)
    assert stored.status_code == 201
    [lot] = preview["lots"]
    assert api.get("S", f"/lots/{batch}").json() == lot
    assert lot["mass_kg"] == 1500.0 and len(lot["cells"]) == 4
    [event] = preview["events"]
    # Only the log position and the recording time are the real write's own.
    assert {k: v for k, v in stored.json().items() if k not in ("seq", "recorded_at")} == \
        {k: v for k, v in event.items() if k not in ("seq", "recorded_at")}
    [row] = api.get("S", "/reports/recycled-share", **PERIOD).json()["producers"]
    [m] = preview["melts"]
    assert {k: row[k] for k in m if k in row} == {k: m[k] for k in m if k in row}
    assert len([k for k in m if k in row]) == 14


def test_a_refused_dry_run_answers_the_real_problem_and_writes_nothing(api):
    _, melt = _melt(api)
    melt["inputs"][0]["mass_kg"] = 1000.001
    api.as_("S"), api.as_("AGENCY")  # log in first: a token is a row too
    before = snapshot(api.world.db)
    r = api.client.post("/api/v1/events?dry_run=1", json=melt, headers=api.as_("S"))
    assert (r.status_code, r.json()["code"], r.json()["pointer"]) == (
        409, "insufficient-mass", "/inputs/0/mass_kg")
    assert snapshot(api.world.db) == before
    r = api.client.post("/api/v1/events?dry_run=1", json=melt, headers=api.as_("AGENCY"))
    assert r.status_code == 403
