"""The thresholds of the finding rules: versioned policy data in seed/finding_policy.csv."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from domain.catalogue import seed_rows


@dataclass(frozen=True)
class Threshold:
    kind: str
    subject: str  # "*", or the site, grade or product it applies to
    param: str
    value: Decimal
    unit: str
    severity: str
    source: str

    def params(self, measured: Decimal | int | float, **extra: object) -> dict[str, object]:
        """What a finding shows: the measured value, the threshold and where it comes from."""
        return {"measured": float(measured), "threshold": float(self.value), "unit": self.unit,
                "param": self.param, "subject": self.subject, "source": self.source, **extra}


@lru_cache(maxsize=1)
def _table() -> dict[tuple[str, str, str], Threshold]:
    return {(r["kind"], r["param"], r["subject"]): Threshold(
        kind=r["kind"], subject=r["subject"], param=r["param"], value=Decimal(r["value"]),
        unit=r["unit"], severity=r["severity"], source=r["source"])
        for r in seed_rows("finding_policy.csv")}


def threshold(kind: str, param: str, subject: str | None = None) -> Threshold:
    """The threshold for `subject` (a site, grade or product) if one is configured, else the
    kind's default row (`*`)."""
    table = _table()
    return table.get((kind, param, subject or "*")) or table[(kind, param, "*")]
