"""Dry runs: what a batch of events would record, through the very same write path, kept nowhere."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from domain import commands as c
from domain.accounting import ShareInputs, classify
from domain.auth import Actor
from domain.events.capture import Recorded, record_events
from domain.lots import LotView, get_lot
from domain.models import MeltInput
from domain.settings import Settings


@dataclass(frozen=True)
class DrawnCell:
    """Metal grams a melt would draw from one composition cell."""

    origin: str
    provenance: str
    evidence: str
    metal_g: int
    rework: bool


@dataclass(frozen=True)
class MeltPreview:
    """A melt's drawn metal by cell and the share terms it would add to its producer's report."""

    event_id: str
    cells: list[DrawnCell]
    inputs: ShareInputs


@dataclass(frozen=True)
class Rehearsal:
    recorded: list[Recorded]
    lots: list[LotView]
    melts: list[MeltPreview]


def share_inputs(cells: Sequence[DrawnCell]) -> ShareInputs:
    """The report's terms over drawn cells, by the report's own classification."""
    terms = {"post_consumer": 0, "pre_consumer": 0, "declared": 0, "primary": 0,
             "home_scrap": 0, "rework": 0}
    for cell in cells:
        terms["rework" if cell.rework else classify(cell.origin, cell.evidence)] += cell.metal_g
    return ShareInputs(**terms)


def rehearse_events(session: Session, *, actor: Actor, settings: Settings,
                    events: Sequence[c.Command], batch: bool | None = None) -> Rehearsal:
    """Record `events` in `session` and read back what they made; the caller rolls it back."""
    recorded = record_events(session, actor=actor, settings=settings, events=events, batch=batch)
    lots = [get_lot(session, actor=actor, code=code)
            for rec in recorded for code in rec.created_lots]
    melts = []
    for rec in recorded:
        if rec.type != "melt":
            continue
        rows = session.execute(select(MeltInput).where(col(MeltInput.event_seq) == rec.seq)
                               .order_by(col(MeltInput.id))).scalars()
        cells = [DrawnCell(origin=r.origin, provenance=r.provenance, evidence=r.evidence,
                           metal_g=r.metal_g, rework=r.rework) for r in rows]
        melts.append(MeltPreview(event_id=rec.id, cells=cells, inputs=share_inputs(cells)))
    return Rehearsal(recorded=recorded, lots=lots, melts=melts)
