"""Request and response schemas of the HTTP API (never table classes)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
)

from domain.commands import EventCommand

Name = Annotated[str, Field(min_length=1, max_length=200)]
Slug = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]
T = TypeVar("T")
RegionCode = Annotated[str, Field(pattern=r"^\d{6}$", examples=["520100"])]
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _rfc3339_only(value: object) -> object:
    """Pydantic would read a number (or a numeric string) as Unix seconds: refuse it."""
    if isinstance(value, str) and not _RFC3339.match(value):
        raise ValueError("expected an RFC 3339 date-time, e.g. 2026-05-04T09:30:00+08:00")
    if isinstance(value, int | float):
        raise ValueError("expected an RFC 3339 date-time, e.g. 2026-05-04T09:30:00+08:00")
    return value


def _utc_representable(value: datetime) -> datetime:
    """9999-12-31T23:00-05:00 is a valid text but past the last instant a datetime holds in UTC
    (and 0001-01-01T00:00+01:00 before the first): refuse them as values out of range."""
    try:
        value.astimezone(UTC)
    except OverflowError as exc:
        raise ValueError("the instant is out of range once converted to UTC") from exc
    return value


def _iso_date_only(value: object) -> object:
    """Pydantic would read a number as Unix seconds: a day is YYYY-MM-DD only."""
    if not (isinstance(value, date) or (isinstance(value, str) and _ISO_DATE.match(value))):
        raise ValueError("expected a date, YYYY-MM-DD")
    return value


Day = Annotated[date, BeforeValidator(_iso_date_only)]
Instant = Annotated[AwareDatetime, BeforeValidator(_rfc3339_only),
                    AfterValidator(_utc_representable)]
DateTimeText = Annotated[datetime, BeforeValidator(_rfc3339_only)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


# A password is taken exactly as typed: spaces are characters like any other.
Password = Annotated[str, StringConstraints(strip_whitespace=False, min_length=1, max_length=256)]


class TokenIn(_In):
    username: Annotated[str, Field(min_length=1, max_length=64)]
    password: Password


class TokenOut(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_at: datetime


class Licence(_In):
    """A hazardous-waste operating licence (危险废物经营许可证)."""

    number: Annotated[str, Field(min_length=1, max_length=64, examples=["GZ-HW-2026-001"])]
    kind: Literal["comprehensive", "collection"] = Field(
        description="综合经营 (collection, storage, utilisation) or 收集经营 (collection only).")
    categories: list[Annotated[str, Field(pattern=r"^HW\d{2}$", examples=["HW31"])]] = Field(
        min_length=1, max_length=50)
    capacity_t_per_year: Annotated[Decimal, Field(gt=0, le=10_000_000, decimal_places=3,
                                                  allow_inf_nan=False)] | None = None
    valid_from: Day
    valid_to: Day


class OrgIn(_In):
    code: Slug = Field(examples=["GY-RECYCLE"])
    name: Name
    kind: Literal["collector", "sorter", "importer", "transporter", "smelter", "agency"]
    uscc: Annotated[str, Field(min_length=18, max_length=18, examples=["91350100M000100Y43"])]
    region: RegionCode
    licences: list[Licence] = Field(default_factory=list, max_length=20)


class OrgOut(BaseModel):
    code: str
    name: str
    kind: str
    uscc: str
    region: str
    licences: list[dict[str, Any]]


class SiteIn(_In):
    code: Slug = Field(examples=["GY-YARD-1"])
    name: Name
    region: RegionCode


class SiteOut(BaseModel):
    code: str
    name: str
    region: str
    org: str


class UserIn(_In):
    username: Annotated[str, Field(min_length=3, max_length=64, pattern=r"^[A-Za-z0-9_.@-]+$")]
    password: Password = Field(description="At least 10 characters, not a common password "
                               "(`weak-password`).")
    role: Literal["manager", "operator", "auditor"]


class UserOut(BaseModel):
    username: str
    role: str
    org: str | None


class GradeOut(BaseModel):
    code: str
    metal: str
    name_zh: str
    name_en: str
    isri: str | None
    default_metal_pct: float
    hazardous: bool
    hazardous_code: str | None
    source: str


class RegionOut(BaseModel):
    code: str
    name_zh: str
    name_en: str
    level: str


class Cell(BaseModel):
    origin: str
    provenance: str
    evidence: str
    mass_kg: float
    country: str | None = Field(None, description="Country of origin of an imported cell "
                                "(ISO 3166-1 alpha-2).", examples=["JP"])
    region: str | None = Field(None, description="GB/T 2260 region of a domestic cell: the "
                               "prefecture in the home province, the province outside it.",
                               examples=["520100"])
    melted_by: str | None = Field(
        None, description="The organisation whose melt made this metal; when it charges the "
        "metal again, that is internal rework (in neither term of its recycled share).",
        examples=["QN-LY"])


class Custodian(BaseModel):
    org: str
    site: str | None = Field(description="None while the lot is in transit.")


class LotRead(BaseModel):
    code: str = Field(description="Canonical code, 9 symbols.")
    label: str = Field(description="The code as printed, in groups of three.")
    metal: str
    grade: str
    status: Literal["active", "in_transit", "consumed", "void"]
    mass_kg: float
    metal_fraction: float = Field(description="Latest assay, else the grade default (0–1).")
    assayed: bool
    custodian: Custodian
    destination: str | None = Field(None, description="Destination site while in transit.")
    cells: list[Cell]


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null at "
                                    "the end.")


class EventBatch(_In):
    events: list[EventCommand] = Field(min_length=1, max_length=1000)


class _EventFacts(BaseModel):
    """What every caller who may see an event sees of it."""

    model_config = ConfigDict(extra="allow")

    id: str
    type: str
    seq: int = Field(description="Its place in the log.")
    org: str
    site: str
    occurred_at: datetime
    voided_by: str | None = None


class EventOut(_EventFacts):
    """The stored event: its body as sent, with what the server added."""

    recorded_at: datetime
    created_lots: list[str]
    replay: bool | None = Field(None, description="In answers to POST /events only: true when "
                                "this event was stored before and this is an exact replay.")
    redacted: Literal[False] = Field(False, description="False: the whole event (the caller's "
                                     "organisation's own, or any event for auditors).")


class EventRedacted(_EventFacts):
    """Another organisation's event as the caller may see it: the lines about the lots it may
    see and the event's neutral facts, per type (docs/api.md, "Other organisations' events")."""

    redacted: Literal[True] = Field(True, description="True: fields the caller may not see "
                                    "were left out.")


AnyEventOut = EventOut | EventRedacted


class EventPage(Page[AnyEventOut]):
    """A page of events: each whole, or another organisation's redacted view."""


class EventBatchOut(BaseModel):
    events: list[EventOut]


class ByProvenance(BaseModel):
    in_province: float
    out_of_province: float
    imported: float


class LateKg(BaseModel):
    """Metal from melts recorded after the period ended (a late record changed the figure)."""

    recycled: float = Field(description="Of the recycled (verified) metal.")
    denominator: float = Field(description="Of the denominator (recycled, declared, primary).")


class ProducerShareOut(BaseModel):
    org: str
    name: str
    post_consumer_kg: float
    pre_consumer_kg: float
    declared_kg: float
    primary_kg: float
    home_scrap_kg: float
    rework_kg: float = Field(description="Metal of the producer's own products charged again "
                             "(internal rework): in neither the numerator nor the denominator.")
    recycled_share: float | None
    post_consumer_share: float | None
    pre_consumer_share: float | None
    claimed_share: float | None
    by_provenance_kg: ByProvenance
    imported_by_country_kg: dict[str, float] = Field(
        default_factory=dict, description="The eligible imported metal by country of origin "
        "(ISO 3166-1 alpha-2): adds up to by_provenance_kg.imported.", examples=[{"JP": 1200.0}])
    by_region_kg: dict[str, float] = Field(
        default_factory=dict, description="The eligible recycled metal by region: "
        "`in_province:<prefecture>`, `out_of_province:<province>` (GB/T 2260), "
        "`imported:<country>`; adds up to post_consumer_kg + pre_consumer_kg.",
        examples=[{"in_province:520100": 800.0, "imported:JP": 200.0}])
    recorded_late_kg: LateKg
    recycled_pct: float | None = Field(description="recycled_share as a percentage with two "
                                       "decimals, rounded half up (for display).", examples=[44.35])
    post_consumer_pct: float | None
    pre_consumer_pct: float | None
    claimed_pct: float | None


class RecycledShareReport(BaseModel):
    as_of: int = Field(description="The highest event `seq` the report includes: the same "
                       "report asked again with nothing recorded since answers the same.")
    unit: Literal["metal kg"] = Field("metal kg", description="Every *_kg of the report is "
                                      "kilograms of metal (material × metal fraction).")
    metal: str
    from_: str = Field(alias="from")
    to: str
    timezone: str
    producers: list[ProducerShareOut]

    model_config = ConfigDict(populate_by_name=True)


class SiteBalanceOut(BaseModel):
    site: str
    site_name: str
    org: str
    org_name: str
    metal: str
    opening_kg: float
    received_kg: float = Field(description="Scrap and products weighed in from other sites.")
    created_kg: float = Field(description="Lots collected, declared or sorted out here.")
    produced_kg: float = Field(description="Products of melts here.")
    shipped_kg: float
    charged_kg: float = Field(description="Lots charged into melts here.")
    losses_kg: float
    closing_kg: float = Field(description="opening + received + created + produced − shipped − "
                              "charged − losses, exactly.")
    primary_charged_kg: float = Field(description="Primary metal charged into melts here (bought "
                                      "in, never in stock): shown for reference, not in the "
                                      "balance.")


class MassBalanceReport(BaseModel):
    as_of: int = Field(description="The highest event `seq` the report includes.")
    unit: Literal["material kg"] = "material kg"
    from_: str = Field(alias="from")
    to: str
    timezone: str
    sites: list[SiteBalanceOut]

    model_config = ConfigDict(populate_by_name=True)
