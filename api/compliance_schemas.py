"""Request and response schemas of the compliance routes: manifests, transport, carbon and
smelter indicators."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from api.schemas import _In


class ManifestOut(BaseModel):
    number: str
    waste_code: str = Field(examples=["900-052-31"])
    generator: str = Field(description="The organisation that shipped the waste.")
    from_site: str
    carrier: str | None = Field(description="The vehicle, as the shipment recorded it.")
    mode: str | None
    receiver: str
    to_site: str
    shipped_kg: float = Field(description="Hazardous lots as they left the generator.")
    shipped_at: datetime
    confirmed_kg: float | None = Field(description="As the receiver weighed them in; null "
                                       "until received.")
    confirmed_at: datetime | None


class ModeOut(BaseModel):
    mode: str
    clean: bool
    tonne_km: float
    shipped_kg: float


class TransportOrgOut(BaseModel):
    org: str
    name: str
    modes: list[ModeOut]
    tonne_km: float
    clean_tonne_km: float
    clean_share: float | None = Field(description="clean ÷ all tonne-kilometres (null: none).")
    unrecorded_kg: float = Field(description="Shipped without a mode and distance: not in "
                                 "the tonne-kilometres.")


class TransportReport(BaseModel):
    as_of: int
    from_: str = Field(alias="from")
    to: str
    timezone: str
    orgs: list[TransportOrgOut]
    overall: TransportOrgOut

    model_config = ConfigDict(populate_by_name=True)


class FactorOut(BaseModel):
    metal: str = Field(description="Empty for the grid factor.")
    kind: str
    value: float | None = Field(description="null: not configured.")
    unit: str
    source: str


class ProducerCarbonOut(BaseModel):
    org: str
    name: str
    eligible_recycled_kg: float = Field(description="R_post + R_pre of the recycled share.")
    avoided_t_co2e: float | None = Field(description="null when the metal's factors are not "
                                         "configured.")


class CarbonReport(BaseModel):
    as_of: int
    metal: str
    from_: str = Field(alias="from")
    to: str
    factor_set: str
    status: Literal["ok", "not configured"]
    factors: list[FactorOut]
    producers: list[ProducerCarbonOut]
    total_avoided_t_co2e: float | None

    model_config = ConfigDict(populate_by_name=True)


Value = Annotated[Decimal, Field(ge=0, le=1_000_000, decimal_places=6, allow_inf_nan=False)]


class FactorIn(_In):
    metal: Literal["Al", "Cu", "Pb", ""] = Field(description="Empty for the grid factor.")
    kind: Literal["primary", "recycled", "grid"]
    value: Value
    unit: Annotated[str, Field(min_length=1, max_length=16, examples=["t CO2e/t"])]
    source: Annotated[str, Field(min_length=1, max_length=500)]


class FactorSetIn(_In):
    name: Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[a-z0-9][a-z0-9_.-]*$",
                               examples=["gz-2026"])]
    factors: list[FactorIn] = Field(min_length=1, max_length=20)


class FactorSetOut(BaseModel):
    name: str
    factors: list[FactorOut]


Tonnes = Annotated[Decimal, Field(ge=0, le=10_000_000, decimal_places=3, allow_inf_nan=False)]


class IndicatorIn(_In):
    month: Annotated[str, Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", examples=["2026-03"])]
    liquid_al_t: Tonnes = Field(description="Liquid (molten) aluminium produced, tonnes.")
    direct_alloyed_t: Tonnes = Field(description="Of it, alloyed directly as liquid.")
    ac_kwh: Annotated[int, Field(ge=0, le=10**13)] = Field(description="AC power used, kWh.")


class IndicatorOut(BaseModel):
    org: str
    month: str
    liquid_al_t: float
    direct_alloyed_t: float
    ac_kwh: int


class SmelterIndicatorsOut(BaseModel):
    org: str
    name: str
    liquid_al_t: float
    direct_alloyed_t: float
    ac_kwh: int
    direct_alloying_ratio: float | None
    ac_kwh_per_t: float | None
    at_benchmark: bool | None = Field(description="AC power per tonne at or below the "
                                      "benchmark (null: nothing produced).")
    below_baseline: bool | None


class TargetOut(BaseModel):
    indicator: str
    value: float
    unit: str
    source: str


class IndicatorReport(BaseModel):
    from_: str = Field(alias="from")
    to: str
    targets: list[TargetOut]
    smelters: list[SmelterIndicatorsOut]
    overall_direct_alloying_ratio: float | None
    overall_ac_kwh_per_t: float | None
    share_at_benchmark: float | None = Field(description="Liquid aluminium of smelters at "
                                             "the benchmark ÷ all (production as the measure "
                                             "of capacity).")

    model_config = ConfigDict(populate_by_name=True)
