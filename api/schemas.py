"""Request and response schemas of the HTTP API (never table classes)."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field

from domain.commands import EventCommand

Name = Annotated[str, Field(min_length=1, max_length=200)]
Slug = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]
T = TypeVar("T")
RegionCode = Annotated[str, Field(pattern=r"^\d{6}$", examples=["520100"])]
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}")


def _rfc3339_only(value: object) -> object:
    """Pydantic would read a number (or a numeric string) as Unix seconds: refuse it."""
    if isinstance(value, str) and not _RFC3339.match(value):
        raise ValueError("expected an RFC 3339 date-time, e.g. 2026-05-04T09:30:00+08:00")
    if isinstance(value, int | float):
        raise ValueError("expected an RFC 3339 date-time, e.g. 2026-05-04T09:30:00+08:00")
    return value


Instant = Annotated[AwareDatetime, BeforeValidator(_rfc3339_only)]
DateTimeText = Annotated[datetime, BeforeValidator(_rfc3339_only)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class TokenIn(_In):
    username: Annotated[str, Field(min_length=1, max_length=64)]
    password: Annotated[str, Field(min_length=1, max_length=256)]


class TokenOut(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_at: datetime


class Licence(_In):
    kind: Annotated[str, Field(max_length=32, examples=["hazardous_waste"])]
    number: Annotated[str, Field(max_length=64)]
    categories: list[Annotated[str, Field(max_length=32)]] = Field(default_factory=list,
                                                                   max_length=50)
    annual_capacity_t: Annotated[Decimal, Field(ge=0, le=10_000_000, decimal_places=3)] | None = None
    valid_from: DateTimeText | None = None
    valid_to: DateTimeText | None = None


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
    password: Annotated[str, Field(min_length=8, max_length=256)]
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


class Cell(BaseModel):
    origin: str
    provenance: str
    evidence: str
    mass_kg: float


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


class EventOut(BaseModel):
    """The stored event: its body as sent, with what the server added."""

    model_config = ConfigDict(extra="allow")

    id: str
    type: str
    seq: int = Field(description="Its place in the log.")
    org: str
    site: str
    occurred_at: datetime
    recorded_at: datetime
    created_lots: list[str]
    voided_by: str | None = None
    replay: bool | None = Field(None, description="In answers to POST /events only: true when "
                                "this event was stored before and this is an exact replay.")


class EventBatchOut(BaseModel):
    events: list[EventOut]


class ByProvenance(BaseModel):
    in_province: float
    out_of_province: float
    imported: float


class ProducerShareOut(BaseModel):
    org: str
    name: str
    post_consumer_kg: float
    pre_consumer_kg: float
    declared_kg: float
    primary_kg: float
    home_scrap_kg: float
    recycled_share: float | None
    post_consumer_share: float | None
    pre_consumer_share: float | None
    claimed_share: float | None
    by_provenance_kg: ByProvenance


class RecycledShareReport(BaseModel):
    metal: str
    from_: str = Field(alias="from")
    to: str
    timezone: str
    producers: list[ProducerShareOut]

    model_config = ConfigDict(populate_by_name=True)


class SiteBalanceOut(BaseModel):
    site: str
    org: str
    metal: str
    opening_kg: float
    received_kg: float
    created_kg: float
    shipped_kg: float
    charged_kg: float
    losses_kg: float
    closing_kg: float = Field(description="opening + received + created − shipped − charged − "
                              "losses, exactly.")


class MassBalanceReport(BaseModel):
    from_: str = Field(alias="from")
    to: str
    timezone: str
    sites: list[SiteBalanceOut]

    model_config = ConfigDict(populate_by_name=True)
