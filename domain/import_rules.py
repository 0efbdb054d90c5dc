"""The solid-waste import rules (docs/domain.md, Imports) over the reference data in seed/: pure."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache

import pycountry

from domain.catalogue import seed_rows
from domain.errors import InvalidInput, RuleViolation

DECLARATION = re.compile(r"^\d{4}(19|20)\d{2}[01]\d{9}$")
STANDARD = re.compile(r"^GB/T\s?(\d{5})-(\d{4})$")


def _day(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


@dataclass(frozen=True)
class Dated:
    """A reference row in force on [since, until) (either end open when not configured)."""

    since: date | None
    until: date | None

    def in_force(self, on: date) -> bool:
        return (self.since is None or self.since <= on) and (self.until is None or on < self.until)


@dataclass(frozen=True)
class CommodityCode(Dated):
    list: str
    code: str
    kind: str
    metal: str
    source: str


@dataclass(frozen=True)
class Standard(Dated):
    number: str  # e.g. "GB/T 38472"
    edition: str
    kind: str
    source: str


@dataclass(frozen=True)
class Limit:
    standard: str  # e.g. "GB/T 38472-2023"
    field: str  # an inspection field: metal_pct, inclusions_pct
    min: Decimal | None
    max: Decimal | None
    source: str


@dataclass(frozen=True)
class Kind:
    kind: str
    metal: str
    name_zh: str
    name_en: str


@lru_cache(maxsize=1)
def kinds() -> dict[str, Kind]:
    return {r["kind"]: Kind(r["kind"], r["metal"], r["name_zh"], r["name_en"])
            for r in seed_rows("material_kinds.csv")}


@lru_cache(maxsize=1)
def commodity_codes() -> tuple[CommodityCode, ...]:
    return tuple(CommodityCode(since=_day(r["in_force_from"]), until=_day(r["in_force_to"]),
                               list=r["list"], code=r["commodity_code"], kind=r["kind"],
                               metal=r["metal"], source=r["source"])
                 for r in seed_rows("import_codes.csv"))


@lru_cache(maxsize=1)
def standards() -> tuple[Standard, ...]:
    return tuple(Standard(since=_day(r["in_force_from"]), until=_day(r["in_force_to"]),
                          number=r["standard"], edition=r["edition"], kind=r["kind"],
                          source=r["source"]) for r in seed_rows("import_standards.csv"))


@lru_cache(maxsize=1)
def limits() -> tuple[Limit, ...]:
    """Numeric limits of the standards, keyed by edition; none is configured until its value
    is confirmed (the texts are not public)."""
    return tuple(Limit(standard=f"{r['standard']}-{r['edition']}", field=r["field"],
                       min=Decimal(r["min"]) if r["min"] else None,
                       max=Decimal(r["max"]) if r["max"] else None, source=r["source"])
                 for r in seed_rows("import_limits.csv"))


def check_declaration(number: str) -> None:
    """18 digits: customs office (4), year (4), flow (1: import), sequence (9)."""
    if not DECLARATION.match(number):
        raise InvalidInput(f"'{number}' is not a customs declaration number (18 digits: office, "
                           "year, flow, sequence)", code="invalid-declaration",
                           pointer="/declaration")
    if number[8] != "1":
        raise RuleViolation(f"declaration {number} is an export declaration (9th digit "
                            f"{number[8]}, not 1)", code="not-an-import-declaration",
                            pointer="/declaration")


def check_country(alpha2: str) -> None:
    if pycountry.countries.get(alpha_2=alpha2) is None or alpha2 != alpha2.upper():
        raise InvalidInput(f"'{alpha2}' is not an ISO 3166-1 alpha-2 country code",
                           code="invalid-country", pointer="/country")


def material_kind(code: str, metal: str, on: date) -> str:
    """The material kind of a commodity code listed on `on`; refused unless listed and of
    `metal`."""
    listed = [c for c in commodity_codes() if c.code == code and c.in_force(on)]
    if not listed:
        raise RuleViolation(f"commodity code {code} is not on the list of recycled raw "
                            f"material in force on {on.isoformat()}",
                            code="commodity-code-not-listed", pointer="/commodity_code")
    entry = listed[0]
    if entry.metal != metal:
        raise RuleViolation(f"commodity code {code} is {kinds()[entry.kind].name_en} "
                            f"({entry.metal}), not {metal}", code="commodity-code-mismatch",
                            pointer="/commodity_code")
    return entry.kind


def standard_edition(text: str, kind: str, on: date) -> Standard:
    """The standard edition named by `text`; refused unless known, in force on `on` and of the
    material kind."""
    found = STANDARD.match(text.strip())
    known = [s for s in standards()
             if found and s.number == f"GB/T {found[1]}" and s.edition == found[2]]
    if not known:
        raise RuleViolation(f"'{text}' is not a recycled-raw-material standard edition "
                            "(GB/T 38470, 38471, 38472, 40382 or 40386 with its year)",
                            code="standard-not-recognised", pointer="/standard")
    edition = known[0]
    if not edition.in_force(on):
        raise RuleViolation(f"{edition.number}-{edition.edition} is not in force on "
                            f"{on.isoformat()}", code="standard-not-in-force",
                            pointer="/standard")
    if edition.kind != kind:
        raise RuleViolation(f"{edition.number}-{edition.edition} is the standard of "
                            f"{kinds()[edition.kind].name_en}, not of {kinds()[kind].name_en}",
                            code="standard-mismatch", pointer="/standard")
    return edition


def check_inspection(passed: bool, radiation_ok: bool, values: Mapping[str, Decimal | None],
                     standard: str, table: tuple[Limit, ...] | None = None) -> None:
    """A passing inspection, radiation included, with every value that has a configured limit
    of `standard` (e.g. "GB/T 38472-2023") within it."""
    if not passed:
        raise RuleViolation("the inspection did not pass", code="inspection-failed",
                            pointer="/inspection/passed")
    if not radiation_ok:
        raise RuleViolation("the radiation check did not pass", code="radiation-failed",
                            pointer="/inspection/radiation_ok")
    for limit in limits() if table is None else table:
        value = values.get(limit.field)
        if limit.standard != standard or value is None:
            continue
        if (limit.min is not None and value < limit.min) or \
                (limit.max is not None and value > limit.max):
            bound = f"at least {limit.min}" if limit.min is not None and value < limit.min \
                else f"at most {limit.max}"
            raise RuleViolation(f"{limit.field} {value} is outside the limit of {standard}: "
                                f"{bound} ({limit.source})", code="inspection-limit",
                                pointer=f"/inspection/{limit.field}")
