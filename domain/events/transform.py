"""`transform` (sort, split, merge, pre-treat, bale): inputs become outputs, the rest is loss."""

from __future__ import annotations

from datetime import datetime

from domain import composition as comp
from domain.commands import Transform
from domain.errors import InvalidInput, RuleViolation
from domain.events.collect import check_grade
from domain.events.context import Ctx, LotState, SiteInfo, grams
from domain.events.plan import Plan


def plan_transform(ctx: Ctx, cmd: Transform, site: SiteInfo, taken: set[str]) -> Plan:
    inputs: list[tuple[LotState, int]] = []
    seen: set[int] = set()
    for i, item in enumerate(cmd.inputs):
        pointer = f"/inputs/{i}/lot"
        lot = ctx.held_lot(item.lot, pointer, site)
        if lot.id in seen:
            raise InvalidInput("a lot may appear only once among the inputs",
                               code="duplicate-lot", pointer=pointer)
        seen.add(lot.id)
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
        outputs.append((out, grade_code, default, grams(out.mass_kg)))

    total_in = sum(g for _, g in inputs)
    total_out = sum(g for *_, g in outputs)
    if total_out > total_in:
        raise RuleViolation(
            f"outputs ({total_out / 1000:.3f} kg) exceed inputs ({total_in / 1000:.3f} kg)",
            code="output-exceeds-input", pointer="/outputs")
    # An output of the inputs' single grade keeps their metal content (mass-weighted) when any
    # input was assayed; a new grade starts from its default.
    carried_ppm = None
    if len(input_grades) == 1 and any(lot.assay_ppm is not None for lot, _ in inputs):
        carried_ppm = (sum(lot.metal_ppm * g for lot, g in inputs) + total_in // 2) // total_in
    codes_out = [ctx.new_code(out.lot, f"/outputs/{i}/lot", taken)
                 for i, (out, *_) in enumerate(outputs)]

    def apply(seq: int, occurred_at: datetime) -> None:
        pooled = []
        for lot, want in inputs:
            taken_cells, rest = comp.take(lot.cells, want)
            pooled.append(taken_cells)
            lot.cells, lot.mass_g = rest, lot.mass_g - want
            if lot.mass_g == 0:
                lot.status = "consumed"
            ctx.save_lot(lot, seq=seq, role="in")
        shares, _loss = comp.distribute(comp.combine(pooled), [g for *_, g in outputs])
        for code, (_, grade, default, mass), cells in zip(codes_out, outputs, shares,
                                                          strict=True):
            ctx.create_lot(seq=seq, code=code, metal=metal, grade=grade, mass_g=mass,
                           cells=cells, site=site, default_ppm=default,
                           assay_ppm=carried_ppm if grade in input_grades else None)
        ctx.move(seq=seq, site_id=site.id, metal=metal, kind="loss", grams=total_in - total_out,
                 occurred_at=occurred_at)

    return Plan(apply=apply, created_lots=codes_out)
