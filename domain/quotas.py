"""Quotas on what one request may create: a pure count over parsed event commands."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from domain.errors import InvalidInput

ONE_LOT = ("collect", "declare", "import", "melt")  # each creates exactly one lot


def lots_created(commands: Iterable[Any]) -> int:
    """Lots the commands would create: one per collect, declare, import or melt, and one per
    transform output (a void or a movement creates none)."""
    total = 0
    for command in commands:
        kind = getattr(command, "type", None)
        if kind in ONE_LOT:
            total += 1
        elif kind == "transform":
            total += len(getattr(command, "outputs", ()))
    return total


def check_lots_per_request(commands: Iterable[Any], limit: int) -> None:
    """Refuse a request that would create more than `limit` lots (`too-many-lots`)."""
    count = lots_created(commands)
    if count > limit:
        raise InvalidInput(f"the request would create {count} lots; at most {limit} per request",
                           code="too-many-lots", count=count, limit=limit)
