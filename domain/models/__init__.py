"""The persistent model: SQLModel table classes (schema changes only through Alembic)."""

from domain.models.event import Event, EventLot, EventVoid
from domain.models.label import LabelBatch, LabelCode
from domain.models.ledger import MeltInput, Movement
from domain.models.lot import Lot, LotAccess
from domain.models.org import ApiToken, Org, Site, User

__all__ = [
    "ApiToken", "Event", "EventLot", "EventVoid", "LabelBatch", "LabelCode", "Lot", "LotAccess",
    "MeltInput", "Movement", "Org", "Site", "User",
]
