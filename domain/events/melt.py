"""`melt`: lots and primary metal charged into a furnace; the product lot carries their metal."""

from __future__ import annotations

from domain import composition as comp
from domain import lot_record as lr
from domain.accounting import PPM, is_rework, metal_grams, product_cells
from domain.commands import Melt
from domain.errors import InvalidInput, RuleViolation
from domain.events.store import SiteInfo
from domain.events.units import grams, ppm
from domain.events.workspace import Workspace
from domain.lot_record import LotRecord


def plan_melt(ws: Workspace, cmd: Melt, site: SiteInfo, seq: int) -> list[str]:
    at = cmd.occurred_at
    if site.org_kind != "smelter":
        raise RuleViolation("only smelters record melts", code="not-a-smelter", pointer="/site")
    if not cmd.inputs and not cmd.primary:
        raise InvalidInput("a melt needs inputs or primary metal", code="empty-melt",
                           pointer="/inputs")
    charged: list[tuple[LotRecord, int]] = []
    seen: set[str] = set()
    for i, item in enumerate(cmd.inputs):
        pointer = f"/inputs/{i}/lot"
        lot = ws.held_lot(item.lot, pointer, site, at)
        if lot.code in seen:
            raise InvalidInput("a lot may appear only once among the inputs",
                               code="duplicate-lot", pointer=pointer)
        seen.add(lot.code)
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
        raise InvalidInput(
            f"the product ({output / 1000:.3f} kg) weighs more than everything charged "
            f"({total_in / 1000:.3f} kg)", code="impossible-yield", pointer="/output_mass_kg")
    code = ws.new_code(cmd.batch, "/batch")
    provenance = ws.provenance_of(site.region)

    metal_by_cell: comp.Cells = {}
    material_by_cell: comp.Cells = {}
    for lot, want in charged:
        after, taken, metal = lr.charge(lot, want, seq=seq, at=at)
        material_by_cell = comp.combine([material_by_cell, taken])
        for key in taken:  # every charged cell is recorded, even at 0 g of metal
            metal_by_cell[key] = metal_by_cell.get(key, 0) + metal.get(key, 0)
        ws.put(lot, after, seq=seq, role="in")
        ws.edge(seq=seq, parent=lot.code, child=code, kind="melt", grams=want)
        ws.move(seq=seq, site_id=site.id, metal=cmd.metal, kind="charged", grams=want, at=at)
    primary_key = ("primary", provenance, "traced", "")
    for p in cmd.primary:
        mass = grams(p.mass_kg)
        metal_g = metal_grams(mass, ppm(p.metal_pct) if p.metal_pct is not None else PPM)
        metal_by_cell[primary_key] = metal_by_cell.get(primary_key, 0) + metal_g
        material_by_cell[primary_key] = material_by_cell.get(primary_key, 0) + mass
    if cmd.primary:
        ws.edge(seq=seq, parent=None, child=code, kind="primary",
                grams=sum(grams(p.mass_kg) for p in cmd.primary))
    for key, g in sorted(metal_by_cell.items()):
        o, pv, e, _ = key
        ws.pending.melt_input.append({
            "event_seq": seq, "org_id": site.org_id, "metal": cmd.metal, "occurred_at": at,
            "origin": o, "provenance": pv, "evidence": e, "metal_g": g,
            "rework": is_rework(key, site.org_code)})
    fraction = lr.product_ppm(sum(metal_by_cell.values()), output)
    product = lr.create(
        code=code, metal=cmd.metal, grade=cmd.product, mass_g=output,
        cells=product_cells(metal_by_cell, material_by_cell, output, producer=site.org_code,
                            site_provenance=provenance),
        org_id=site.org_id, site_id=site.id, default_ppm=fraction, assay_ppm=fraction, seq=seq,
        at=at)
    ws.put(None, product, seq=seq, role="out")
    ws.move(seq=seq, site_id=site.id, metal=cmd.metal, kind="produced", grams=output, at=at)
    ws.move(seq=seq, site_id=site.id, metal=cmd.metal, kind="primary",
            grams=sum(grams(p.mass_kg) for p in cmd.primary), at=at)
    return [code]
