"""Event commands as clients send them (DESIGN.md §3): shapes, types and limits, no state."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, PlainSerializer

MAX_KG = Decimal("10000000")  # 10,000 t: no single lot or melt is larger
# Stored and echoed as JSON numbers (at most 3 or 4 decimals below 10^7: exact as doubles).
AsNumber = PlainSerializer(float, return_type=float, when_used="json")

Kg = Annotated[Decimal, Field(gt=0, le=MAX_KG, decimal_places=3, allow_inf_nan=False,
                              description="Kilograms, above 0, at most 3 decimals.",
                              examples=[1250.5]), AsNumber]
Pct = Annotated[Decimal, Field(gt=0, le=100, decimal_places=4, allow_inf_nan=False,
                               description="Percent, above 0 and at most 100, at most 4 decimals."),
               AsNumber]
LotRef = Annotated[str, Field(min_length=1, max_length=20, description="A lot code, any case, "
                              "hyphens optional.", examples=["7KQ-M3X-9PD"])]
Code = Annotated[str, Field(min_length=1, max_length=32)]
Text = Annotated[str, Field(max_length=200)]
Region = Annotated[str, Field(pattern=r"^\d{6}$", description="GB/T 2260 division code.",
                              examples=["520100"])]
Metal = Literal["Al", "Cu", "Pb"]
Origin = Literal["post_consumer", "pre_consumer", "home_scrap"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class _Event(_Strict):
    id: UUID = Field(description="Chosen by the client; the idempotency key of the event.")
    occurred_at: AwareDatetime = Field(description="When it happened, RFC 3339 with offset.",
                                       examples=["2026-05-04T09:30:00+08:00"])
    site: Code = Field(description="Code of the site where it happened (the caller's own).")


class Source(_Strict):
    kind: Literal["household", "business", "collector", "dealer"]
    region: Region | None = None
    name: Text | None = None


class Supplier(_Strict):
    name: Text
    uscc: Annotated[str, Field(max_length=18)] | None = None
    region: Region | None = None


class Collect(_Event):
    """A new traced lot collected at the site."""

    type: Literal["collect"]
    lot: LotRef | None = Field(None, description="A pre-printed code; omitted: one is assigned.")
    metal: Metal
    grade: Code
    origin: Origin
    mass_kg: Kg
    gross_kg: Kg | None = None
    tare_kg: Kg | None = None
    source: Source | None = None


class Declare(Collect):
    """A lot entered without an on-platform history: counted as `declared` evidence."""

    type: Literal["declare"]  # type: ignore[assignment]
    supplier: Supplier | None = None
    reason: Literal["opening_stock", "off_platform_purchase", "paper_record"]


class Inspection(_Strict):
    """The inspection on import: sensory, laboratory and radiation (DOMAIN §5, imports)."""

    method: Annotated[str, Field(max_length=64)] | None = None
    passed: bool
    metal_pct: Pct | None = None
    inclusions_pct: Annotated[Decimal, Field(ge=0, le=100, decimal_places=4,
                                             allow_inf_nan=False), AsNumber] | None = None
    radiation_ok: bool


class Import(_Event):
    """Recycled raw material cleared through customs: a new lot of provenance `imported`."""

    type: Literal["import"]
    lot: LotRef | None = Field(None, description="A pre-printed code; omitted: one is assigned.")
    metal: Metal
    grade: Code
    origin: Literal["post_consumer", "pre_consumer"]
    mass_kg: Kg
    country: Annotated[str, Field(min_length=2, max_length=2, examples=["JP"],
                                  description="Country of origin, ISO 3166-1 alpha-2.")]
    declaration: Annotated[str, Field(min_length=1, max_length=32, examples=[
        "531620241000012345"], description="Customs declaration number (18 digits, the 9th 1).")]
    commodity_code: Annotated[str, Field(min_length=1, max_length=16, examples=["7602000020"])]
    standard: Annotated[str, Field(min_length=1, max_length=32, examples=["GB/T 38472-2023"])]
    inspection: Inspection


class TransformInput(_Strict):
    lot: LotRef
    mass_kg: Kg | None = Field(None, description="Omitted: all of the lot.")


class TransformOutput(_Strict):
    lot: LotRef | None = None
    metal: Metal | None = None
    grade: Code | None = None
    mass_kg: Kg


class Transform(_Event):
    """Sort, split, merge, pre-treat or bale: inputs become outputs; the rest is loss."""

    type: Literal["transform"]
    kind: Literal["sort", "split", "merge", "pretreat", "bale"]
    inputs: list[TransformInput] = Field(min_length=1, max_length=200)
    outputs: list[TransformOutput] = Field(min_length=1, max_length=200)


class Transport(_Strict):
    mode: Literal["rail", "waterway", "road_electric", "road_hydrogen", "road_diesel", "road_gas",
                  "pipeline", "conveyor"]
    distance_km: Annotated[Decimal, Field(ge=0, le=20000, decimal_places=1,
                                          allow_inf_nan=False), AsNumber] | None = None
    vehicle: Annotated[str, Field(max_length=32)] | None = None
    waybill: Annotated[str, Field(max_length=64)] | None = None


class Ship(_Event):
    """Lots leave the site for `to_site`; they are in transit until received there."""

    type: Literal["ship"]
    lots: list[LotRef] = Field(min_length=1, max_length=500)
    to_site: Code
    transport: Transport | None = None
    manifest: Annotated[str, Field(max_length=64)] | None = Field(
        None, description="Hazardous-waste transfer manifest number; required for hazardous grades.")


class ReceivedLot(_Strict):
    lot: LotRef
    mass_kg: Kg = Field(description="As weighed on arrival.")
    reason: Text | None = Field(None, description="Why the lot weighs more than it was shipped "
                                "at; required above the configured bound (default +5 %).")


class Receive(_Event):
    """The destination site takes custody at the weights it measured."""

    type: Literal["receive"]
    lots: list[ReceivedLot] = Field(min_length=1, max_length=500)


class Assay(_Event):
    """A laboratory's metal content for a lot: it replaces the grade default."""

    type: Literal["assay"]
    lot: LotRef
    metal_pct: Pct
    method: Annotated[str, Field(max_length=64)] | None = None
    lab: Text | None = None


class MeltInputCmd(_Strict):
    lot: LotRef
    mass_kg: Kg


class PrimaryInput(_Strict):
    material: Text
    mass_kg: Kg
    metal_pct: Pct | None = Field(None, description="Default 100.")


class Melt(_Event):
    """Lots (and primary metal) charged into a melt that yields a product lot."""

    type: Literal["melt"]
    batch: LotRef | None = Field(None, description="Code for the product lot; omitted: assigned.")
    metal: Metal
    product: Code = Field(examples=["ADC12"])
    inputs: list[MeltInputCmd] = Field(default_factory=list, max_length=200)
    primary: list[PrimaryInput] = Field(default_factory=list, max_length=50)
    output_mass_kg: Kg


class Void(_Event):
    """Declares an earlier event of the caller's organisation an error (EPCIS errorDeclaration)."""

    type: Literal["void"]
    target: UUID
    reason: Annotated[str, Field(min_length=1, max_length=500)]


Command = Collect | Declare | Import | Transform | Ship | Receive | Assay | Melt | Void
EventCommand = Annotated[Command, Field(discriminator="type")]
