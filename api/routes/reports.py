"""Agency reports."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import ActorDep, DbDep, SettingsDep
from api.schemas import ByProvenance, ProducerShareOut, RecycledShareReport
from domain.reports import recycled_share

router = APIRouter(tags=["reports"])


def _kg(g: int) -> float:
    return g / 1000


def _f(x: object) -> float | None:
    return None if x is None else float(x)  # type: ignore[arg-type]


@router.get("/reports/recycled-share", response_model=RecycledShareReport,
            response_model_by_alias=True, summary="Recycled share per producer")
def recycled_share_report(
        actor: ActorDep, db: DbDep, settings: SettingsDep,
        metal: Annotated[str, Query(pattern="^(Al|Cu|Pb)$")],
        from_: Annotated[date, Query(alias="from", description="First local day (inclusive).")],
        to: Annotated[date, Query(description="Day after the last (exclusive).")],
        producer: Annotated[str | None, Query(max_length=32)] = None) -> RecycledShareReport:
    """Metal kilograms by class over each producer's melts in [from, to), local dates in the
    platform's time zone, and the exact shares of DOMAIN.md §6 (null when nothing was melted).
    Producers see their own figures; auditors see every producer."""
    with db.read() as s:
        rows = recycled_share(s, actor=actor, metal=metal, start=from_, end=to, tz=settings.tz,
                              producer=producer)
    # `from_` is accepted by name (populate_by_name); without pydantic's mypy plugin, mypy only
    # knows the field by its alias "from", which is not a valid keyword.
    return RecycledShareReport(  # type: ignore[call-arg]
        metal=metal, from_=from_.isoformat(), to=to.isoformat(), timezone=settings.timezone,
        producers=[ProducerShareOut(
            org=r.org_code, name=r.name, post_consumer_kg=_kg(r.inputs.post_consumer),
            pre_consumer_kg=_kg(r.inputs.pre_consumer), declared_kg=_kg(r.inputs.declared),
            primary_kg=_kg(r.inputs.primary), home_scrap_kg=_kg(r.inputs.home_scrap),
            recycled_share=_f(r.inputs.recycled_share),
            post_consumer_share=_f(r.inputs.post_consumer_share),
            pre_consumer_share=_f(r.inputs.pre_consumer_share),
            claimed_share=_f(r.inputs.claimed_share),
            by_provenance_kg=ByProvenance(in_province=_kg(r.in_province_g),
                                          out_of_province=_kg(r.out_of_province_g),
                                          imported=_kg(r.imported_g)))
            for r in rows])
