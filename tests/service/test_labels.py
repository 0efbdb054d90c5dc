"""Pre-allocated label codes: allocation, and the rule that one site's collect uses each once."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from domain import codes
from domain.db import Database
from domain.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound, RuleViolation
from domain.labels import allocate_labels, get_batch, public_lot
from domain.models import LabelCode, Lot
from domain.settings import Settings
from tests.factories import World


@pytest.fixture
def world(db: Database, settings: Settings) -> World:
    w = World(db, settings)
    w.org("HS", "collector", sites=(("HS-A", "520100"), ("HS-B", "520300")))
    w.org("HS2", "collector")
    w.org("FJ", "sorter")
    w.org("GXT", "agency")
    return w


def allocate(world: World, org: str, site: str, count: int = 3, layout: str = "a4") -> list[str]:
    with world.db.write() as s:
        return allocate_labels(s, actor=world.actors[org], site_code=site, count=count,
                               layout=layout).codes


def refusal(exc: pytest.ExceptionInfo[DomainError]) -> tuple[str, str | None]:
    return exc.value.code, exc.value.pointer


def test_allocate_reserves_distinct_valid_codes_for_the_site(world: World) -> None:
    got = allocate(world, "HS", "HS-A", count=20)
    assert len(set(got)) == 20
    assert all(codes.is_valid_lot_code(c) and len(c) == 9 for c in got)
    with world.db.read() as s:
        rows = s.execute(select(LabelCode.code, LabelCode.position)
                         .order_by(LabelCode.position)).all()
        batch = get_batch(s, actor=world.actors["HS"], batch_id=_batch_of(s, got[0]))
    assert [r.code for r in rows] == got
    assert [r.position for r in rows] == list(range(20))
    assert batch.codes == got and batch.site_code == "HS-A" and batch.layout == "a4"


def _batch_of(s: object, code: str) -> str:
    return s.execute(select(LabelCode.batch_id).where(LabelCode.code == code)).scalar_one()  # type: ignore[attr-defined]


def test_collect_at_its_site_uses_a_pre_allocated_code_once(world: World) -> None:
    code = allocate(world, "HS", "HS-A", count=1)[0]
    lot = world.collect("HS", "120.5", site="HS-A", lot=codes.format_lot_code(code).lower())
    assert lot == code
    with pytest.raises(Conflict) as exc:
        world.collect("HS", "10", site="HS-A", lot=code)
    assert refusal(exc) == ("lot-code-taken", "/lot")


def test_declare_at_its_site_may_use_a_pre_allocated_code(world: World) -> None:
    code = allocate(world, "HS", "HS-A", count=1)[0]
    rec = world.event("HS", "declare", "HS-A", lot=code, metal="Cu", grade="CU-BIRCH",
                      origin="post_consumer", mass_kg="50", reason="paper_record")
    assert rec.created_lots == [code]


def test_collect_at_another_site_of_the_same_org_is_refused(world: World) -> None:
    code = allocate(world, "HS", "HS-A", count=1)[0]
    with pytest.raises(RuleViolation) as exc:
        world.collect("HS", "10", site="HS-B", lot=code)
    assert refusal(exc) == ("label-code-other-site", "/lot")
    with world.db.read() as s:
        assert s.execute(select(func.count()).select_from(Lot)).scalar_one() == 0


def test_collect_by_another_org_is_refused(world: World) -> None:
    code = allocate(world, "HS", "HS-A", count=1)[0]
    with pytest.raises(RuleViolation) as exc:
        world.collect("HS2", "10", lot=code)
    assert refusal(exc) == ("label-code-other-site", "/lot")


def test_transform_output_may_not_take_a_pre_allocated_code(world: World) -> None:
    code = allocate(world, "HS", "HS-A", count=1)[0]
    lot = world.collect("HS", "100", site="HS-A")
    with pytest.raises(RuleViolation) as exc:
        world.event("HS", "transform", "HS-A", kind="split", inputs=[{"lot": lot}],
                    outputs=[{"lot": code, "mass_kg": "60"}, {"mass_kg": "40"}])
    assert refusal(exc) == ("label-code-reserved", "/outputs/0/lot")


def test_melt_batch_may_not_take_a_pre_allocated_code(world: World) -> None:
    world.org("LY", "smelter")
    code = allocate(world, "LY", "LY-S1", count=1)[0]
    with pytest.raises(RuleViolation) as exc:
        world.event("LY", "melt", batch=code, metal="Al", product="ADC12",
                    primary=[{"material": "A00", "mass_kg": "100"}], output_mass_kg="98")
    assert refusal(exc) == ("label-code-reserved", "/batch")


def test_allocate_refuses_bad_requests(world: World) -> None:
    cases = [("HS", "HS2-S1", 1, "a4", Forbidden, "not-your-site"),
             ("HS", "NOPE", 1, "a4", NotFound, "site-not-found"),
             ("HS", "HS-A", 0, "a4", InvalidInput, "invalid-count"),
             ("HS", "HS-A", 1001, "a4", InvalidInput, "invalid-count"),
             ("HS", "HS-A", 1, "a5", InvalidInput, "invalid-layout"),
             ("GXT", "GXT-S1", 1, "a4", Forbidden, "forbidden-role")]
    for org, site, count, layout, error, code in cases:
        with pytest.raises(error) as exc:
            allocate(world, org, site, count, layout)
        assert exc.value.code == code
    with world.db.read() as s:
        assert s.execute(select(func.count()).select_from(LabelCode)).scalar_one() == 0


def test_another_orgs_batch_does_not_exist_for_the_caller(world: World) -> None:
    code = allocate(world, "HS", "HS-A", count=1)[0]
    with world.db.read() as s, pytest.raises(NotFound) as exc:
        get_batch(s, actor=world.actors["HS2"], batch_id=_batch_of(s, code))
    assert exc.value.code == "label-batch-not-found"


def test_public_card_shows_unused_then_the_collected_lot(world: World) -> None:
    code = allocate(world, "HS", "HS-A", count=1)[0]
    with world.db.read() as s:
        before = public_lot(s, code)
    assert (before.status, before.metal, before.grade) == ("unused", None, None)
    world.collect("HS", "10", site="HS-A", lot=code, metal="Cu", grade="CU-BARLEY")
    with world.db.read() as s:
        after = public_lot(s, codes.format_lot_code(code))
        with pytest.raises(InvalidInput) as bad:
            public_lot(s, code[:-1] + ("0" if code[-1] != "0" else "1"))
        with pytest.raises(NotFound) as missing:
            public_lot(s, codes.new_lot_code())
    assert (after.code, after.status, after.metal, after.grade) == (code, "active", "Cu",
                                                                     "CU-BARLEY")
    assert bad.value.code == "invalid-lot-code"
    assert missing.value.code == "lot-not-found"
