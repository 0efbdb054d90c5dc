"""Reference data read from seed/ (versioned with its sources): grades and GB/T 2260 regions."""

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


def seed_rows(name: str) -> list[dict[str, str]]:
    """The rows of a reference-data file of seed/ (UTF-8 CSV with one header row)."""
    text = files("seed").joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


@lru_cache(maxsize=1)
def grades() -> dict[str, Grade]:
    out: dict[str, Grade] = {}
    for row in seed_rows("grades.csv"):
        out[row["code"]] = Grade(
            code=row["code"], metal=row["metal"], name_zh=row["name_zh"], name_en=row["name_en"],
            isri=row["isri"] or None, default_metal_pct=Decimal(row["default_metal_pct"]),
            hazardous=row["hazardous"].strip().lower() == "true",
            hazardous_code=row["hazardous_code"] or None, source=row["source"])
    return out


def grade(code: str) -> Grade | None:
    return grades().get(code)


@dataclass(frozen=True)
class Region:
    code: str
    name_zh: str
    name_en: str
    level: str


@lru_cache(maxsize=1)
def regions() -> dict[str, Region]:
    return {row["code"]: Region(code=row["code"], name_zh=row["name_zh"], name_en=row["name_en"],
                                level=row["level"]) for row in seed_rows("regions.csv")}


def region(code: str) -> Region | None:
    """The division itself, else the prefecture, else the province it lies in (GB/T 2260 prefixes)."""
    known = regions()
    for candidate in (code, code[:4] + "00", code[:2] + "0000"):
        if len(code) == 6 and candidate in known:
            return known[candidate]
    return None
