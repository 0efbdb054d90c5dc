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
from domain.models.finding import Finding, FindingNote
from domain.models.label import LabelBatch, LabelCode
from domain.models.ledger import MeltInput, Movement
from domain.models.lineage import LotEdge
from domain.models.lot import Lot, LotAccess
from domain.models.org import ApiToken, Org, Site, User
from domain.models.period import Period
from domain.models.tlog import TlogLeaf, TlogNode, TlogState
from domain.models.webhook import Webhook, WebhookDelivery

__all__ = [
    "ApiToken",
    "CarbonFactor",
    "Event",
    "EventLot",
    "EventVoid",
    "Finding",
    "FindingNote",
    "ImportRecord",
    "LabelBatch",
    "LabelCode",
    "LicenceUse",
    "Lot",
    "LotAccess",
    "LotEdge",
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
    "Webhook",
    "WebhookDelivery",
]
