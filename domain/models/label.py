"""Pre-printed label codes: batches allocated to a site before the lots they will name exist."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from domain.models.types import UtcDateTime, utcnow


class LabelBatch(SQLModel, table=True):
    """One `POST /labels`: who asked for how many codes, for which site, printed how."""

    __tablename__ = "label_batch"

    id: str = Field(max_length=36, primary_key=True)  # a UUID, named in the PDF's URL
    site_id: int = Field(foreign_key="site.id", index=True)
    org_id: int = Field(foreign_key="org.id")
    user_id: int = Field(foreign_key="app_user.id")
    layout: str = Field(max_length=8)  # a4, roll
    count: int
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class LabelCode(SQLModel, table=True):
    """A code reserved for one site's `collect` or `declare`; the lot table shows whether it is used."""

    __tablename__ = "label_code"

    code: str = Field(max_length=9, primary_key=True)
    batch_id: str = Field(max_length=36, foreign_key="label_batch.id", index=True)
    position: int  # 0-based place on the printed sheet
    site_id: int = Field(foreign_key="site.id")
