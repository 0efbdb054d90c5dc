"""`collect` and `declare`: a new lot enters the platform at a site."""

from __future__ import annotations

from domain import catalogue, codes
from domain import lot_record as lr
from domain.commands import Collect, Declare
from domain.errors import DomainError, InvalidInput
from domain.events import hazardous
from domain.events.store import SiteInfo
from domain.events.units import grams
from domain.events.workspace import Workspace


def check_grade(metal: str, grade_code: str, pointer: str = "/grade") -> catalogue.Grade:
    grade = catalogue.grade(grade_code)
    if grade is None:
        raise InvalidInput(f"unknown grade '{grade_code}'", code="unknown-grade", pointer=pointer)
    if grade.metal != metal:
        raise InvalidInput(f"grade '{grade_code}' is {grade.metal}, not {metal}",
                           code="metal-mismatch", pointer=pointer)
    return grade


def plan_collect(ws: Workspace, cmd: Collect | Declare, site: SiteInfo, seq: int) -> list[str]:
    grade = check_grade(cmd.metal, cmd.grade)
    mass = grams(cmd.mass_kg)
    if cmd.gross_kg is not None and cmd.tare_kg is not None \
            and grams(cmd.gross_kg) - grams(cmd.tare_kg) != mass:
        raise InvalidInput("mass_kg must equal gross_kg − tare_kg", code="gross-tare-mismatch",
                           pointer="/mass_kg")
    region = site.region
    evidence = "traced"
    if isinstance(cmd, Declare):
        evidence = "declared"
        supplier = cmd.supplier
        if supplier is not None and supplier.uscc:
            try:
                codes.normalize_uscc(supplier.uscc)
            except DomainError as exc:
                exc.pointer = "/supplier/uscc"
                raise
        if supplier is not None and supplier.region:
            region = supplier.region
    hazardous.require_licence(ws, site, [grade.code], cmd.occurred_at, "/grade", seq=seq,
                              intake_g=mass)
    code = ws.new_code(cmd.lot, "/lot", site=site)
    provenance = ws.provenance_of(region)
    ws.edge(seq=seq, parent=None, child=code, kind=cmd.type, grams=mass, origin=cmd.origin,
            provenance=provenance, evidence=evidence, region=region)
    lot = lr.create(code=code, metal=cmd.metal, grade=grade.code, mass_g=mass,
                    cells={(cmd.origin, provenance, evidence, ""): mass},
                    org_id=site.org_id, site_id=site.id, default_ppm=grade.default_ppm,
                    assay_ppm=None, seq=seq, at=cmd.occurred_at)
    ws.put(None, lot, seq=seq, role="out")
    ws.move(seq=seq, site_id=site.id, metal=cmd.metal, kind="created", grams=mass,
            at=cmd.occurred_at)
    return [code]
