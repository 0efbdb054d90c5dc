"""Reading lots, with object-level authorisation (an organisation sees only its lots)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import RowMapping, Select, Table, bindparam, select
from sqlalchemy.orm import Session
from sqlmodel import col

from domain import codes
from domain.auth import Actor
from domain.errors import InvalidInput, NotFound
from domain.lot_record import LotRecord, from_row
from domain.models import Lot, Org, Site
from domain.visibility import lot_seen_by

LOT_STATUSES = ("active", "in_transit", "consumed", "void")


@dataclass(frozen=True)
class LotView:
    """A lot as a reader sees it: its record, and the codes of its holder and destination."""

    lot: LotRecord
    org_code: str
    site_code: str | None
    dest_site_code: str | None


_lot: Table = Lot.__table__  # type: ignore[attr-defined]
_org: Table = Org.__table__  # type: ignore[attr-defined]
_site = Site.__table__.alias("site")  # type: ignore[attr-defined]
_dest = Site.__table__.alias("dest")  # type: ignore[attr-defined]

# Core statements built once: a lot card is read far more often than anything else.
_BASE = (select(_lot, _org.c.code.label("org_code"), _site.c.code.label("site_code"),
                _dest.c.code.label("dest_code"))
         .select_from(_lot.join(_org, _org.c.id == _lot.c.org_id)
                      .outerjoin(_site, _site.c.id == _lot.c.site_id)
                      .outerjoin(_dest, _dest.c.id == _lot.c.dest_site_id)))
_SEEN_BY_ORG = lot_seen_by(_lot.c.id, bindparam("org_id"))
_BY_CODE = _BASE.where(_lot.c.code == bindparam("code"))
_BY_CODE_FOR_ORG = _BY_CODE.where(_SEEN_BY_ORG)


def _visible(stmt: Select, actor: Actor) -> Select:  # type: ignore[type-arg]
    return stmt if actor.sees_everything else stmt.where(_SEEN_BY_ORG)


def _view(row: RowMapping) -> LotView:
    return LotView(lot=from_row(row), org_code=row["org_code"], site_code=row["site_code"],
                   dest_site_code=row["dest_code"])


def get_lot(session: Session, *, actor: Actor, code: str) -> LotView:
    canonical = codes.normalize_lot_code(code)
    stmt = _BY_CODE if actor.sees_everything else _BY_CODE_FOR_ORG
    row = session.execute(stmt, {"code": canonical, "org_id": actor.org_id}).mappings() \
        .one_or_none()
    if row is None:
        raise NotFound(f"no lot {codes.format_lot_code(canonical)}", code="lot-not-found")
    return _view(row)


def list_lots(session: Session, *, actor: Actor, site: str | None = None,
              status: str | None = None, metal: str | None = None, after_id: int = 0,
              limit: int = 100) -> list[LotView]:
    stmt = _visible(_BASE, actor).where(_lot.c.id > after_id)
    if site is not None:
        # Another organisation's site is answered as one that does not exist (DESIGN.md §4).
        stmt_site = select(col(Site.id)).where(col(Site.code) == site)
        if not actor.sees_everything:
            stmt_site = stmt_site.where(col(Site.org_id) == actor.org_id)
        site_id = session.execute(stmt_site).scalar()
        if site_id is None:
            raise NotFound(f"no site '{site}'", code="site-not-found")
        stmt = stmt.where(_lot.c.site_id == site_id)
    if status is not None:
        if status not in LOT_STATUSES:
            raise InvalidInput(f"unknown status '{status}'", pointer="/status")
        stmt = stmt.where(_lot.c.status == status)
    if metal is not None:
        stmt = stmt.where(_lot.c.metal == metal)
    rows = session.execute(stmt.order_by(_lot.c.id).limit(limit),
                           {"org_id": actor.org_id}).mappings()
    return [_view(r) for r in rows]
