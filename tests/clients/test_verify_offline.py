"""`scraptrace-verify` as an agency runs it: a fresh virtual environment holding only the client
package checks the demo aluminium smelter's evidence for the last year, and prints the API's
shares exactly."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from domain.tlog import note
from seed.demo import DEMO_PASSWORD, seed_demo

CLIENT = Path(__file__).resolve().parents[2] / "clients" / "python"


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_the_demo_smelters_bundle_verifies_in_a_venv_with_only_the_client(db, settings,
                                                                          tmp_path):
    key = tmp_path / "log.key"
    key.write_text(note.generate("trace.example.test/log"))
    settings = settings.model_copy(update={"log_key_file": str(key)})
    seed_demo(db, settings)
    today = datetime.now(settings.tz).date()
    query = {"producer": "QN-LY", "metal": "Al", "from": (today - timedelta(days=365)).isoformat(),
             "to": (today + timedelta(days=1)).isoformat()}
    with TestClient(create_app(settings, db)) as c:
        token = c.post("/api/v1/auth/token", json={"username": "demo-auditor",
                                                   "password": DEMO_PASSWORD}).json()["access_token"]
        auth = {"Authorization": f"Bearer {token}"}
        bundle = c.get("/api/v1/reports/recycled-share/evidence", params=query, headers=auth)
        [report] = c.get("/api/v1/reports/recycled-share", params=query,
                         headers=auth).json()["producers"]
        vkey = c.get("/api/v1/log/key").text
    assert bundle.status_code == 200
    (tmp_path / "bundle.json").write_bytes(bundle.content)
    (tmp_path / "log.pub").write_text(vkey)

    venv = tmp_path / "agency"
    # The agency's machine: nothing of this checkout on the import path.
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, env=env)
    subprocess.run([venv / "bin" / "pip", "install", "-qq", "--disable-pip-version-check",
                    str(CLIENT)], check=True, capture_output=True, env=env)
    alone = subprocess.run([venv / "bin" / "python", "-c",
                            "import importlib.util as u; print([m for m in ('domain', 'api', "
                            "'sqlalchemy', 'fastapi') if u.find_spec(m)])"],
                           capture_output=True, text=True, cwd=tmp_path, env=env)
    assert alone.stdout.strip() == "[]"
    run = subprocess.run([venv / "bin" / "scraptrace-verify", "bundle", "bundle.json",
                          "--key", "log.pub"], capture_output=True, text=True, cwd=tmp_path,
                         env=env)
    assert run.returncode == 0, run.stdout + run.stderr
    lines = run.stdout.splitlines()
    assert lines[0].startswith("OK QN-LY Al ")
    shares = {ln.split()[0]: ln.split()[1] for ln in lines[1:5]}
    assert shares == {name: repr(report[name]) for name in (
        "recycled_share", "post_consumer_share", "pre_consumer_share", "claimed_share")}
    figures = {ln.split()[0]: int(ln.split()[1]) for ln in lines[5:]}
    assert figures["post_consumer_g"] == round(report["post_consumer_kg"] * 1000)
    assert figures["primary_g"] == round(report["primary_kg"] * 1000)
    assert report["recycled_share"] > 0 and json.loads(bundle.content)["report"]["org"] == "QN-LY"

    # The same file with one figure raised by a gram fails, naming it.
    data = json.loads(bundle.content)
    data["report"]["post_consumer_g"] += 1
    (tmp_path / "bundle.json").write_text(json.dumps(data))
    run = subprocess.run([venv / "bin" / "scraptrace-verify", "bundle", "bundle.json",
                          "--key", "log.pub"], capture_output=True, text=True, cwd=tmp_path,
                         env=env)
    assert run.returncode == 1
    assert run.stdout.splitlines() == [
        f"FAIL post_consumer_g: the report says {figures['post_consumer_g'] + 1} g, the logged "
        f"events give {figures['post_consumer_g']} g"]
