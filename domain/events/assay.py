"""`assay`: a laboratory's metal content replaces the grade default for a lot."""

from __future__ import annotations

from datetime import datetime

from domain.commands import Assay
from domain.events.context import Ctx, SiteInfo, ppm
from domain.events.plan import Plan


def plan_assay(ctx: Ctx, cmd: Assay, site: SiteInfo, taken: set[str]) -> Plan:
    lot = ctx.held_lot(cmd.lot, "/lot", site)

    def apply(seq: int, occurred_at: datetime) -> None:
        lot.assay_ppm = ppm(cmd.metal_pct)
        ctx.save_lot(lot, seq=seq, role="assayed")

    return Plan(apply=apply)
