"""Response schemas of the lineage route (documentation: the route renders with orjson)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from api.schemas import Custodian


class CreatedBy(BaseModel):
    event: str
    type: str
    occurred_at: str


class TraceNode(BaseModel):
    id: str = Field(description="The lot code, or for a lot the caller may not see a stable "
                    "opaque id (`h-…`).")
    hidden: bool
    metal: str
    mass_kg: float
    code: str | None = Field(None, description="Absent when hidden.")
    grade: str | None = None
    status: str | None = None
    custodian: Custodian | None = None
    created_by: CreatedBy | None = None


class TraceEdge(BaseModel):
    from_: str = Field(alias="from", description="Node id of the lot the mass came from.")
    to: str
    event: str | None = Field(description="The event's id; null when either end is hidden.")
    type: Literal["transform", "melt"]
    mass_kg: float = Field(description="What moved from `from` into `to`: a transformation's "
                           "input share of that output, a melt's charged mass.")


class TraceOrigin(BaseModel):
    lot: str = Field(description="Code of the root lot, or its opaque id when hidden.")
    hidden: bool
    origin: str
    provenance: Literal["in_province", "out_of_province", "imported"]
    region: str | None = Field(description="GB/T 2260 prefecture (in the province), province "
                               "(outside it) or ISO 3166 country (imported).")
    evidence: str
    org_kind: str
    mass_kg: float


class TraceOut(BaseModel):
    root: str
    direction: Literal["back", "forward"]
    truncated: bool = Field(description="True when `depth` left flows out.")
    nodes: list[TraceNode]
    edges: list[TraceEdge]
    origins: list[TraceOrigin] | None = Field(
        description="Back traces: the root lots' parts of the traced lot's non-primary mass, "
        "adding up to it exactly (docs/audit.md). Null for forward traces.")
