"""`melt`: lots and primary metal are charged; the product lot carries their recycled content."""

from __future__ import annotations

from datetime import datetime

from domain import composition as comp
from domain.accounting import PPM, charge, metal_grams, product_cells
from domain.commands import Melt
from domain.errors import InvalidInput, RuleViolation
from domain.events.context import Ctx, LotState, SiteInfo, grams, melt_input_t, ppm
from domain.events.plan import Plan


def plan_melt(ctx: Ctx, cmd: Melt, site: SiteInfo, taken: set[str]) -> Plan:
    if site.org_kind != "smelter":
        raise RuleViolation("only smelters record melts", code="not-a-smelter", pointer="/site")
    if not cmd.inputs and not cmd.primary:
        raise InvalidInput("a melt needs inputs or primary metal", code="empty-melt",
                           pointer="/inputs")
    charged: list[tuple[LotState, int]] = []
    for i, item in enumerate(cmd.inputs):
        pointer = f"/inputs/{i}/lot"
        lot = ctx.held_lot(item.lot, pointer, site)
        if any(other.id == lot.id for other, _ in charged):
            raise InvalidInput("a lot may appear only once among the inputs",
                               code="duplicate-lot", pointer=pointer)
        if lot.metal != cmd.metal:
            raise InvalidInput(f"lot {lot.code} is {lot.metal}, the melt is {cmd.metal}",
                                code="metal-mismatch", pointer=pointer)
        want = grams(item.mass_kg)
        if want > lot.mass_g:
            raise RuleViolation(
                f"lot {lot.code} holds {lot.mass_g / 1000:.3f} kg, not {want / 1000:.3f} kg",
                code="insufficient-mass", pointer=f"/inputs/{i}/mass_kg")
        charged.append((lot, want))
    output = grams(cmd.output_mass_kg)
    total_in = sum(g for _, g in charged) + sum(grams(p.mass_kg) for p in cmd.primary)
    if output > total_in:
        raise RuleViolation(
            f"the product ({output / 1000:.3f} kg) exceeds the charge ({total_in / 1000:.3f} kg)",
            code="output-exceeds-input", pointer="/output_mass_kg")
    code = ctx.new_code(cmd.batch, "/batch", taken)
    site_provenance = ctx.provenance_of(site.region)

    def apply(seq: int, occurred_at: datetime) -> None:
        metal_by_cell: comp.Cells = {}
        for lot, want in charged:
            metal, rest = charge(lot.cells, want, lot.metal_ppm)
            metal_by_cell = comp.combine([metal_by_cell, metal])
            lot.cells, lot.mass_g = rest, lot.mass_g - want
            if lot.mass_g == 0:
                lot.status = "consumed"
            ctx.save_lot(lot, seq=seq, role="in")
            ctx.move(seq=seq, site_id=site.id, metal=cmd.metal, kind="charged", grams=want,
                     occurred_at=occurred_at)
        primary_key = ("primary", site_provenance, "traced")
        for p in cmd.primary:
            pct_ppm = ppm(p.metal_pct) if p.metal_pct is not None else PPM
            metal_by_cell = comp.combine([metal_by_cell,
                                          {primary_key: metal_grams(grams(p.mass_kg), pct_ppm)}])
        for (o, pv, e), g in sorted(metal_by_cell.items()):
            ctx.add(melt_input_t, {"event_seq": seq, "org_id": site.org_id, "metal": cmd.metal,
                                   "occurred_at": occurred_at, "origin": o, "provenance": pv,
                                   "evidence": e, "metal_g": g})
        ctx.create_lot(seq=seq, code=code, metal=cmd.metal, grade=cmd.product, mass_g=output,
                       cells=product_cells(metal_by_cell, output, site_provenance), site=site,
                       default_ppm=PPM, assay_ppm=PPM)
        ctx.move(seq=seq, site_id=site.id, metal=cmd.metal, kind="created", grams=output,
                 occurred_at=occurred_at)

    return Plan(apply=apply, created_lots=[code])
