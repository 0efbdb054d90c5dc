"""The province's reports: clean transport, avoided emissions, smelter indicators."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import Annotated

from fastapi import APIRouter, Query

from api.compliance_schemas import (
    CarbonReport,
    FactorOut,
    FactorSetIn,
    FactorSetOut,
    IndicatorIn,
    IndicatorOut,
    IndicatorReport,
    ModeOut,
    ProducerCarbonOut,
    SmelterIndicatorsOut,
    TargetOut,
    TransportOrgOut,
    TransportReport,
)
from api.deps import ActorDep, DbDep, SettingsDep, write
from api.routes.orgs import OrgCode
from domain import carbon, indicators
from domain.events.units import grams
from domain.reports import log_position
from domain.transport import OrgTransport, clean_modes, tonne_km, transport

router = APIRouter(tags=["reports"])
From = Annotated[date, Query(alias="from", description="First local day (inclusive).")]
To = Annotated[date, Query(description="Day after the last (exclusive).")]


def _f(x: Fraction | None) -> float | None:
    return None if x is None else float(x)


def _factor(f: carbon.Factor) -> FactorOut:
    return FactorOut(metal=f.metal, kind=f.kind, value=None if f.value is None else float(f.value),
                     unit=f.unit, source=f.source)


def _transport_out(t: OrgTransport) -> TransportOrgOut:
    return TransportOrgOut(
        org=t.org_code, name=t.name, tonne_km=float(tonne_km(t.total_g_dkm)),
        clean_tonne_km=float(tonne_km(t.clean_g_dkm)), clean_share=_f(t.clean_share),
        unrecorded_kg=t.unrecorded_g / 1000,
        modes=[ModeOut(mode=m, clean=clean_modes().get(m, False), tonne_km=float(tonne_km(v)),
                       shipped_kg=t.shipped_g[m] / 1000) for m, v in sorted(t.g_dkm.items())])


@router.get("/reports/transport", response_model=TransportReport, response_model_by_alias=True,
            summary="Clean transport: tonne-kilometres per mode")
def transport_report(actor: ActorDep, db: DbDep, settings: SettingsDep, from_: From, to: To,
                     org: Annotated[str | None, Query(max_length=32)] = None) -> TransportReport:
    """Per shipping organisation and overall: mass shipped × `transport.distance_km` per mode
    over shipments that left in [from, to), and the clean share (rail, waterway, pipeline,
    conveyor, battery-electric and hydrogen road; seed/transport_modes.csv). Shipments without
    a mode or distance are counted in `unrecorded_kg` only. Organisations see their own."""
    with db.read() as s:
        rows, overall = transport(s, actor=actor, start=from_, end=to, tz=settings.tz, org=org)
        as_of = log_position(s)
    return TransportReport(as_of=as_of, from_=from_.isoformat(),  # type: ignore[call-arg]
                           to=to.isoformat(), timezone=settings.timezone,
                           orgs=[_transport_out(r) for r in rows],
                           overall=_transport_out(overall))


@router.get("/reports/carbon", response_model=CarbonReport, response_model_by_alias=True,
            summary="Avoided emissions of recycled metal")
def carbon_report(actor: ActorDep, db: DbDep, settings: SettingsDep,
                  metal: Annotated[str, Query(pattern="^(Al|Cu|Pb)$")], from_: From, to: To,
                  producer: Annotated[str | None, Query(max_length=32)] = None,
                  factors: Annotated[str, Query(max_length=32)] = carbon.DEFAULT_SET,
                  ) -> CarbonReport:
    """Per producer: eligible recycled metal (R_post + R_pre of the recycled share) × (primary
    − recycled factor), in tonnes CO2e, under the named factor set, with each factor's source.
    A metal whose factors are not configured answers `status: "not configured"` and null
    figures, never a number."""
    with db.read() as s:
        result = carbon.avoided_emissions(s, actor=actor, metal=metal, start=from_, end=to,
                                          tz=settings.tz, producer=producer, factors=factors)
        as_of = log_position(s)
    total = result.total_t
    return CarbonReport(  # type: ignore[call-arg]
        as_of=as_of, metal=metal, from_=from_.isoformat(), to=to.isoformat(),
        factor_set=result.factor_set, status="ok" if result.configured else "not configured",
        factors=[_factor(f) for f in result.factors],
        producers=[ProducerCarbonOut(
            org=p.org_code, name=p.name, eligible_recycled_kg=p.eligible_g / 1000,
            avoided_t_co2e=None if p.avoided_t is None else float(p.avoided_t))
            for p in result.producers],
        total_avoided_t_co2e=None if total is None else float(total))


@router.post("/factor-sets", status_code=201, response_model=FactorSetOut,
             summary="Add a carbon factor set")
def create_factor_set(body: FactorSetIn, actor: ActorDep, db: DbDep) -> FactorSetOut:
    """Platform administrators, for an agency: a named set of factors (primary and recycled
    per metal, t CO2e/t; the grid factor with metal ""), each with its source. Reports choose
    it with `?factors=`. Names are never reused."""
    factors = [f.model_dump() for f in body.factors]
    made = write(db, lambda s: carbon.create_factor_set(s, actor=actor, name=body.name,
                                                        factors=factors))
    return FactorSetOut(name=body.name, factors=[_factor(f) for f in made])


@router.post("/orgs/{org}/indicators", status_code=201, response_model=IndicatorOut,
             summary="Record a smelter's month")
def record_indicators(org: OrgCode, body: IndicatorIn, actor: ActorDep, db: DbDep,
                      ) -> IndicatorOut:
    """Operators and managers of the smelter: liquid aluminium made, the part alloyed directly
    as liquid, and the AC power used, once per month."""
    row = write(db, lambda s: indicators.record_indicators(
        s, actor=actor, org_code=org, month=body.month, liquid_al_kg=grams(body.liquid_al_t),
        direct_alloyed_kg=grams(body.direct_alloyed_t), ac_kwh=body.ac_kwh))
    return IndicatorOut(org=org, month=row.month, liquid_al_t=row.liquid_al_kg / 1000,
                        direct_alloyed_t=row.direct_alloyed_kg / 1000, ac_kwh=row.ac_kwh)


@router.get("/reports/indicators", response_model=IndicatorReport, response_model_by_alias=True,
            summary="Smelter indicators against the 2025 targets")
def indicator_report(actor: ActorDep, db: DbDep, from_: From, to: To) -> IndicatorReport:
    """Per smelter and overall over the months starting in [from, to): the direct-alloying
    ratio (goal 90 %), AC kWh per tonne of liquid aluminium against the benchmark (13,000) and
    baseline (13,350), and the share of liquid aluminium made at the benchmark (goal 50 %).
    Targets and their sources come from seed/indicator_targets.csv. Smelters see their own."""
    with db.read() as s:
        rows = indicators.indicator_totals(s, actor=actor, start=from_, end=to)
    whole = indicators.Totals("", "overall", sum(r.liquid_kg for r in rows),
                              sum(r.direct_kg for r in rows), sum(r.ac_kwh for r in rows))
    return IndicatorReport(  # type: ignore[call-arg]
        from_=from_.isoformat(), to=to.isoformat(),
        targets=[TargetOut(indicator=t.indicator, value=float(t.value), unit=t.unit,
                           source=t.source) for t in indicators.targets().values()],
        smelters=[SmelterIndicatorsOut(
            org=r.org_code, name=r.name, liquid_al_t=r.liquid_kg / 1000,
            direct_alloyed_t=r.direct_kg / 1000, ac_kwh=r.ac_kwh,
            direct_alloying_ratio=_f(r.direct_ratio), ac_kwh_per_t=_f(r.kwh_per_t),
            at_benchmark=r.within("ac_kwh_per_t_benchmark"),
            below_baseline=r.within("ac_kwh_per_t_baseline")) for r in rows],
        overall_direct_alloying_ratio=_f(whole.direct_ratio),
        overall_ac_kwh_per_t=_f(whole.kwh_per_t),
        share_at_benchmark=_f(indicators.share_at_benchmark(rows)))
