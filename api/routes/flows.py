"""`GET /reports/flows`: mass flows between regions and organisations, for a Sankey."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from api import exports
from api.deps import ActorDep, DbDep, SettingsDep
from domain.flows import mass_flows
from domain.reports import log_position

router = APIRouter(tags=["reports"])


class FlowNodeOut(BaseModel):
    id: str = Field(description="`region:{GB/T 2260}`, `org:{code}` or `imported`.")
    kind: str = Field(description="`region`, `imported`, or the organisation's kind.")
    code: str
    name: str = Field(description="The organisation's name (empty for regions: see /regions).")


class FlowLinkOut(BaseModel):
    source: str
    target: str
    mass_kg: float


class FlowsReport(BaseModel):
    as_of: int = Field(description="The highest event `seq` the report includes.")
    unit: Literal["material kg"] = "material kg"
    metal: str
    from_: str = Field(alias="from")
    to: str
    timezone: str
    nodes: list[FlowNodeOut]
    links: list[FlowLinkOut]

    model_config = ConfigDict(populate_by_name=True)


@router.get("/reports/flows", response_model=FlowsReport, response_model_by_alias=True,
            summary="Mass flows between regions and organisations",
            responses=exports.RESPONSES)
def flows_report(
        actor: ActorDep, db: DbDep, settings: SettingsDep,
        metal: Annotated[str, Query(pattern="^(Al|Cu|Pb)$")],
        from_: Annotated[date, Query(alias="from", description="First local day (inclusive).")],
        to: Annotated[date, Query(description="Day after the last (exclusive).")],
        format: exports.FormatQuery = "json") -> FlowsReport | StreamingResponse:
    """Material kilograms over [from, to): from the region where it was collected or declared
    (prefecture in the home province, else province) or from `imported` to the organisation
    that created the lot, and from organisation to organisation as shipped. Organisations see
    the links they are an end of; auditors see every link."""
    with db.read() as s:
        flows = mass_flows(s, actor=actor, metal=metal, start=from_, end=to, tz=settings.tz,
                           home_region=settings.home_region)
        as_of = log_position(s)
    report = FlowsReport(  # type: ignore[call-arg]
        as_of=as_of, metal=metal, from_=from_.isoformat(), to=to.isoformat(),
        timezone=settings.timezone,
        nodes=[FlowNodeOut(id=n.id, kind=n.kind, code=n.code, name=n.name) for n in flows.nodes],
        links=[FlowLinkOut(source=k.source, target=k.target, mass_kg=k.grams / 1000)
               for k in flows.links])
    if format != "json":
        return exports.report_download(format, report, "links", "flows")
    return report
