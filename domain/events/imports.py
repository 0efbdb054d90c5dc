"""`import`: recycled raw material cleared through customs enters the platform, if lawful."""

from __future__ import annotations

from sqlalchemy import bindparam, select

from domain import composition as comp
from domain import import_rules as rules
from domain import lot_record as lr
from domain.commands import Import
from domain.errors import Conflict, RuleViolation
from domain.events.collect import check_grade
from domain.events.store import SiteInfo, lock_key
from domain.events.units import grams, ppm
from domain.events.workspace import Workspace
from domain.models import ImportRecord

IMPORTERS = ("importer", "smelter")
record_t = ImportRecord.__table__  # type: ignore[attr-defined]
KINDS_ON = select(record_t.c.kind).where(record_t.c.declaration == bindparam("declaration"))


def plan_import(ws: Workspace, cmd: Import, site: SiteInfo, seq: int) -> list[str]:
    if site.org_kind not in IMPORTERS:
        raise RuleViolation("only importers and smelters record imports",
                            code="not-an-importer", pointer="/site")
    grade = check_grade(cmd.metal, cmd.grade)
    if cmd.metal == "Pb" or grade.hazardous:
        raise RuleViolation("lead scrap and waste batteries may not be imported (solid-waste "
                            "import ban)", code="import-banned",
                            pointer="/metal" if cmd.metal == "Pb" else "/grade")
    rules.check_country(cmd.country)
    rules.check_declaration(cmd.declaration)
    day = cmd.occurred_at.astimezone(ws.settings.tz).date()
    kind = rules.material_kind(cmd.commodity_code, cmd.metal, day)
    edition = rules.standard_edition(cmd.standard, kind, day)
    inspection = cmd.inspection
    rules.check_inspection(inspection.passed, inspection.radiation_ok,
                           {"metal_pct": inspection.metal_pct,
                            "inclusions_pct": inspection.inclusions_pct},
                           f"{edition.number}-{edition.edition}")
    planned = ws.pending.records.setdefault("import_record", [])
    lock_key(ws.conn, f"declaration:{cmd.declaration}")  # a racing import waits, then sees it
    kinds = {r["kind"] for r in planned if r["declaration"] == cmd.declaration}
    kinds |= set(ws.conn.execute(KINDS_ON, {"declaration": cmd.declaration}).scalars())
    if kinds - {kind}:
        other = rules.kinds()[sorted(kinds - {kind})[0]]
        raise Conflict(f"declaration {cmd.declaration} was cleared for {other.name_en}: one "
                       "material kind per declaration", code="declaration-kind-conflict",
                       pointer="/commodity_code")
    mass = grams(cmd.mass_kg)
    code = ws.new_code(cmd.lot, "/lot")
    provenance = comp.imported_from(cmd.country)
    ws.edge(seq=seq, parent=None, child=code, kind="import", grams=mass, origin=cmd.origin,
            provenance=provenance, evidence="traced", region=cmd.country)
    lot = lr.create(code=code, metal=cmd.metal, grade=grade.code, mass_g=mass,
                    cells={(cmd.origin, provenance, "traced", ""): mass},
                    org_id=site.org_id, site_id=site.id, default_ppm=grade.default_ppm,
                    assay_ppm=None if inspection.metal_pct is None else ppm(inspection.metal_pct),
                    seq=seq, at=cmd.occurred_at)
    ws.put(None, lot, seq=seq, role="out")
    ws.move(seq=seq, site_id=site.id, metal=cmd.metal, kind="created", grams=mass,
            at=cmd.occurred_at)
    planned.append({"event_seq": seq, "declaration": cmd.declaration, "kind": kind,
                    "commodity_code": cmd.commodity_code,
                    "standard": f"{edition.number}-{edition.edition}", "country": cmd.country,
                    "org_id": site.org_id, "grams": mass, "occurred_at": cmd.occurred_at})
    return [code]
