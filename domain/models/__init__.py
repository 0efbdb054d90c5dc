"""The persistent model: SQLModel table classes (schema changes only through Alembic)."""

from domain.models.compliance import (
    CarbonFactor,
    ImportRecord,
    LicenceUse,
    Manifest,
    ManifestReceipt,
    SmelterIndicator,
)
from domain.models.event import Event, EventLot, EventVoid
from domain.models.label import LabelBatch, LabelCode
from domain.models.ledger import MeltInput, Movement
from domain.models.lot import Lot, LotAccess
from domain.models.org import ApiToken, Org, Site, User
from domain.models.period import Period
from domain.models.tlog import TlogLeaf, TlogNode, TlogState

__all__ = [
    "ApiToken",
    "CarbonFactor",
    "Event",
    "EventLot",
    "EventVoid",
    "ImportRecord",
    "LabelBatch",
    "LabelCode",
    "LicenceUse",
    "Lot",
    "LotAccess",
    "Manifest",
    "ManifestReceipt",
    "MeltInput",
    "Movement",
    "Org",
    "Period",
    "Site",
    "SmelterIndicator",
    "TlogLeaf",
    "TlogNode",
    "TlogState",
    "User",
]
