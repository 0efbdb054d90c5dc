"""A lot's state and every change of it, as pure functions: no database, no I/O.

The capture path plans a batch with these functions and stores the records they return; the
void restores a record from the snapshot taken before the voided event. Each function answers a
new record and never changes the one it is given.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import Any

from domain import composition as comp
from domain.accounting import PPM, charge_metal
from domain.composition import CellKey, Cells


@dataclass(frozen=True, slots=True)
class LotRecord:
    """One lot: what it is, where it is, how much and what it is made of."""

    code: str
    metal: str
    grade: str
    status: str  # active, in_transit, consumed, void
    mass_g: int
    assay_ppm: int | None  # the latest assay, parts per million; None: the grade default counts
    default_ppm: int
    cells: Cells  # Σ grams = mass_g
    org_id: int  # the custodian (the sender while in transit)
    site_id: int | None  # None while in transit
    dest_site_id: int | None
    created_seq: int
    last_seq: int  # the latest event that changed the lot
    last_at: datetime | None  # when that event occurred: no later event may occur before it
    charged_gppm: int = 0  # Σ grams charged × ppm: the exact metal drawn by melts so far
    id: int | None = None  # None until stored

    @property
    def metal_ppm(self) -> int:
        return self.assay_ppm if self.assay_ppm is not None else self.default_ppm


FIELDS = tuple(f.name for f in fields(LotRecord))


def create(*, code: str, metal: str, grade: str, mass_g: int, cells: Cells, org_id: int,
           site_id: int, default_ppm: int, assay_ppm: int | None, seq: int,
           at: datetime) -> LotRecord:
    if comp.total(cells) != mass_g:
        raise ValueError(f"cells of {code} do not add up to its mass")
    return LotRecord(code=code, metal=metal, grade=grade, status="active", mass_g=mass_g,
                     assay_ppm=assay_ppm, default_ppm=default_ppm, cells=dict(cells),
                     org_id=org_id, site_id=site_id, dest_site_id=None, created_seq=seq,
                     last_seq=seq, last_at=at)


def from_row(row: Any) -> LotRecord:
    """A record from a `lot` row (a mapping of its columns)."""
    return LotRecord(
        id=row["id"], code=row["code"], metal=row["metal"], grade=row["grade"],
        status=row["status"], mass_g=row["mass_g"], assay_ppm=row["assay_ppm"],
        default_ppm=row["default_ppm"], cells=comp.from_json(row["cells"]),
        org_id=row["org_id"], site_id=row["site_id"], dest_site_id=row["dest_site_id"],
        created_seq=row["created_seq"], last_seq=row["last_seq"], last_at=row["last_at"],
        charged_gppm=row["charged_gppm"])


def _with(lot: LotRecord, **changes: Any) -> LotRecord:
    """A copy with some fields changed (what `dataclasses.replace` does, without its
    introspection, which cost more than the rest of a lot change)."""
    new = object.__new__(LotRecord)
    for name in FIELDS:
        object.__setattr__(new, name, changes[name] if name in changes else getattr(lot, name))
    return new


def _touched(lot: LotRecord, seq: int, at: datetime, **changes: Any) -> LotRecord:
    return _with(lot, last_seq=seq, last_at=at, **changes)


def spend(lot: LotRecord, grams: int, *, seq: int, at: datetime) -> tuple[LotRecord, Cells]:
    """Take `grams` out of the lot in proportion to its cells: (the lot after, the cells taken)."""
    taken, rest = comp.take(lot.cells, grams)
    mass = lot.mass_g - grams
    return _touched(lot, seq, at, cells=rest, mass_g=mass,
                    status="consumed" if mass == 0 else lot.status), taken


def charge(lot: LotRecord, grams: int, *, seq: int, at: datetime,
           ) -> tuple[LotRecord, Cells, Cells]:
    """Charge `grams` into a melt: (the lot after, the material taken, the metal drawn per cell).

    The metal is counted cumulatively over the lot's charges, so that rounding never biases
    it: this charge gets round(metal after) − round(metal before).
    """
    after, taken = spend(lot, grams, seq=seq, at=at)
    drawn = lot.charged_gppm + grams * lot.metal_ppm
    metal = charge_metal(lot.charged_gppm, drawn)
    return _with(after, charged_gppm=drawn), taken, comp.by_weight(taken, metal)


def ship(lot: LotRecord, dest_site_id: int, *, seq: int, at: datetime) -> LotRecord:
    return _touched(lot, seq, at, status="in_transit", site_id=None, dest_site_id=dest_site_id)


def receive(lot: LotRecord, mass_g: int, *, org_id: int, site_id: int, seq: int,
            at: datetime) -> LotRecord:
    """Custody passes at the weight measured on arrival.

    A lower weight scales the cells down. A higher weight never creates eligible metal: the
    gain is a `declared` cell of the lot's main origin and provenance.
    """
    if mass_g <= lot.mass_g:
        cells = comp.scale(lot.cells, mass_g)
    else:
        o, p, _, m = main_cell(lot.cells)
        cells = comp.combine([lot.cells, {(o, p, "declared", m): mass_g - lot.mass_g}])
    return _touched(lot, seq, at, cells=cells, mass_g=mass_g, status="active", org_id=org_id,
                    site_id=site_id, dest_site_id=None)


def with_id(lot: LotRecord, lot_id: int) -> LotRecord:
    return _with(lot, id=lot_id)


def main_cell(cells: Cells) -> CellKey:
    """The largest cell (ties to the first in key order)."""
    return max(sorted(cells), key=lambda k: cells[k])


def assay(lot: LotRecord, metal_ppm: int, *, seq: int, at: datetime) -> LotRecord:
    return _touched(lot, seq, at, assay_ppm=metal_ppm)


def snapshot(lot: LotRecord) -> dict[str, Any]:
    """What a void restores: everything an event may change."""
    return {"status": lot.status, "mass_g": lot.mass_g, "assay_ppm": lot.assay_ppm,
            "cells": comp.to_json(lot.cells), "org_id": lot.org_id, "site_id": lot.site_id,
            "dest_site_id": lot.dest_site_id, "last_seq": lot.last_seq, "grade": lot.grade,
            "last_at": lot.last_at.astimezone(UTC).isoformat() if lot.last_at else None,
            "charged_gppm": lot.charged_gppm}


def restore(lot: LotRecord, before: dict[str, Any] | None) -> LotRecord:
    """The lot as it was before a voided event; `None`: the voided event created it."""
    if before is None:
        return _with(lot, status="void", mass_g=0, cells={}, site_id=None, dest_site_id=None)
    at = before.get("last_at")
    return _with(lot, status=before["status"], mass_g=before["mass_g"],
                   assay_ppm=before["assay_ppm"], cells=comp.from_json(before["cells"]),
                   org_id=before["org_id"], site_id=before["site_id"],
                   dest_site_id=before["dest_site_id"], last_seq=before["last_seq"],
                   grade=before["grade"], last_at=datetime.fromisoformat(at) if at else None,
                   charged_gppm=before.get("charged_gppm", 0))


def product_ppm(metal_g: int, output_g: int) -> int:
    """A melt product's metal fraction: its metal in over its mass, never above 1."""
    return min(PPM, metal_g * PPM // output_g)
