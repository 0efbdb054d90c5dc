"""Lots: one lot's card and filtered, paginated lists."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import ActorDep, CursorQuery, DbDep, decode_cursor, encode_cursor
from api.schemas import Cell, Custodian, LotRead, Page
from domain import codes
from domain.accounting import PPM
from domain.composition import provenance_parts, provenance_region
from domain.lots import LotView, get_lot, list_lots

router = APIRouter(tags=["lots"])


def lot_read(v: LotView) -> LotRead:
    lot = v.lot
    return LotRead(
        code=lot.code, label=codes.format_lot_code(lot.code), metal=lot.metal, grade=lot.grade,
        status=lot.status,  # type: ignore[arg-type]
        mass_kg=lot.mass_g / 1000, metal_fraction=lot.metal_ppm / PPM,
        assayed=lot.assay_ppm is not None,
        custodian=Custodian(org=v.org_code, site=v.site_code), destination=v.dest_site_code,
        cells=[_cell(o, p, e, m, g) for (o, p, e, m), g in sorted(lot.cells.items())])


def _cell(origin: str, provenance: str, evidence: str, melted_by: str, grams: int) -> Cell:
    kind, country = provenance_parts(provenance)
    return Cell(origin=origin, provenance=kind, evidence=evidence, mass_kg=grams / 1000,
                melted_by=melted_by or None, country=country,
                region=provenance_region(provenance))


@router.get("/lots/{code}", response_model=LotRead, summary="One lot")
def read_lot(code: str, actor: ActorDep, db: DbDep) -> LotRead:
    """Any case, hyphens optional. A mistyped code answers 422 `invalid-lot-code`; a lot the
    caller may not see answers 404 as if it did not exist."""
    with db.read() as s:
        return lot_read(get_lot(s, actor=actor, code=code))


@router.get("/lots", response_model=Page[LotRead], summary="List lots")
def read_lots(actor: ActorDep, db: DbDep,
              site: Annotated[str | None, Query(max_length=32)] = None,
              status: Annotated[str | None, Query(
                  pattern="^(active|in_transit|consumed|void)$")] = None,
              metal: Annotated[str | None, Query(pattern="^(Al|Cu|Pb)$")] = None,
              cursor: CursorQuery = None,
              limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> Page[LotRead]:
    """Lots the caller holds, has held or was sent (auditors: all), oldest first."""
    with db.read() as s:
        rows = list_lots(s, actor=actor, site=site, status=status, metal=metal,
                         after_id=decode_cursor(cursor), limit=limit)
    nxt = encode_cursor(rows[-1].lot.id or 0) if len(rows) == limit else None
    return Page[LotRead](items=[lot_read(v) for v in rows], next_cursor=nxt)
