"""Every enum value the API can send has a label in both languages of the phone app, and both
locales have the same keys: a new origin, status or transport mode cannot leak in raw."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from typing import Any, get_args

import pytest

from domain import commands, composition, lots
from tests.e2e.conftest import ROOT

pytestmark = pytest.mark.e2e

LOCALES = ROOT / "clients" / "web" / "src" / "locales"


def literal(model: Any, field: str) -> tuple[str, ...]:
    return get_args(model.model_fields[field].annotation)


ENUMS: dict[str, tuple[str, ...]] = {
    "metal": get_args(commands.Metal),
    "origin": composition.ORIGINS,
    "provenance": composition.PROVENANCES,
    "evidence": composition.EVIDENCES,
    "status": lots.LOT_STATUSES,
    "event": tuple(literal(c, "type")[0] for c in get_args(commands.Command)),
    "mode": literal(commands.Transport, "mode"),
    "seller": literal(commands.Source, "kind"),
    "kind": literal(commands.Transform, "kind"),
    "reason": literal(commands.Declare, "reason"),
}


def load_locales(prefix: str = "") -> dict[str, dict[str, str]]:
    """The two locales `{prefix}zh-CN.js` and `{prefix}en.js`, read with node."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is missing")
    script = ("const [zh, en] = await Promise.all(['zh-CN', 'en'].map((l) => "
              f"import({json.dumps(str(LOCALES))} + '/{prefix}' + l + '.js')));"
              "console.log(JSON.stringify({'zh-CN': zh.default, en: en.default}));")
    out = subprocess.run([node, "--input-type=module", "-e", script], check=True,
                         capture_output=True, text=True).stdout
    return dict(json.loads(out))


@pytest.fixture(scope="module")
def locales() -> dict[str, dict[str, str]]:
    return load_locales()


def test_every_enum_value_has_a_label_in_both_languages(locales: dict[str, dict[str, str]]) -> None:
    missing = [f"{lang}: {group}.{value}" for lang, messages in locales.items()
               for group, values in ENUMS.items() for value in values
               if not messages.get(f"{group}.{value}", "").strip()]
    assert not missing


def test_both_locales_have_the_same_keys(locales: dict[str, dict[str, str]]) -> None:
    assert set(locales["zh-CN"]) == set(locales["en"])


def test_event_labels_are_plain(locales: dict[str, dict[str, str]]) -> None:
    zh = {k.removeprefix("event."): v for k, v in locales["zh-CN"].items() if k.startswith("event.")}
    assert zh == {"collect": "回收登记", "receive": "到货签收", "ship": "发货",
                  "transform": "分拣/加工", "assay": "化验", "melt": "熔炼",
                  "declare": "申报入账", "void": "作废", "import": "进口入账"}
    assert locales["zh-CN"]["provenance.in_province"] == "省内"
    assert locales["zh-CN"]["evidence.traced"] == "平台追溯"


def documented_problem_codes() -> list[str]:
    """Every code in the table of docs/api.md's "Problems" section, in its order."""
    guide = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    found = [code for _, cell in re.findall(r"^\| (\d{3}) \| (.+?) \|", guide, flags=re.M)
             for code in re.findall(r"`([a-z][a-z-]+)`", cell)]
    assert len(found) >= 50  # the table was parsed, not skipped
    return found


@pytest.mark.parametrize("code", documented_problem_codes())
def test_problem_code_has_a_message_in_both_languages(locales: dict[str, dict[str, str]],
                                                      code: str) -> None:
    zh, en = locales["zh-CN"].get(f"problem.{code}", ""), locales["en"].get(f"problem.{code}", "")
    assert zh.strip() and en.strip()
    assert re.search(r"[\u4e00-\u9fff]", zh), zh  # the Chinese message is Chinese
    assert zh != en


@pytest.fixture(scope="module")
def desk_locales() -> dict[str, dict[str, str]]:
    """The desk screens' messages (locales/desk.*.js), loaded with the desk chunk."""
    return load_locales("desk.")


def test_the_desk_locales_have_the_same_keys_and_every_key_the_screens_use(
        desk_locales: dict[str, dict[str, str]]) -> None:
    assert set(desk_locales["zh-CN"]) == set(desk_locales["en"])
    source = "\n".join(p.read_text(encoding="utf-8")
                       for p in (LOCALES.parent / "desk").glob("*.jsx"))
    used = set(re.findall(r"t\('(desk\.[A-Za-z.]+)'", source))
    assert len(used) >= 40  # the screens were read
    assert sorted(used - set(desk_locales["en"])) == []
    assert all(v.strip() for messages in desk_locales.values() for v in messages.values())
