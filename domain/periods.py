"""Closing and reopening accounting periods, and the rule that closed months stay as reported."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session
from sqlmodel import col

from domain.auth import Actor
from domain.errors import Conflict, InvalidInput, NotFound, RuleViolation
from domain.models import Org, Period
from domain.models.types import utcnow

MONTH = re.compile(r"^(20\d\d)-(0[1-9]|1[0-2])$")
_period_t = Period.__table__  # type: ignore[attr-defined]
OPEN_CLOSINGS = select(_period_t.c.metal, _period_t.c.month, _period_t.c.org_id).where(
    _period_t.c.reopened_at.is_(None))


@dataclass(frozen=True)
class PeriodView:
    id: int
    metal: str
    month: str
    producer: str | None
    closed_at: datetime
    reopened_at: datetime | None
    reason: str | None


def _view(p: Period, producer: str | None) -> PeriodView:
    assert p.id is not None
    return PeriodView(p.id, p.metal, p.month, producer, p.closed_at, p.reopened_at, p.reason)


def close_period(session: Session, *, actor: Actor, metal: str, month: str,
                 producer: str | None = None) -> PeriodView:
    """An auditor closes `month` of `metal`, for every producer or for one."""
    actor.require("auditor")
    if not MONTH.match(month):
        raise InvalidInput("month is YYYY-MM, from 2000 on", code="invalid-period",
                           pointer="/month")
    org_id = None
    if producer is not None:
        org_id = session.execute(select(col(Org.id)).where(col(Org.code) == producer)).scalar()
        if org_id is None:
            raise NotFound(f"no organisation '{producer}'", code="org-not-found",
                           pointer="/producer")
    if (metal, month, org_id) in closings(session.connection()):
        raise Conflict(f"{metal} {month} is closed already", code="period-already-closed")
    period = Period(metal=metal, month=month, org_id=org_id, closed_by=actor.user_id)
    session.add(period)
    session.flush()
    return _view(period, producer)


def reopen_period(session: Session, *, actor: Actor, period_id: int, reason: str) -> PeriodView:
    """An auditor reopens a closed period, with a reason that stays on record."""
    actor.require("auditor")
    period = session.get(Period, period_id)
    if period is None:
        raise NotFound(f"no period {period_id}", code="period-not-found")
    if period.reopened_at is not None:
        raise Conflict(f"period {period_id} was reopened already", code="period-not-closed")
    period.reopened_at, period.reopened_by, period.reason = utcnow(), actor.user_id, reason
    session.flush()
    return _view(period, _code(session, period.org_id))


def list_periods(session: Session, *, actor: Actor) -> list[PeriodView]:
    """Every closing and reopening, newest first: they bind every organisation, so all see them."""
    rows = session.execute(select(Period, col(Org.code)).outerjoin(Org, col(Org.id) == Period.org_id)
                           .order_by(col(Period.id).desc())).all()
    return [_view(p, code) for p, code in rows]


def _code(session: Session, org_id: int | None) -> str | None:
    return None if org_id is None else session.get(Org, org_id).code  # type: ignore[union-attr]


def closings(conn: Connection) -> set[tuple[str, str, int | None]]:
    """The periods closed now: (metal, month, producer's org id or None for all)."""
    return {(r.metal, r.month, r.org_id) for r in conn.execute(OPEN_CLOSINGS)}


def check_open(closed: set[tuple[str, str, int | None]], *, metals: set[str], at: datetime,
               org_id: int, tz: ZoneInfo, pointer: str = "/occurred_at") -> None:
    """An event of `org_id` dated `at` that changes `metals` may not fall in a closed month."""
    if not closed:
        return
    month = at.astimezone(tz).strftime("%Y-%m")
    for metal in sorted(metals):
        if (metal, month, None) in closed or (metal, month, org_id) in closed:
            raise RuleViolation(f"{metal} {month} is a closed period", code="period-closed",
                                pointer=pointer, metal=metal, month=month)
