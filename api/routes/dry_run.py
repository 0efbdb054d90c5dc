"""`POST /events?dry_run=1`: what the events would record, answered and rolled back."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson
from fastapi import Response

from api.routes.lots import lot_read
from domain.accounting import percent
from domain.auth import Actor
from domain.composition import provenance_parts
from domain.db import Database
from domain.events.capture import Recorded
from domain.events.rehearsal import MeltPreview, rehearse_events
from domain.quotas import check_lots_per_request
from domain.settings import Settings


def _kg(g: int) -> float:
    return g / 1000


def _share(x: object) -> float | None:
    return None if x is None else float(x)  # type: ignore[arg-type]


def melt_json(m: MeltPreview) -> dict[str, Any]:
    t = m.inputs
    return {
        "event": m.event_id,
        "cells": [{"origin": c.origin, "provenance": provenance_parts(c.provenance)[0],
                   "country": provenance_parts(c.provenance)[1], "evidence": c.evidence,
                   "metal_kg": _kg(c.metal_g), "rework": c.rework} for c in m.cells],
        "post_consumer_kg": _kg(t.post_consumer), "pre_consumer_kg": _kg(t.pre_consumer),
        "declared_kg": _kg(t.declared), "primary_kg": _kg(t.primary),
        "home_scrap_kg": _kg(t.home_scrap), "rework_kg": _kg(t.rework),
        "recycled_share": _share(t.recycled_share),
        "post_consumer_share": _share(t.post_consumer_share),
        "pre_consumer_share": _share(t.pre_consumer_share),
        "claimed_share": _share(t.claimed_share),
        "recycled_pct": percent(t.recycled_share), "claimed_pct": percent(t.claimed_share),
        "post_consumer_pct": percent(t.post_consumer_share),
        "pre_consumer_pct": percent(t.pre_consumer_share)}


def dry_run(db: Database, actor: Actor, settings: Settings, commands: list[Any],
            is_batch: bool, event_json: Callable[[Recorded], dict[str, Any]]) -> Response:
    """Rehearse `commands` and render what they would record (events as a real answer)."""
    check_lots_per_request(commands, settings.max_lots_per_request)
    with db.rehearse() as s:
        done = rehearse_events(s, actor=actor, settings=settings, events=commands,
                               batch=is_batch)
        lots = [lot_read(v).model_dump(mode="json") for v in done.lots]
    body = {"dry_run": True, "events": [{**event_json(r), "replay": r.replay}
                                        for r in done.recorded],
            "lots": lots, "melts": [melt_json(m) for m in done.melts]}
    return Response(orjson.dumps(body), status_code=200, media_type="application/json")
