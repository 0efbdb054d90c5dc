"""The documentation lists every problem code the code can answer."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_problem_code_is_documented():
    sources = [p for d in ("domain", "api") for p in (ROOT / d).rglob("*.py")]
    found = set()
    for path in sources:
        text = path.read_text(encoding="utf-8")
        found |= set(re.findall(r'\bcode="([a-z][a-z-]+)"', text))
        found |= set(re.findall(r'^    code = "([a-z][a-z-]+)"', text, flags=re.M))
    found -= {"domain-error", "conflict", "forbidden", "rule-violation", "http-error",
              "method-not-allowed", "internal-error"}  # base classes and generic fallbacks
    guide = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"`([a-z][a-z-]+)`", guide))
    assert sorted(found - documented) == []
