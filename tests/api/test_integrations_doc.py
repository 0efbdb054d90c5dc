"""The examples of docs/integrations.md run: its capture document, its sample spreadsheet and
mapping, and its webhook receiver."""

from __future__ import annotations

import json
import re
from pathlib import Path

from scraptrace_client.sheets import load_mapping, read_sheet

from tests.api.conftest import Api

DOCS = Path(__file__).resolve().parents[2] / "docs"
GUIDE = (DOCS / "integrations.md").read_text(encoding="utf-8")


def test_the_capture_example_is_stored(api: Api) -> None:
    api.world.org("GY-HS", "collector", sites=(("GY-HS-1", "520102"),))
    block = re.search(r"<!-- example: capture -->\n```json\n(.+?)```", GUIDE, flags=re.S)
    assert block is not None
    r = api.post("GY-HS", "/epcis/capture", json.loads(block.group(1)))
    assert r.status_code == 201, r.text
    [answer] = r.json()["events"]
    assert (answer["status"], answer["created_lots"]) == ("stored", ["TE62DKEX6"])
    assert api.get("GY-HS", "/lots/TE62DKEX6").json()["mass_kg"] == 412.5


def test_the_sample_spreadsheet_maps_and_is_recorded(api: Api) -> None:
    api.world.org("GY-HS", "collector", sites=(("GY-HS-1", "520102"),))
    sheet = read_sheet(DOCS / "samples" / "weighbridge.csv",
                       load_mapping(DOCS / "samples" / "weighbridge-map.toml"))
    assert (sheet.errors, sheet.rows) == ([], [2, 3, 4, 5])
    assert [(e["metal"], e["grade"], e["mass_kg"]) for e in sheet.events] == [
        ("Al", "AL-TALC", 910.5), ("Al", "AL-TAINT-TABOR", 1607.0), ("Al", "AL-TALC", 468.2),
        ("Cu", "CU-BARLEY", 304.4)]
    r = api.post("GY-HS", "/events", {"events": sheet.events})
    assert r.status_code == 201, r.text


def test_the_receiver_example_verifies_and_deduplicates() -> None:
    from datetime import UTC, datetime

    from standardwebhooks import Webhook

    block = re.search(r"```python\n(.+?)```", GUIDE, flags=re.S)
    assert block is not None
    scope: dict[str, object] = {}
    exec(block.group(1), scope)
    secret = "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = '{"type": "event.collect", "data": {"id": "x"}}'
    now = datetime.now(UTC)
    headers = {"webhook-id": "msg_1", "webhook-timestamp": str(int(now.timestamp())),
               "webhook-signature": Webhook(secret).sign("msg_1", now, body)}
    seen: set[str] = set()
    receive = scope["receive"]
    assert receive(body, headers, secret, seen) == json.loads(body)  # type: ignore[operator]
    assert receive(body, headers, secret, seen) is None  # type: ignore[operator]
