"""Closed accounting periods: an agency closes a month of a metal once it has reported it."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Body, Path
from pydantic import BaseModel, ConfigDict, Field

from api.deps import ActorDep, DbDep, write
from domain.periods import PeriodView, close_period, list_periods, reopen_period

router = APIRouter(tags=["periods"])


class PeriodIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    metal: Literal["Al", "Cu", "Pb"]
    month: Annotated[str, Field(pattern=r"^\d{4}-\d{2}$", examples=["2026-09"],
                                description="A month of local dates, YYYY-MM.")]
    producer: Annotated[str | None, Field(max_length=32, description="One producer's code; "
                                          "omitted: the month closes for every producer.")] = None


class ReopenIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: Annotated[str, Field(min_length=1, max_length=500)]


@router.post("/periods", response_model=PeriodView, status_code=201, summary="Close a period")
def close(body: PeriodIn, actor: ActorDep, db: DbDep) -> PeriodView:
    """Auditors only. From now on, events dated in that month that change lots of that metal
    (of that producer, or of anyone), and voids of such events, answer 409 `period-closed`."""
    return write(db, lambda s: close_period(s, actor=actor, metal=body.metal,
                                            month=body.month, producer=body.producer))


@router.post("/periods/{period_id}/reopen", response_model=PeriodView, summary="Reopen a period")
def reopen(period_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
           body: Annotated[ReopenIn, Body()], actor: ActorDep, db: DbDep) -> PeriodView:
    """Auditors only, with a reason; the closing and the reopening both stay on record."""
    return write(db, lambda s: reopen_period(s, actor=actor, period_id=period_id,
                                             reason=body.reason))


@router.get("/periods", response_model=list[PeriodView], summary="Closed and reopened periods")
def periods(actor: ActorDep, db: DbDep) -> list[PeriodView]:
    """Every closing, newest first, with its reopening if any. Everyone may read them: they
    bind every organisation's events."""
    with db.read() as s:
        return list_periods(s, actor=actor)
