"""The redaction of another organisation's event: exactly which fields of each type survive."""

from __future__ import annotations

from typing import get_args

from domain.codes import format_lot_code, new_lot_code
from domain.commands import Command
from domain.visibility import REDACTORS, redact

MINE, THEIRS, PRODUCT = new_lot_code(), new_lot_code(), new_lot_code()
SEEN = frozenset({MINE})
TYPES = tuple(get_args(c.model_fields["type"].annotation)[0] for c in get_args(Command))


def typed(code: str) -> str:
    """A code as a client may have typed it: lower case, with hyphens."""
    return format_lot_code(code).lower()


def test_every_event_type_has_a_redaction() -> None:
    assert sorted(REDACTORS) == sorted(TYPES)


def test_collect_keeps_the_lot_and_its_neutral_facts_never_the_source() -> None:
    payload = {"lot": None, "metal": "Al", "grade": "AL-TALC", "origin": "post_consumer",
               "mass_kg": 412.5, "gross_kg": 500.0, "tare_kg": 87.5,
               "source": {"kind": "household", "region": "520102", "name": "Wang Wei"}}
    assert redact("collect", payload, [MINE], SEEN) == {
        "lot": MINE, "metal": "Al", "grade": "AL-TALC", "origin": "post_consumer"}
    assert redact("collect", payload, [THEIRS], SEEN) == {}


def test_declare_never_shows_the_supplier_or_the_reason() -> None:
    payload = {"lot": typed(MINE), "metal": "Cu", "grade": "CU-BARLEY", "origin": "pre_consumer",
               "mass_kg": 50.0, "gross_kg": None, "tare_kg": None, "source": None,
               "supplier": {"name": "Old Yard Ltd", "uscc": None, "region": "520300"},
               "reason": "off_platform_purchase"}
    assert redact("declare", payload, [MINE], SEEN) == {
        "lot": MINE, "metal": "Cu", "grade": "CU-BARLEY", "origin": "pre_consumer"}


def test_assay_keeps_the_metal_content_never_the_lab_or_method() -> None:
    payload = {"lot": typed(MINE), "metal_pct": 91.5, "method": "XRF", "lab": "Lab 7"}
    assert redact("assay", payload, [], SEEN) == {"lot": MINE, "metal_pct": 91.5}
    assert redact("assay", {**payload, "lot": THEIRS}, [], SEEN) == {}


def test_transform_keeps_only_the_lines_of_seen_lots() -> None:
    payload = {"kind": "merge",
               "inputs": [{"lot": typed(MINE), "mass_kg": None}, {"lot": THEIRS, "mass_kg": 9.0}],
               "outputs": [{"lot": None, "metal": None, "grade": "AL-MIXED", "mass_kg": 80.0}]}
    assert redact("transform", payload, [PRODUCT], SEEN) == {
        "kind": "merge", "inputs": [{"lot": MINE, "mass_kg": None}], "outputs": []}
    # Downstream, the output (named by the server) is the line the caller sees.
    assert redact("transform", payload, [PRODUCT], frozenset({PRODUCT})) == {
        "kind": "merge", "inputs": [],
        "outputs": [{"lot": PRODUCT, "metal": None, "grade": "AL-MIXED", "mass_kg": 80.0}]}


def test_ship_keeps_seen_lots_site_and_transport_mode_never_free_text() -> None:
    payload = {"lots": [THEIRS, typed(MINE)], "to_site": "S-S1", "manifest": "HW-2026-1",
               "transport": {"mode": "rail", "distance_km": 420.5, "vehicle": "GZ-A1234",
                             "waybill": "WB-77"}}
    assert redact("ship", payload, [], SEEN) == {
        "lots": [MINE], "to_site": "S-S1",
        "transport": {"mode": "rail", "distance_km": 420.5}}
    assert redact("ship", {**payload, "transport": None}, [], SEEN)["transport"] is None


def test_receive_keeps_the_weights_of_seen_lots_only() -> None:
    payload = {"lots": [{"lot": typed(MINE), "mass_kg": 99.2}, {"lot": THEIRS, "mass_kg": 10.0}]}
    assert redact("receive", payload, [], SEEN) == {"lots": [{"lot": MINE, "mass_kg": 99.2}]}


def test_melt_shows_an_upstream_caller_its_own_charge_only() -> None:
    payload = {"batch": None, "metal": "Al", "product": "ADC12", "output_mass_kg": 900.0,
               "inputs": [{"lot": typed(MINE), "mass_kg": 300.0},
                          {"lot": THEIRS, "mass_kg": 500.0}],
               "primary": [{"material": "A00", "mass_kg": 120.0, "metal_pct": 99.7}]}
    assert redact("melt", payload, [PRODUCT], SEEN) == {
        "inputs": [{"lot": MINE, "mass_kg": 300.0}]}
    # A buyer of the product sees the product's line, never the charge.
    assert redact("melt", payload, [PRODUCT], frozenset({PRODUCT})) == {
        "inputs": [], "batch": PRODUCT, "metal": "Al", "product": "ADC12",
        "output_mass_kg": 900.0}


def test_void_keeps_its_target_never_the_reason() -> None:
    target = "0b7f3c1e-8f7a-4a53-9d3c-6c1f1d2a9e01"
    assert redact("void", {"target": target, "reason": "wrong lab"}, [], SEEN) == {
        "target": target}


def test_an_unknown_type_shows_nothing() -> None:
    assert redact("survey", {"lot": MINE, "country": "JP"}, [MINE], SEEN) == {}


def test_import_shows_the_lot_card_and_country_never_the_customs_papers() -> None:
    body = {"metal": "Al", "grade": "AL-TENSE", "origin": "post_consumer", "mass_kg": 20000,
            "country": "JP", "declaration": "531620261000012345", "commodity_code": "7602000020",
            "standard": "GB/T 38472-2023", "inspection": {"passed": True, "radiation_ok": True}}
    assert redact("import", body, [MINE], SEEN) == {
        "lot": MINE, "metal": "Al", "grade": "AL-TENSE", "origin": "post_consumer",
        "country": "JP"}
    assert redact("import", body, [new_lot_code()], SEEN) == {}
