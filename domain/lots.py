"""Reading lots, with object-level authorisation (an organisation sees only its lots)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, exists, label, select
from sqlalchemy.orm import Session, aliased
from sqlmodel import col

from domain import codes
from domain import composition as comp
from domain.auth import Actor
from domain.errors import InvalidInput, NotFound
from domain.models import Lot, LotAccess, Org, Site

LOT_STATUSES = ("active", "in_transit", "consumed", "void")


@dataclass(frozen=True)
class LotView:
    id: int
    code: str
    metal: str
    grade: str
    status: str
    mass_g: int
    metal_ppm: int
    assayed: bool
    org_code: str
    site_code: str | None
    dest_site_code: str | None
    cells: comp.Cells


def _visible(stmt: Select, actor: Actor) -> Select:  # type: ignore[type-arg]
    if actor.sees_everything:
        return stmt
    return stmt.where(exists().where(col(LotAccess.lot_id) == Lot.id,
                                     col(LotAccess.org_id) == actor.org_id))


def _select() -> Select:  # type: ignore[type-arg]
    site = aliased(Site)
    dest = aliased(Site)
    return (select(Lot, label("org_code", col(Org.code)), label("site_code", col(site.code)),
                   label("dest_code", col(dest.code)))
            .join(Org, col(Org.id) == Lot.org_id)
            .outerjoin(site, col(site.id) == Lot.site_id)
            .outerjoin(dest, col(dest.id) == Lot.dest_site_id))


def _view(row: object) -> LotView:
    lot: Lot = row.Lot  # type: ignore[attr-defined]
    assert lot.id is not None
    return LotView(
        id=lot.id, code=lot.code, metal=lot.metal, grade=lot.grade, status=lot.status,
        mass_g=lot.mass_g, metal_ppm=lot.assay_ppm if lot.assay_ppm is not None else
        lot.default_ppm, assayed=lot.assay_ppm is not None, org_code=row.org_code,  # type: ignore[attr-defined]
        site_code=row.site_code, dest_site_code=row.dest_code,  # type: ignore[attr-defined]
        cells=comp.from_json(lot.cells))


def get_lot(session: Session, *, actor: Actor, code: str) -> LotView:
    canonical = codes.normalize_lot_code(code)
    row = session.execute(_visible(_select().where(col(Lot.code) == canonical), actor)).one_or_none()
    if row is None:
        raise NotFound(f"no lot {codes.format_lot_code(canonical)}", code="lot-not-found")
    return _view(row)


def list_lots(session: Session, *, actor: Actor, site: str | None = None,
              status: str | None = None, metal: str | None = None, after_id: int = 0,
              limit: int = 100) -> list[LotView]:
    stmt = _visible(_select(), actor).where(col(Lot.id) > after_id)
    if site is not None:
        site_id = session.execute(select(col(Site.id)).where(col(Site.code) == site)).scalar()
        if site_id is None:
            raise NotFound(f"no site '{site}'", code="site-not-found")
        stmt = stmt.where(col(Lot.site_id) == site_id)
    if status is not None:
        if status not in LOT_STATUSES:
            raise InvalidInput(f"unknown status '{status}'", pointer="/status")
        stmt = stmt.where(col(Lot.status) == status)
    if metal is not None:
        stmt = stmt.where(col(Lot.metal) == metal)
    return [_view(r) for r in session.execute(stmt.order_by(col(Lot.id)).limit(limit))]
