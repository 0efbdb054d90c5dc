"""The grade catalogue: reference data read from seed/grades.csv (versioned with its sources)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from importlib.resources import files

from domain.accounting import PPM


@dataclass(frozen=True)
class Grade:
    code: str
    metal: str
    name_zh: str
    name_en: str
    isri: str | None
    default_metal_pct: Decimal
    hazardous: bool
    hazardous_code: str | None
    source: str

    @property
    def default_ppm(self) -> int:
        return int(self.default_metal_pct * PPM / 100)


@lru_cache(maxsize=1)
def grades() -> dict[str, Grade]:
    text = files("seed").joinpath("grades.csv").read_text(encoding="utf-8")
    out: dict[str, Grade] = {}
    for row in csv.DictReader(text.splitlines()):
        out[row["code"]] = Grade(
            code=row["code"], metal=row["metal"], name_zh=row["name_zh"], name_en=row["name_en"],
            isri=row["isri"] or None, default_metal_pct=Decimal(row["default_metal_pct"]),
            hazardous=row["hazardous"].strip().lower() == "true",
            hazardous_code=row["hazardous_code"] or None, source=row["source"])
    return out


def grade(code: str) -> Grade | None:
    return grades().get(code)
