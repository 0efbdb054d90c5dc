"""`collect` and `declare`: a new lot enters the platform at a site."""

from __future__ import annotations

from datetime import datetime

from domain import catalogue, codes
from domain.commands import Collect, Declare
from domain.errors import InvalidInput
from domain.events.context import Ctx, SiteInfo, grams
from domain.events.plan import Plan


def check_grade(metal: str, grade_code: str, pointer: str = "/grade") -> catalogue.Grade:
    grade = catalogue.grade(grade_code)
    if grade is None:
        raise InvalidInput(f"unknown grade '{grade_code}'", code="unknown-grade", pointer=pointer)
    if grade.metal != metal:
        raise InvalidInput(f"grade '{grade_code}' is {grade.metal}, not {metal}",
                           code="metal-mismatch", pointer=pointer)
    return grade


def plan_collect(ctx: Ctx, cmd: Collect | Declare, site: SiteInfo, taken: set[str]) -> Plan:
    grade = check_grade(cmd.metal, cmd.grade)
    mass = grams(cmd.mass_kg)
    if cmd.gross_kg is not None and cmd.tare_kg is not None \
            and grams(cmd.gross_kg) - grams(cmd.tare_kg) != mass:
        raise InvalidInput("mass_kg must equal gross_kg − tare_kg", code="gross-tare-mismatch",
                           pointer="/mass_kg")
    if isinstance(cmd, Declare):
        evidence = "declared"
        supplier = cmd.supplier
        if supplier is not None and supplier.uscc:
            try:
                codes.normalize_uscc(supplier.uscc)
            except Exception as exc:
                exc.pointer = "/supplier/uscc"  # type: ignore[attr-defined]
                raise
        region = supplier.region if supplier and supplier.region else site.region
    else:
        evidence = "traced"
        region = site.region
    cell = (cmd.origin, ctx.provenance_of(region), evidence)
    code = ctx.new_code(cmd.lot, "/lot", taken, site=site)

    def apply(seq: int, occurred_at: datetime) -> None:
        ctx.create_lot(seq=seq, code=code, metal=cmd.metal, grade=grade.code, mass_g=mass,
                       cells={cell: mass}, site=site, default_ppm=grade.default_ppm)
        ctx.move(seq=seq, site_id=site.id, metal=cmd.metal, kind="created", grams=mass,
                 occurred_at=occurred_at)

    return Plan(apply=apply, created_lots=[code])
