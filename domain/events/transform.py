"""`transform` (sort, split, merge, pre-treat, bale): inputs become outputs, the rest is loss."""

from __future__ import annotations

from domain import composition as comp
from domain import lot_record as lr
from domain.commands import Transform
from domain.errors import InvalidInput, RuleViolation
from domain.events import hazardous
from domain.events.collect import check_grade
from domain.events.store import SiteInfo
from domain.events.units import grams
from domain.events.workspace import Workspace
from domain.lot_record import LotRecord


def plan_transform(ws: Workspace, cmd: Transform, site: SiteInfo, seq: int) -> list[str]:
    at = cmd.occurred_at
    inputs: list[tuple[LotRecord, int]] = []
    seen: set[str] = set()
    for i, item in enumerate(cmd.inputs):
        pointer = f"/inputs/{i}/lot"
        lot = ws.held_lot(item.lot, pointer, site, at)
        if lot.code in seen:
            raise InvalidInput("a lot may appear only once among the inputs",
                               code="duplicate-lot", pointer=pointer)
        seen.add(lot.code)
        want = lot.mass_g if item.mass_kg is None else grams(item.mass_kg)
        if want > lot.mass_g:
            raise RuleViolation(
                f"lot {lot.code} holds {lot.mass_g / 1000:.3f} kg, not {want / 1000:.3f} kg",
                code="insufficient-mass", pointer=f"/inputs/{i}/mass_kg")
        if inputs and lot.metal != inputs[0][0].metal:
            raise InvalidInput("all inputs of a transformation must be of one metal",
                               code="metal-mismatch", pointer=pointer)
        inputs.append((lot, want))
    metal = inputs[0][0].metal
    input_grades = {lot.grade for lot, _ in inputs}

    outputs = []
    for i, out in enumerate(cmd.outputs):
        if out.metal is not None and out.metal != metal:
            raise InvalidInput(f"a transformation of {metal} cannot yield {out.metal}",
                               code="metal-mismatch", pointer=f"/outputs/{i}/metal")
        if out.grade is None and len(input_grades) > 1:
            raise InvalidInput("the inputs have different grades: name the output's grade",
                               code="grade-required", pointer=f"/outputs/{i}/grade")
        grade_code = out.grade if out.grade is not None else next(iter(input_grades))
        if grade_code in input_grades:  # an input's grade (a catalogue grade or a product)
            default = next(lot.default_ppm for lot, _ in inputs if lot.grade == grade_code)
        else:
            default = check_grade(metal, grade_code, f"/outputs/{i}/grade").default_ppm
        outputs.append((grade_code, default, grams(out.mass_kg)))

    hazardous.require_licence(ws, site, [*input_grades, *(g for g, _, _ in outputs)], at,
                              "/inputs")
    total_in = sum(g for _, g in inputs)
    total_out = sum(g for *_, g in outputs)
    if total_out > total_in:
        raise RuleViolation(
            f"outputs ({total_out / 1000:.3f} kg) exceed inputs ({total_in / 1000:.3f} kg)",
            code="output-exceeds-input", pointer="/outputs")
    # An output of the inputs' single grade keeps their metal content (mass-weighted) when any
    # input was assayed; a new grade starts from its default.
    carried = None
    if len(input_grades) == 1 and any(lot.assay_ppm is not None for lot, _ in inputs):
        carried = (sum(lot.metal_ppm * g for lot, g in inputs) + total_in // 2) // total_in
    new_codes = [ws.new_code(out.lot, f"/outputs/{i}/lot") for i, out in enumerate(cmd.outputs)]

    pooled = []
    for lot, want in inputs:
        after, taken = lr.spend(lot, want, seq=seq, at=at)
        pooled.append(taken)
        ws.put(lot, after, seq=seq, role="in")
    shares, _loss = comp.allocate(comp.combine(pooled), [g for *_, g in outputs])
    for code, (grade, default, mass), cells in zip(new_codes, outputs, shares, strict=True):
        ws.put(None, lr.create(code=code, metal=metal, grade=grade, mass_g=mass, cells=cells,
                               org_id=site.org_id, site_id=site.id, default_ppm=default,
                               assay_ppm=carried if grade in input_grades else None, seq=seq,
                               at=at), seq=seq, role="out")
    for code, (_, _, mass) in zip(new_codes, outputs, strict=True):
        # Each input's share of this output: the output's mass split over the inputs' masses.
        for (lot, _), part in zip(inputs, comp.largest_remainder(mass, [g for _, g in inputs]),
                                  strict=True):
            ws.edge(seq=seq, parent=lot.code, child=code, kind="transform", grams=part)
    ws.move(seq=seq, site_id=site.id, metal=metal, kind="loss", grams=total_in - total_out, at=at)
    return new_codes
