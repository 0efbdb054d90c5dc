"""Unit tests for lot codes (domain.codes): the Damm check symbol over GF(32), normalisation."""

from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.codes import (
    LOT_ALPHABET,
    format_lot_code,
    is_valid_lot_code,
    lot_check_symbol,
    new_lot_code,
    normalize_lot_code,
)
from domain.errors import DomainError, InvalidLotCode

# --------------------------------------------------------------------------------------------------
# An independent reference implementation of GF(32) arithmetic (full polynomial multiplication),
# so that the module's shortcut (doubling with a conditional XOR) is checked against the maths.
# --------------------------------------------------------------------------------------------------

MODULUS = (1 << 5) | (1 << 2) | 1  # x^5 + x^2 + 1


def gf32_mul(a: int, b: int) -> int:
    product = 0
    for bit in range(5):
        if b >> bit & 1:
            product ^= a << bit
    for bit in range(8, 4, -1):
        if product >> bit & 1:
            product ^= MODULUS << (bit - 5)
    return product


def op(x: int, y: int) -> int:
    return gf32_mul(2, x) ^ y


def reference_fold(code: str) -> int:
    interim = 0
    for symbol in code:
        interim = op(interim, LOT_ALPHABET.index(symbol))
    return interim


def seeded_codes(count: int = 200, seed: int = 20240615) -> list[str]:
    rng = random.Random(seed)
    return [new_lot_code(rng) for _ in range(count)]


def substitutions(code: str) -> list[str]:
    return [
        code[:i] + other + code[i + 1 :]
        for i, symbol in enumerate(code)
        for other in LOT_ALPHABET
        if other != symbol
    ]


def adjacent_swaps(code: str) -> list[str]:
    return [
        code[:i] + code[i + 1] + code[i] + code[i + 2 :]
        for i in range(len(code) - 1)
        if code[i] != code[i + 1]
    ]


lot_data = st.text(alphabet=LOT_ALPHABET, min_size=8, max_size=8)


# --------------------------------------------------------------------------------------------------
# Lot codes: alphabet and algebra
# --------------------------------------------------------------------------------------------------


def test_lot_alphabet_is_crockford_base32() -> None:
    assert LOT_ALPHABET == "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    assert len(LOT_ALPHABET) == len(set(LOT_ALPHABET)) == 32
    assert not set("ILOU") & set(LOT_ALPHABET)


def test_modulus_is_irreducible_so_gf32_is_a_field() -> None:
    # every non-zero element has an inverse
    for a in range(1, 32):
        assert any(gf32_mul(a, b) == 1 for b in range(1, 32))


def test_quasigroup_is_latin_square() -> None:
    for x in range(32):
        assert sorted(op(x, y) for y in range(32)) == list(range(32))
        assert sorted(op(y, x) for y in range(32)) == list(range(32))


def test_quasigroup_is_totally_anti_symmetric_exhaustively() -> None:
    # (c∘x)∘y = (c∘y)∘x implies x = y, for every c, x, y: all 32^3 cases.
    for c, x, y in itertools.product(range(32), repeat=3):
        if x != y:
            assert op(op(c, x), y) != op(op(c, y), x)


@pytest.mark.parametrize(
    ("data", "check"),
    [
        ("", "0"),
        ("0", "0"),
        ("1", "2"),
        ("10", "4"),
        ("G", "5"),  # 2·16 = x^5 = x^2 + 1 = 5
        ("Z", "V"),  # 2·31 = 62 XOR 37 = 27
        ("00000000", "0"),
        ("00000001", "2"),
        ("10000000", "D"),  # 2·x^7 = x^8 = x^3 + x^2 + 1 = 13
    ],
)
def test_lot_check_symbol_exact_values(data: str, check: str) -> None:
    assert lot_check_symbol(data) == check


def test_lot_check_symbol_matches_reference_implementation() -> None:
    rng = random.Random(7)
    for _ in range(500):
        data = "".join(rng.choice(LOT_ALPHABET) for _ in range(8))
        interim = reference_fold(data)
        check = lot_check_symbol(data)
        assert op(interim, LOT_ALPHABET.index(check)) == 0
        assert LOT_ALPHABET.index(check) == gf32_mul(2, interim)


def test_lot_check_symbol_rejects_non_canonical_data() -> None:
    with pytest.raises(InvalidLotCode, match="position 3"):
        lot_check_symbol("12U45678")
    with pytest.raises(InvalidLotCode):
        lot_check_symbol("abcdefgh")


# --------------------------------------------------------------------------------------------------
# Lot codes: generation
# --------------------------------------------------------------------------------------------------


def test_new_lot_code_is_seeded_and_valid() -> None:
    assert seeded_codes(5) == seeded_codes(5)
    for code in seeded_codes():
        assert len(code) == 9
        assert set(code) <= set(LOT_ALPHABET)
        assert normalize_lot_code(code) == code
        assert reference_fold(code) == 0
        assert code[8] == lot_check_symbol(code[:8])


def test_new_lot_code_without_rng_uses_secrets() -> None:
    codes = {new_lot_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(is_valid_lot_code(code) for code in codes)


# --------------------------------------------------------------------------------------------------
# Lot codes: error detection (exhaustive on 200 seeded codes, and by hypothesis)
# --------------------------------------------------------------------------------------------------


def test_every_single_substitution_is_rejected_on_200_codes() -> None:
    checked = 0
    for code in seeded_codes():
        for wrong in substitutions(code):
            assert not is_valid_lot_code(wrong), (code, wrong)
            checked += 1
    assert checked == 200 * 9 * 31


def test_every_adjacent_transposition_is_rejected_on_200_codes() -> None:
    checked = 0
    for code in seeded_codes():
        for wrong in adjacent_swaps(code):
            assert not is_valid_lot_code(wrong), (code, wrong)
            checked += 1
    assert checked > 200 * 7  # neighbours are almost always distinct


def test_transposition_with_the_check_symbol_is_rejected() -> None:
    for code in seeded_codes():
        if code[7] != code[8]:
            assert not is_valid_lot_code(code[:7] + code[8] + code[7])


def test_substitution_error_detail_mentions_check_symbol() -> None:
    code = seeded_codes(1)[0]
    wrong = code[:4] + ("0" if code[4] != "0" else "1") + code[5:]
    with pytest.raises(InvalidLotCode, match="check symbol does not match"):
        normalize_lot_code(wrong)


@given(lot_data, st.integers(0, 8), st.sampled_from(LOT_ALPHABET))
def test_hypothesis_single_substitution_is_rejected(data: str, position: int, other: str) -> None:
    code = data + lot_check_symbol(data)
    assert is_valid_lot_code(code)
    wrong = code[:position] + other + code[position + 1 :]
    assert is_valid_lot_code(wrong) == (wrong == code)


@given(lot_data, st.integers(0, 7))
def test_hypothesis_adjacent_transposition_is_rejected(data: str, position: int) -> None:
    code = data + lot_check_symbol(data)
    swapped = code[:position] + code[position + 1] + code[position] + code[position + 2 :]
    assert is_valid_lot_code(swapped) == (code[position] == code[position + 1])


@given(lot_data)
def test_hypothesis_every_substitution_and_swap_rejected(data: str) -> None:
    code = data + lot_check_symbol(data)
    assert all(not is_valid_lot_code(wrong) for wrong in substitutions(code))
    assert all(not is_valid_lot_code(wrong) for wrong in adjacent_swaps(code))


# --------------------------------------------------------------------------------------------------
# Lot codes: normalisation and formatting
# --------------------------------------------------------------------------------------------------

CODE = "10000000D"


def test_known_code_is_valid() -> None:
    assert normalize_lot_code(CODE) == CODE
    assert format_lot_code(CODE) == "100-000-00D"


@pytest.mark.parametrize(
    "typed",
    [
        "10000000d",
        "100-000-00D",
        "100-000-00d",
        " 100 000 00D ",
        "100 - 000 - 00D",
        "1OOOOOOOD",  # O read as 0
        "loooo-oood",  # L read as 1, o as 0, lower case
        "IOOOOOOOD",  # I read as 1
        "i0000000D",
        "10000000D\n",  # a scanner's trailing newline
    ],
)
def test_normalisation_accepts_typing_variants(typed: str) -> None:
    assert normalize_lot_code(typed) == CODE
    assert is_valid_lot_code(typed)
    assert format_lot_code(typed) == "100-000-00D"


def test_format_round_trips_generated_codes() -> None:
    for code in seeded_codes(50):
        formatted = format_lot_code(code)
        assert len(formatted) == 11
        assert formatted[3] == formatted[7] == "-"
        assert formatted.replace("-", "") == code
        assert normalize_lot_code(formatted) == code
        assert normalize_lot_code(formatted.lower()) == code


@pytest.mark.parametrize("typed", ["", "   ", "---", "10000000", "10000000D0", "100-000-00D-0"])
def test_wrong_length_is_rejected(typed: str) -> None:
    with pytest.raises(InvalidLotCode, match="9 symbols") as info:
        normalize_lot_code(typed)
    assert "this one has" in info.value.detail
    assert not is_valid_lot_code(typed)


@pytest.mark.parametrize(
    ("typed", "bad"),
    [
        ("U0000000D", "'U'"),
        ("u0000000D", "'u'"),
        ("1000_0000D", "'_'"),
        ("10000000D.", "'.'"),
        ("1000\u00d80000D", "'Ø'"),
        ("1000\uff100000D", "'０'"),  # full-width digit zero
        ("1000\u01310000D", "'ı'"),  # dotless i: upper() would give I, must not be accepted
    ],
)
def test_character_not_allowed_is_rejected(typed: str, bad: str) -> None:
    with pytest.raises(InvalidLotCode, match="not allowed in a lot code") as info:
        normalize_lot_code(typed)
    assert bad in info.value.detail
    assert not is_valid_lot_code(typed)


def test_error_is_a_domain_error_with_stable_code() -> None:
    with pytest.raises(DomainError) as info:
        normalize_lot_code("nope")
    assert info.value.code == "invalid-lot-code"
    assert not is_valid_lot_code(None)  # type: ignore[arg-type]
