"""What every event handler shares: the transaction, the actor, cached sites, lot state I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, exists, insert, label, literal, or_, select, update
from sqlalchemy.orm import Session
from sqlmodel import col

from domain import codes
from domain import composition as comp
from domain.accounting import PPM
from domain.auth import Actor
from domain.errors import Conflict, Forbidden, NotFound, RuleViolation
from domain.labels import check_label_use
from domain.models import EventLot, LabelCode, Lot, LotAccess, MeltInput, Movement, Org, Site
from domain.settings import Settings

# SQLModel sets `__table__` on table classes at runtime but does not declare it for type checkers.
lot_t: Table = Lot.__table__  # type: ignore[attr-defined]
access_t: Table = LotAccess.__table__  # type: ignore[attr-defined]
event_lot_t: Table = EventLot.__table__  # type: ignore[attr-defined]
movement_t: Table = Movement.__table__  # type: ignore[attr-defined]
melt_input_t: Table = MeltInput.__table__  # type: ignore[attr-defined]
label_t: Table = LabelCode.__table__  # type: ignore[attr-defined]

# Statements built once: building and cache-keying a statement per call cost more than the
# database work of a capture.
LOT_FOR_UPDATE = select(lot_t).where(lot_t.c.code == bindparam("code")).with_for_update()
MAY_SEE = select(access_t.c.lot_id).where(access_t.c.lot_id == bindparam("lot_id"),
                                          access_t.c.org_id == bindparam("org_id"))
CODE_TAKEN = select(literal(1)).where(or_(
    exists().where(lot_t.c.code == bindparam("code")),
    exists().where(label_t.c.code == bindparam("code"))))
INSERT_LOT = insert(lot_t).returning(lot_t.c.id)
UPDATE_LOT = update(lot_t).where(lot_t.c.id == bindparam("b_id")).values(
    status=bindparam("b_status"), mass_g=bindparam("b_mass_g"),
    assay_ppm=bindparam("b_assay_ppm"), cells=bindparam("b_cells", type_=lot_t.c.cells.type),
    org_id=bindparam("b_org_id"), site_id=bindparam("b_site_id"),
    dest_site_id=bindparam("b_dest_site_id"), grade=bindparam("b_grade"),
    last_seq=bindparam("b_last_seq"))
SITE_BY_CODE = (select(col(Site.id), col(Site.code), col(Site.org_id), col(Site.region),
                      label("org_code", col(Org.code)), col(Org.kind))
                .join(Org, col(Org.id) == Site.org_id).where(col(Site.code) == bindparam("code")))
# Rows that nothing in the same transaction reads back until `flush()`: written together.
BUFFERED = (access_t, event_lot_t, movement_t, melt_input_t)


@dataclass(frozen=True)
class SiteInfo:
    id: int
    code: str
    org_id: int
    org_code: str
    org_kind: str
    region: str


@dataclass
class LotState:
    """A lot as loaded for change; `before` is its snapshot at load, for voids to restore."""

    id: int
    code: str
    metal: str
    grade: str
    status: str
    mass_g: int
    assay_ppm: int | None
    default_ppm: int
    cells: comp.Cells
    org_id: int
    site_id: int | None
    dest_site_id: int | None
    last_seq: int
    before: dict[str, Any] = field(default_factory=dict)

    @property
    def metal_ppm(self) -> int:
        return self.assay_ppm if self.assay_ppm is not None else self.default_ppm

    def snapshot(self) -> dict[str, Any]:
        return {"status": self.status, "mass_g": self.mass_g, "assay_ppm": self.assay_ppm,
                "cells": comp.to_json(self.cells), "org_id": self.org_id,
                "site_id": self.site_id, "dest_site_id": self.dest_site_id,
                "last_seq": self.last_seq, "grade": self.grade}


class Ctx:
    """One transaction's view for event handlers."""

    def __init__(self, session: Session, actor: Actor, settings: Settings) -> None:
        self.session = session
        self.conn = session.connection()
        self.actor = actor
        self.settings = settings
        self._sites: dict[str, SiteInfo] = {}
        self._buffer: dict[Table, list[dict[str, Any]]] = {t: [] for t in BUFFERED}

    # --- buffered rows -----------------------------------------------------------------------
    def add(self, table: Table, row: dict[str, Any]) -> None:
        """Insert `row` at the next `flush()` (one executemany per table)."""
        self._buffer[table].append(row)

    def flush(self) -> None:
        """Write the buffered rows; called before anything reads those tables, and at the end."""
        for table in BUFFERED:
            rows = self._buffer[table]
            if rows:
                self.conn.execute(insert(table), rows)
                rows.clear()

    # --- sites -------------------------------------------------------------------------------
    def site(self, code: str, pointer: str) -> SiteInfo:
        info = self._sites.get(code)
        if info is None:
            row = self.conn.execute(SITE_BY_CODE, {"code": code}).one_or_none()
            if row is None:
                raise NotFound(f"no site '{code}'", code="site-not-found", pointer=pointer)
            info = SiteInfo(row.id, row.code, row.org_id, row.org_code, row.kind, row.region)
            self._sites[code] = info
        return info

    def own_site(self, code: str) -> SiteInfo:
        info = self.site(code, "/site")
        if info.org_id != self.actor.org_id:
            raise Forbidden(f"site '{code}' belongs to another organisation",
                            code="not-your-site", pointer="/site")
        return info

    def provenance_of(self, region: str | None) -> str:
        home = self.settings.home_region
        return "in_province" if region and region.startswith(home) else "out_of_province"

    # --- lots --------------------------------------------------------------------------------
    def lot(self, ref: str, pointer: str) -> LotState:
        """Load and lock a lot the caller may see; others answer as if it did not exist."""
        try:
            code = codes.normalize_lot_code(ref)
        except Exception as exc:
            exc.pointer = pointer  # type: ignore[attr-defined]
            raise
        row = self.conn.execute(LOT_FOR_UPDATE, {"code": code}).mappings().one_or_none()
        if row is None or not self._may_see(row["id"], row["org_id"]):
            raise NotFound(f"no lot {codes.format_lot_code(code)}", code="lot-not-found",
                           pointer=pointer)
        state = LotState(
            id=row["id"], code=row["code"], metal=row["metal"], grade=row["grade"],
            status=row["status"], mass_g=row["mass_g"], assay_ppm=row["assay_ppm"],
            default_ppm=row["default_ppm"], cells=comp.from_json(row["cells"]),
            org_id=row["org_id"], site_id=row["site_id"], dest_site_id=row["dest_site_id"],
            last_seq=row["last_seq"])
        state.before = state.snapshot()
        return state

    def _may_see(self, lot_id: int, org_id: int) -> bool:
        if org_id == self.actor.org_id:
            return True
        self.flush()
        return self.conn.execute(MAY_SEE, {"lot_id": lot_id, "org_id": self.actor.org_id}) \
            .first() is not None

    def held_lot(self, ref: str, pointer: str, site: SiteInfo) -> LotState:
        """A lot the caller's organisation holds, active, at `site`."""
        lot = self.lot(ref, pointer)
        label = codes.format_lot_code(lot.code)
        if lot.status != "active":
            raise RuleViolation(f"lot {label} is {lot.status.replace('_', ' ')}",
                                code="lot-not-active", pointer=pointer)
        if lot.org_id != self.actor.org_id:
            raise RuleViolation(f"lot {label} is held by another organisation",
                                code="not-custodian", pointer=pointer)
        if lot.site_id != site.id:
            raise RuleViolation(f"lot {label} is not at site {site.code}",
                                code="lot-not-at-site", pointer=pointer)
        return lot

    def new_code(self, ref: str | None, pointer: str, taken: set[str],
                 site: SiteInfo | None = None) -> str:
        """A code for a new lot: the client's pre-printed one if unused, else a fresh one.

        `site` is given by collect and declare only: a pre-allocated label code is theirs to
        use, once, at the site it was allocated to; every other event is refused it.
        """
        if ref is not None:
            try:
                code = codes.normalize_lot_code(ref)
            except Exception as exc:
                exc.pointer = pointer  # type: ignore[attr-defined]
                raise
            if code in taken or self._lot_exists(code):
                raise Conflict(f"lot code {codes.format_lot_code(code)} is already in use",
                               code="lot-code-taken", pointer=pointer)
            check_label_use(self.session, code, site.id if site else None, pointer)
        else:
            code = codes.new_lot_code()
            while code in taken or self._code_taken(code):
                code = codes.new_lot_code()
        taken.add(code)
        return code

    def _lot_exists(self, code: str) -> bool:
        return self.conn.execute(select(lot_t.c.id).where(lot_t.c.code == code)).first() \
            is not None

    def _code_taken(self, code: str) -> bool:
        """A lot has the code, or it is reserved for a pre-printed label."""
        return self.conn.execute(CODE_TAKEN, {"code": code}).first() is not None

    def create_lot(self, *, seq: int, code: str, metal: str, grade: str, mass_g: int,
                   cells: comp.Cells, site: SiteInfo, default_ppm: int,
                   assay_ppm: int | None = None) -> int:
        lot_id: int = self.conn.execute(INSERT_LOT, {
            "code": code, "metal": metal, "grade": grade, "status": "active", "mass_g": mass_g,
            "assay_ppm": assay_ppm, "default_ppm": default_ppm, "cells": comp.to_json(cells),
            "org_id": site.org_id, "site_id": site.id, "dest_site_id": None,
            "created_seq": seq, "last_seq": seq}).scalar_one()
        # A new lot has no access rows yet: no need to look before inserting.
        self.add(access_t, {"lot_id": lot_id, "org_id": site.org_id})
        self.add(event_lot_t, {"event_seq": seq, "lot_id": lot_id, "role": "out", "before": None})
        return lot_id

    def save_lot(self, lot: LotState, *, seq: int, role: str) -> None:
        """Write a changed lot and remember its state before this event."""
        if sum(lot.cells.values()) != lot.mass_g:
            raise AssertionError(f"cells of {lot.code} do not add up to its mass")
        self.conn.execute(UPDATE_LOT, {
            "b_id": lot.id, "b_status": lot.status, "b_mass_g": lot.mass_g,
            "b_assay_ppm": lot.assay_ppm, "b_cells": comp.to_json(lot.cells),
            "b_org_id": lot.org_id, "b_site_id": lot.site_id,
            "b_dest_site_id": lot.dest_site_id, "b_grade": lot.grade, "b_last_seq": seq})
        self.add(event_lot_t, {"event_seq": seq, "lot_id": lot.id, "role": role,
                               "before": lot.before})

    def grant(self, lot_id: int, org_id: int) -> None:
        self.flush()
        if self.conn.execute(MAY_SEE, {"lot_id": lot_id, "org_id": org_id}).first() is None:
            self.add(access_t, {"lot_id": lot_id, "org_id": org_id})

    # --- ledgers -----------------------------------------------------------------------------
    def move(self, *, seq: int, site_id: int, metal: str, kind: str, grams: int,
             occurred_at: datetime) -> None:
        if grams:
            self.add(movement_t, {"event_seq": seq, "site_id": site_id, "metal": metal,
                                  "kind": kind, "grams": grams, "occurred_at": occurred_at})


def grams(kg: Any) -> int:
    """Kilograms (a Decimal with at most 3 decimals) to integer grams, exactly."""
    return int(kg * 1000)


def ppm(pct: Any) -> int:
    """Percent (at most 4 decimals) to parts per million, exactly."""
    return int(pct * PPM / 100)
