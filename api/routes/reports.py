"""Agency reports."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from api import exports
from api.deps import ActorDep, DbDep, SettingsDep
from api.schemas import (
    ByProvenance,
    LateKg,
    MassBalanceReport,
    ProducerShareOut,
    RecycledShareReport,
    SiteBalanceOut,
)
from domain.accounting import percent
from domain.mass_balance import mass_balance
from domain.reports import log_position, recycled_share

router = APIRouter(tags=["reports"])


def _kg(g: int) -> float:
    return g / 1000


def _f(x: object) -> float | None:
    return None if x is None else float(x)  # type: ignore[arg-type]


@router.get("/reports/recycled-share", response_model=RecycledShareReport,
            response_model_by_alias=True, summary="Recycled share per producer",
            responses=exports.RESPONSES)
def recycled_share_report(
        actor: ActorDep, db: DbDep, settings: SettingsDep,
        metal: Annotated[str, Query(pattern="^(Al|Cu|Pb)$")],
        from_: Annotated[date, Query(alias="from", description="First local day (inclusive).")],
        to: Annotated[date, Query(description="Day after the last (exclusive).")],
        producer: Annotated[str | None, Query(max_length=32)] = None,
        format: exports.FormatQuery = "json") -> RecycledShareReport | StreamingResponse:
    """Metal kilograms by class over each producer's melts in [from, to), local dates in the
    platform's time zone, and the exact shares of docs/domain.md, Accounting (null when nothing
    was melted); the producer's own rework in no term. Producers see their own figures;
    auditors see every producer. `as_of` is the highest event `seq` included."""
    with db.read() as s:
        rows = recycled_share(s, actor=actor, metal=metal, start=from_, end=to, tz=settings.tz,
                              producer=producer)
        as_of = log_position(s)
    # `from_` is accepted by name (populate_by_name); without pydantic's mypy plugin, mypy only
    # knows the field by its alias "from", which is not a valid keyword.
    report = RecycledShareReport(  # type: ignore[call-arg]
        as_of=as_of, metal=metal, from_=from_.isoformat(), to=to.isoformat(),
        timezone=settings.timezone,
        producers=[ProducerShareOut(
            org=r.org_code, name=r.name, post_consumer_kg=_kg(r.inputs.post_consumer),
            pre_consumer_kg=_kg(r.inputs.pre_consumer), declared_kg=_kg(r.inputs.declared),
            primary_kg=_kg(r.inputs.primary), home_scrap_kg=_kg(r.inputs.home_scrap),
            rework_kg=_kg(r.inputs.rework),
            recycled_share=_f(r.inputs.recycled_share),
            recycled_pct=percent(r.inputs.recycled_share),
            post_consumer_pct=percent(r.inputs.post_consumer_share),
            pre_consumer_pct=percent(r.inputs.pre_consumer_share),
            claimed_pct=percent(r.inputs.claimed_share),
            post_consumer_share=_f(r.inputs.post_consumer_share),
            pre_consumer_share=_f(r.inputs.pre_consumer_share),
            claimed_share=_f(r.inputs.claimed_share),
            by_provenance_kg=ByProvenance(in_province=_kg(r.in_province_g),
                                          out_of_province=_kg(r.out_of_province_g),
                                          imported=_kg(r.imported_g)),
            imported_by_country_kg={c: _kg(g) for c, g in sorted(r.imported_by_country_g.items())},
            by_region_kg={k: _kg(g) for k, g in sorted(r.by_region_g.items())},
            recorded_late_kg=LateKg(recycled=_kg(r.late_recycled_g),
                                    denominator=_kg(r.late_denominator_g)))
            for r in rows])
    if format != "json":
        return exports.report_download(format, report, "producers", "recycled-share",
                                       exports.METAL_SOURCES)
    return report


@router.get("/reports/mass-balance", response_model=MassBalanceReport,
            response_model_by_alias=True, summary="Mass balance per site and metal",
            responses=exports.RESPONSES)
def mass_balance_report(
        actor: ActorDep, db: DbDep, settings: SettingsDep,
        from_: Annotated[date, Query(alias="from", description="First local day (inclusive).")],
        to: Annotated[date, Query(description="Day after the last (exclusive).")],
        site: Annotated[str | None, Query(max_length=32)] = None,
        metal: Annotated[str | None, Query(pattern="^(Al|Cu|Pb)$")] = None,
        format: exports.FormatQuery = "json") -> MassBalanceReport | StreamingResponse:
    """For every site and metal: opening + received + created + produced − shipped − charged −
    losses = closing, in material kilograms, over [from, to) in the platform's time zone.
    `produced` is what melts made; `primary_charged_kg` (primary metal charged into melts) is
    shown beside the balance, never having been in stock. Organisations see their own sites;
    auditors see every site."""
    with db.read() as s:
        rows = mass_balance(s, actor=actor, start=from_, end=to, tz=settings.tz, site=site,
                            metal=metal)
        as_of = log_position(s)
    report = MassBalanceReport(as_of=as_of, from_=from_.isoformat(),  # type: ignore[call-arg]
                             to=to.isoformat(),
                             timezone=settings.timezone, sites=[SiteBalanceOut(
                                 site=r.site_code, site_name=r.site_name, org=r.org_code,
                                 org_name=r.org_name, metal=r.metal,
                                 opening_kg=_kg(r.opening_g), received_kg=_kg(r.received_g),
                                 created_kg=_kg(r.created_g), produced_kg=_kg(r.produced_g),
                                 shipped_kg=_kg(r.shipped_g), charged_kg=_kg(r.charged_g),
                                 losses_kg=_kg(r.losses_g), closing_kg=_kg(r.closing_g),
                                 primary_charged_kg=_kg(r.primary_g)) for r in rows])
    if format != "json":
        return exports.report_download(format, report, "sites", "mass-balance")
    return report
