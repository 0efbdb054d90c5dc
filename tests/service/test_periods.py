"""Dates and closed periods: old records have a window, a reported month stays as reported."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from domain.errors import Conflict, Forbidden, InvalidInput, RuleViolation
from domain.events.capture import record_events
from domain.periods import close_period, list_periods, reopen_period
from domain.reports import log_position, recycled_share
from domain.settings import Settings
from tests.factories import World, _adapter, snapshot


def test_an_event_older_than_the_window_or_before_2000_is_refused(db, settings):
    """Recorded at T0 + 91 days with the default 90-day window, an event of T0 is too early;
    one of T0 + 1 day is accepted. 1901 and year 1 are too early whatever the window."""
    w = World(db, Settings(database_url=settings.database_url))
    w.org("C", "collector")
    now = w.clock + timedelta(days=91)
    body = w.body("collect", "C-S1", metal="Al", grade="AL-TALC", origin="post_consumer",
                  mass_kg=10)
    before = snapshot(db)
    for when in (body["occurred_at"], "1901-05-01T08:00:00+08:00", "0001-01-01T00:00:00+08:00"):
        with pytest.raises(InvalidInput) as err:
            _record(w, {**body, "occurred_at": when}, now)
        assert (err.value.code, err.value.pointer) == ("occurred-too-early", "/occurred_at")
    assert snapshot(db) == before
    later = (w.clock + timedelta(days=1)).isoformat()
    assert _record(w, {**body, "occurred_at": later}, now)[0].created_lots


def _record(w: World, body: dict, now, org: str = "C"):
    """Record `body` as if the server's clock read `now`."""
    with w.db.write() as s:
        return record_events(s, actor=w.actors[org], settings=w.settings,
                             events=[_adapter.validate_python(body)], now=now)


def smelter_month(w: World) -> tuple[str, object]:
    """S melts 1,000 kg of post-consumer scrap on 2026-03-02 (T0, local)."""
    w.org("S", "smelter")
    w.org("AG", "agency")
    lot = w.collect("S", 1000)
    melt = w.event("S", "melt", metal="Al", product="A356", output_mass_kg=500,
                   inputs=[{"lot": lot, "mass_kg": 600}])
    return lot, melt


def test_a_closed_month_refuses_events_and_voids_dated_in_it_until_reopened(db, settings):
    w = World(db, settings)
    lot, melt = smelter_month(w)
    with db.write() as s:
        period = close_period(s, actor=w.actors["AG"], metal="Al", month="2026-03")
    before = snapshot(db)
    with pytest.raises(RuleViolation) as err:  # 400 kg left of the lot, melted in March
        w.event("S", "melt", metal="Al", product="A356", output_mass_kg=300,
                inputs=[{"lot": lot, "mass_kg": 400}])
    assert (err.value.code, err.value.extra) == ("period-closed",
                                                 {"metal": "Al", "month": "2026-03"})
    with pytest.raises(RuleViolation) as err:
        w.event("S", "void", target=melt.id, reason="late correction")
    assert (err.value.code, err.value.pointer) == ("period-closed", "/target")
    assert snapshot(db) == before
    w.clock = w.clock.replace(month=4, day=1)  # April is open
    april = w.event("S", "melt", metal="Al", product="A356", output_mass_kg=300,
                    inputs=[{"lot": lot, "mass_kg": 400}])
    w.event("S", "void", target=april.id, reason="belongs to March")
    with pytest.raises(RuleViolation):
        w.event("S", "void", target=melt.id, reason="late correction")
    with db.write() as s:
        reopened = reopen_period(s, actor=w.actors["AG"], period_id=period.id,
                                 reason="customs correction")
    assert (reopened.reason, reopened.reopened_at is not None) == ("customs correction", True)
    w.event("S", "void", target=melt.id, reason="late correction")
    with db.read() as s:
        assert [(p.month, p.reason) for p in list_periods(s, actor=w.actors["S"])] == [
            ("2026-03", "customs correction")]


def test_a_period_closed_for_one_producer_binds_only_that_producer(db, settings):
    w = World(db, settings)
    smelter_month(w)
    w.org("T", "smelter")
    with db.write() as s:
        close_period(s, actor=w.actors["AG"], metal="Al", month="2026-03", producer="T")
    with pytest.raises(RuleViolation):
        w.collect("T", 10)
    assert w.collect("S", 10)


def test_only_auditors_close_and_a_month_closes_once(db, settings):
    w = World(db, settings)
    smelter_month(w)
    with pytest.raises(Forbidden), db.write() as s:
        close_period(s, actor=w.actors["S"], metal="Al", month="2026-03")
    with pytest.raises(InvalidInput), db.write() as s:
        close_period(s, actor=w.actors["AG"], metal="Al", month="1999-12")
    with db.write() as s:
        close_period(s, actor=w.actors["AG"], metal="Al", month="2026-03")
    with pytest.raises(Conflict) as err, db.write() as s:
        close_period(s, actor=w.actors["AG"], metal="Al", month="2026-03")
    assert err.value.code == "period-already-closed"


def test_reports_say_as_of_and_what_late_records_added(db, settings):
    """March's report read later: a melt of 600 kg (528 kg of metal at 88 %) recorded on the
    day is on time; a melt of 200 kg dated 2026-03-03 but recorded on 2026-04-02 (176 kg of
    metal) is late: 176 kg of the recycled metal and of the denominator came after March."""
    w = World(db, settings)
    w.org("S", "smelter")
    lot = w.body("collect", "S-S1", metal="Al", grade="AL-TALC", origin="post_consumer",
                 mass_kg=1000)
    [code] = _record(w, lot, w.clock, "S")[0].created_lots
    on_time = w.body("melt", "S-S1", metal="Al", product="A356", output_mass_kg=500,
                     inputs=[{"lot": code, "mass_kg": 600}])
    _record(w, on_time, w.clock, "S")
    late = w.body("melt", "S-S1", metal="Al", product="A356", output_mass_kg=150,
                  inputs=[{"lot": code, "mass_kg": 200}])
    _record(w, late, w.clock + timedelta(days=31), "S")
    with db.read() as s:
        [row] = recycled_share(s, actor=w.admin, metal="Al", start=date(2026, 3, 1),
                               end=date(2026, 4, 1), tz=settings.tz)
        as_of = log_position(s)
    assert (row.inputs.post_consumer, row.late_recycled_g, row.late_denominator_g) == (
        704_000, 176_000, 176_000)
    assert as_of == 3
