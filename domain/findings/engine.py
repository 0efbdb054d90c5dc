"""Raising findings: event rules in the capture's transaction, period rules in a sweep. A
finding's key names its rule and subject, so each is stored once however often it is raised."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Connection, Table, and_, case, func, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlmodel import col

from domain import catalogue
from domain import commands as c
from domain.events.store import SiteInfo, event_t, lot_t, melt_input_t
from domain.events.workspace import Workspace
from domain.findings import rules
from domain.licences import capacity_excesses
from domain.models import Finding, Org
from domain.settings import Settings

finding_t: Table = Finding.__table__  # type: ignore[attr-defined]
SWEPT_MONTHS = 2  # complete months a sweep looks at: their figures no longer change


def finding_row(kind: str, key: str, raised: rules.Raised, *, org_id: int, site_id: int | None,
                lots: Sequence[str], events: Sequence[str], at: datetime) -> dict[str, Any]:
    rule, params = raised
    return {"key": f"{kind}:{key}", "kind": kind, "severity": rule.severity, "org_id": org_id,
            "site_id": site_id, "lots": list(lots), "events": list(events), "params": params,
            "detected_at": at, "status": "open"}


def event_findings(ws: Workspace, cmd: c.Command, site: SiteInfo, seq: int,
                   now: datetime) -> list[dict[str, Any]]:
    """The findings event `seq` (just planned) raises; they never refuse it."""
    out = []
    event = str(cmd.id)

    def add(kind: str, key: str, raised: rules.Raised | None, lots: Sequence[str]) -> None:
        if raised is not None:
            out.append(finding_row(kind, key, raised, org_id=site.org_id, site_id=site.id,
                                   lots=lots, events=[event], at=now))

    mine = ws.lines_of(seq)
    add("late-record", event, rules.late_record(cmd.occurred_at, now),
        [code for code, _, _ in mine])
    if isinstance(cmd, c.Receive):
        for code, _, before in mine:
            assert before is not None
            add("weight-gap", f"{event}:{code}",
                rules.weight_gap(before["mass_g"], ws.lots[code].mass_g, site.code), [code])
    elif isinstance(cmd, c.Transform):
        taken = [(code, before["mass_g"] - ws.lots[code].mass_g)
                 for code, role, before in mine if role == "in" and before is not None]
        made = sum(ws.lots[code].mass_g for code, role, _ in mine if role == "out")
        grade = ws.lots[taken[0][0]].grade
        if catalogue.grade(grade) is not None:  # products have no loss norm of their own
            add("excess-loss", event, rules.excess_loss(sum(g for _, g in taken), made, grade),
                [code for code, _ in taken])
    elif isinstance(cmd, c.Melt):
        metal = sum(r["metal_g"] for r in ws.melt_rows_of(seq))
        [product] = [code for code, role, _ in mine if role == "out"]
        raised = rules.melt_yield(ws.lots[product].mass_g, metal, cmd.product)
        if raised is not None:
            kind = "yield-above-metal" if raised[0].kind == "yield-above-metal" else "low-yield"
            add(kind, event, raised, [product])
    return out


def store_findings(conn: Connection, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert findings whose key is new; answers their ids."""
    if not rows:
        return []
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = (dialect.insert(finding_t).on_conflict_do_nothing(index_elements=["key"])
            .returning(finding_t.c.id))
    return [r.id for r in conn.execute(stmt, list(rows))]  # a skipped row answers none


# --- the sweep: period rules ------------------------------------------------------------------
def _months(at: datetime, settings: Settings) -> list[tuple[str, datetime, datetime]]:
    """The last SWEPT_MONTHS complete local months before `at`: (YYYY-MM, start, end)."""
    local = at.astimezone(settings.tz).date().replace(day=1)
    out = []
    for _ in range(SWEPT_MONTHS):
        start = (local - timedelta(days=1)).replace(day=1)
        out.append((f"{start:%Y-%m}", datetime.combine(start, time(), settings.tz),
                    datetime.combine(local, time(), settings.tz)))
        local = start
    return out


def _stale_transit(conn: Connection, at: datetime) -> list[dict[str, Any]]:
    limit = at - timedelta(days=float(rules.threshold("stale-transit", "max_days").value))
    rows = conn.execute(select(lot_t.c.code, lot_t.c.org_id, lot_t.c.last_at, event_t.c.id,
                               event_t.c.site_id)
                        .join(event_t, event_t.c.seq == lot_t.c.last_seq)
                        .where(lot_t.c.status == "in_transit", lot_t.c.last_at < limit))
    out = []
    for r in rows:
        raised = rules.stale_transit(r.last_at, at)
        if raised is not None:
            out.append(finding_row("stale-transit", f"{r.code}:{r.id}", raised, org_id=r.org_id,
                                   site_id=r.site_id, lots=[r.code], events=[r.id], at=at))
    return out


def _declared_share(conn: Connection, month: str, lo: datetime, hi: datetime,
                    at: datetime) -> list[dict[str, Any]]:
    m = melt_input_t.c
    recycled = m.origin.in_(("post_consumer", "pre_consumer"))
    declared = func.sum(case((and_(recycled, m.evidence == "declared"), m.metal_g), else_=0))
    counted = func.sum(case((m.origin != "home_scrap", m.metal_g), else_=0))
    rows = conn.execute(select(m.org_id, m.metal, declared.label("n"), counted.label("d"))
                        .where(m.occurred_at >= lo, m.occurred_at < hi, ~m.rework)
                        .group_by(m.org_id, m.metal))
    out = []
    for r in rows:
        raised = rules.declared_share(int(r.n), int(r.d), month)
        if raised is not None:
            out.append(finding_row("declared-share", f"{r.org_id}:{r.metal}:{month}", raised,
                                   org_id=r.org_id, site_id=None, lots=[], events=[], at=at))
    return out


def _void_rate(conn: Connection, month: str, lo: datetime, hi: datetime,
               at: datetime) -> list[dict[str, Any]]:
    e = event_t.c
    voids = func.sum(case((e.type == "void", 1), else_=0))
    rows = conn.execute(select(e.org_id, voids.label("voids"), func.count().label("all"))
                        .where(e.recorded_at >= lo, e.recorded_at < hi).group_by(e.org_id))
    out = []
    for r in rows:
        raised = rules.void_rate(int(r.voids), int(r.all) - int(r.voids), month)
        if raised is not None:
            out.append(finding_row("void-rate", f"{r.org_id}:{month}", raised, org_id=r.org_id,
                                   site_id=None, lots=[], events=[], at=at))
    return out


def _licence_capacity(session: Session, at: datetime, settings: Settings) -> list[dict[str, Any]]:
    """Licences past their annual capacity, this local year and the last (an intake only
    grows within its year, so a finding raised in it stays true)."""
    year = at.astimezone(settings.tz).year
    ids = {code: org_id for code, org_id in session.execute(
        select(col(Org.code), col(Org.id))) if org_id is not None}
    out = []
    for y in (year - 1, year):
        for code, x in capacity_excesses(session, year=y, tz=settings.tz):
            raised = rules.licence_capacity(x.licence, x.year, x.capacity_t, x.handled_kg, x.ratio)
            out.append(finding_row("licence-capacity", f"{code}:{x.licence}:{x.year}", raised,
                                   org_id=ids[code], site_id=None, lots=[], events=[], at=at))
    return out


def sweep(session: Session, *, settings: Settings, at: datetime | None = None) -> int:
    """Raise the period findings as of `at` (default now); answers how many were new. Two
    sweeps never run at once: on PostgreSQL the second skips (a transaction advisory lock),
    on SQLite the write transaction is the database's only writer."""
    at = at or datetime.now(UTC)
    conn = session.connection()
    if conn.dialect.name == "postgresql" and not conn.execute(
            text("SELECT pg_try_advisory_xact_lock(hashtext('scraptrace-findings-sweep'))"),
    ).scalar():
        return 0
    rows = _stale_transit(conn, at) + _licence_capacity(session, at, settings)
    for month, lo, hi in _months(at, settings):
        rows += _declared_share(conn, month, lo, hi, at) + _void_rate(conn, month, lo, hi, at)
    from domain.webhooks import enqueue_finding_deliveries  # here: webhooks reads capture's types

    ids = store_findings(conn, rows)
    enqueue_finding_deliveries(session, ids)
    return len(ids)


def sweep_date(day: date, settings: Settings) -> datetime:
    """`--at DATE`: the end of that local day."""
    return datetime.combine(day + timedelta(days=1), time(), settings.tz)
