"""GET /reports/recycled-share/evidence: who may export it, what it holds, and that the offline
verifier recomputes the report's figures from it exactly, voids and rework included."""

from __future__ import annotations

import base64
import json

import pytest
import rfc8785
from scraptrace_client import verify_cli
from scraptrace_client.tlog import VerifierKey
from scraptrace_client.verify import check_bundle
from typer.testing import CliRunner

from domain.tlog import note

QUERY = {"producer": "S", "metal": "Al", "from": "2026-01-01", "to": "2027-01-01"}


@pytest.fixture
def settings(settings, tmp_path):
    key = tmp_path / "log.key"
    key.write_text(note.generate("trace.example.test/log"))
    return settings.model_copy(update={"log_key_file": str(key)})


def chain(api) -> None:
    """The domain guide's worked example at S (lot A sorted out of a larger collect at COL), a
    voided melt, and S's product charged again."""
    w = api.world
    collected = w.collect("COL", 10_500)
    a = w.event("COL", "transform", kind="sort", inputs=[{"lot": collected}],
                outputs=[{"mass_kg": 10_000}, {"mass_kg": 400}]).created_lots[0]
    w.ship("COL", [a], "S-S1")
    w.receive("S", {a: 10_000})
    w.event("S", "assay", lot=a, metal_pct=92, method="XRF", lab="S lab")
    b = w.collect("S", 5_000, grade="AL-TABOO", origin="pre_consumer")
    c = w.declare("S", 2_000, grade="AL-ZORBA", origin="post_consumer")
    home = w.collect("S", 3_000, grade="AL-TOTO", origin="home_scrap")
    w.event("S", "assay", lot=home, metal_pct=100)
    wrong = w.event("S", "melt", metal="Al", product="ADC12", output_mass_kg=10,
                    inputs=[{"lot": b, "mass_kg": 10}])
    w.event("S", "void", target=wrong.id, reason="wrong lot")
    melt = w.event("S", "melt", metal="Al", product="ADC12", output_mass_kg=23_500,
                   inputs=[{"lot": a, "mass_kg": 10_000}, {"lot": b, "mass_kg": 5_000},
                           {"lot": c, "mass_kg": 2_000}, {"lot": home, "mass_kg": 3_000}],
                   primary=[{"material": "A00 ingot", "mass_kg": 4_000}])
    w.event("S", "melt", metal="Al", product="ADC12", output_mass_kg=1_000,
            inputs=[{"lot": melt.created_lots[0], "mass_kg": 500}],
            primary=[{"material": "A00 ingot", "mass_kg": 500}])


def test_the_bundle_recomputes_the_report_to_the_gram(api):
    chain(api)
    r = api.get("AGENCY", "/reports/recycled-share/evidence", **QUERY)
    assert r.status_code == 200
    assert r.headers["content-disposition"] == (
        'attachment; filename="evidence-S-Al-2026-01-01-2027-01-01.json"')
    bundle = r.json()
    assert bundle["report"] == {
        "org": "S", "post_consumer_g": 9_200_000, "pre_consumer_g": 4_750_000,
        "declared_g": 1_800_000, "primary_g": 4_500_000, "home_scrap_g": 3_000_000,
        "rework_g": 484_043, "in_province_g": 13_950_000, "out_of_province_g": 0,
        "imported_g": 0}
    assert len(bundle["leaves"]) == 13 and all(leaf["index"] is not None
                                               for leaf in bundle["leaves"])
    out = check_bundle(bundle, VerifierKey.parse(bundle["key"]))
    assert (out.problems, out.figures, out.melts) == ([], {
        k: v for k, v in bundle["report"].items() if k != "org"}, 2)
    [report] = api.get("AGENCY", "/reports/recycled-share", **QUERY).json()["producers"]
    assert {k: float(v) for k, v in out.shares().items()} == {
        k: report[k] for k in ("recycled_share", "post_consumer_share", "pre_consumer_share",
                               "claimed_share")}


def test_the_command_prints_ok_and_the_shares_or_each_discrepancy(api, tmp_path):
    chain(api)
    bundle = api.get("AGENCY", "/reports/recycled-share/evidence", **QUERY).json()
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle))
    result = CliRunner().invoke(verify_cli.app, ["bundle", str(path), "--key", bundle["key"]])
    assert result.exit_code == 0
    # D = 9,200 + 4,750 + 1,800 + 4,500 kg; the 500 kg of S's own product is rework.
    assert result.stdout.splitlines()[:3] == [
        "OK S Al [2026-01-01, 2027-01-01): 2 melts, 13 logged events, checkpoint 13",
        "recycled_share 0.6888888888888889 (31/45)",
        "post_consumer_share 0.454320987654321 (184/405)"]
    leaf = json.loads(base64.b64decode(bundle["leaves"][0]["leaf"]))
    leaf["event"]["mass_kg"] = 10_001.0
    bundle["leaves"][0]["leaf"] = base64.b64encode(rfc8785.dumps(leaf)).decode()
    path.write_text(json.dumps(bundle))
    result = CliRunner().invoke(verify_cli.app, ["bundle", str(path), "--key", bundle["key"]])
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == (
        f"FAIL event {leaf['event']['id']} (seq 1) at leaf 0: leaf 0 is not in the tree of "
        "size 13 with that root")


@pytest.mark.parametrize(("reader", "status"), [("S", 200), ("AGENCY", 200), ("COL", 404),
                                                ("OTHER", 404)])
def test_auditors_and_the_producer_itself_may_export_it(api, reader, status):
    chain(api)
    r = api.get(reader, "/reports/recycled-share/evidence", **QUERY)
    assert r.status_code == status
    if status == 404:
        assert r.json()["code"] == "org-not-found"
