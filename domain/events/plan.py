"""A checked event, ready to write: the lots it will create and how to apply it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

Apply = Callable[[int, datetime], None]  # (seq, occurred_at in UTC)


@dataclass
class Plan:
    apply: Apply
    created_lots: list[str] = field(default_factory=list)
