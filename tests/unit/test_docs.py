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


def _raised_codes() -> set[tuple[str, str]]:
    """(exception class, code) of every `raise SomeError(..., code="...")` in domain and api."""
    import ast

    pairs = set()
    for path in [p for d in ("domain", "api") for p in (ROOT / d).rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) \
                    and isinstance(node.exc.func, ast.Name):
                for kw in node.exc.keywords:
                    if kw.arg == "code" and isinstance(kw.value, ast.Constant):
                        pairs.add((node.exc.func.id, kw.value.value))
    return pairs


def test_each_code_has_the_status_the_guide_gives_it():
    from api.problems import status_of
    from domain import errors

    guide = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    documented: dict[str, set[int]] = {}
    for status, codes in re.findall(r"^\| (\d{3}) \| (.+?) \|", guide, flags=re.M):
        for code in re.findall(r"`([a-z][a-z-]+)`", codes):
            documented.setdefault(code, set()).add(int(status))
    wrong = []
    for cls_name, code in sorted(_raised_codes()):
        cls = getattr(errors, cls_name, None)
        if cls is None:
            continue
        status = status_of(cls("x"))
        if documented.get(code) != {status}:
            wrong.append((code, cls_name, status, documented.get(code)))
    assert wrong == []


def _anchor(heading: str) -> str:
    """The anchor a Markdown renderer gives a heading (GitHub's rule, for these headings)."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_links_into_the_domain_guide_name_its_sections():
    guide = (ROOT / "docs" / "domain.md").read_text(encoding="utf-8")
    anchors = {_anchor(h) for h in re.findall(r"^#{2,4} (.+)$", guide, flags=re.M)}
    assert {"rules", "accounting", "not-built-yet"} <= anchors
    docs = [ROOT / "README.md", ROOT / "seed" / "README.md", *(ROOT / "docs").glob("*.md")]
    broken = [(p.name, a) for p in docs
              for a in re.findall(r"domain\.md#([\w-]+)\)", p.read_text(encoding="utf-8"))
              if a not in anchors]
    assert broken == []


def test_the_documentation_cites_the_domain_guide_not_a_missing_file():
    docs = [ROOT / "README.md", ROOT / "seed" / "README.md", ROOT / "seed" / "grades.csv",
            *(ROOT / "docs").glob("*.md")]
    assert [p.name for p in docs if "DOMAIN.md" in p.read_text(encoding="utf-8")] == []
