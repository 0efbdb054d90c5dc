"""`assay`: a laboratory's metal content replaces the grade default for a lot."""

from __future__ import annotations

from domain import lot_record as lr
from domain.commands import Assay
from domain.events.store import SiteInfo
from domain.events.units import ppm
from domain.events.workspace import Workspace


def plan_assay(ws: Workspace, cmd: Assay, site: SiteInfo, seq: int) -> list[str]:
    lot = ws.held_lot(cmd.lot, "/lot", site, cmd.occurred_at)
    ws.put(lot, lr.assay(lot, ppm(cmd.metal_pct), seq=seq, at=cmd.occurred_at), seq=seq,
           role="assayed")
    return []
