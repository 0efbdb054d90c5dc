"""Unit tests for domain.codes: lot codes, USCC, GS1, region codes and customs numbers."""

from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.codes import (
    GS1_KEY_LENGTHS,
    LOT_ALPHABET,
    PROVINCE_PREFIXES,
    RECYCLED_COMMODITY_CODES,
    USCC_ALPHABET,
    USCC_WEIGHTS,
    format_lot_code,
    gs1_check_digit,
    is_import_declaration,
    is_region_code,
    is_valid_gs1,
    is_valid_lot_code,
    is_valid_uscc,
    lot_check_symbol,
    new_lot_code,
    normalize_lot_code,
    normalize_uscc,
    uscc_check_char,
)
from domain.errors import DomainError, InvalidInput, InvalidLotCode, InvalidUscc

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


# --------------------------------------------------------------------------------------------------
# Unified social credit code (GB 32100-2015)
# --------------------------------------------------------------------------------------------------


def reference_uscc_check(first17: str) -> str:
    total = sum(USCC_ALPHABET.index(c) * pow(3, i, 31) for i, c in enumerate(first17))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def test_uscc_alphabet_and_weights() -> None:
    assert len(USCC_ALPHABET) == len(set(USCC_ALPHABET)) == 31
    assert not set("IOSVZ") & set(USCC_ALPHABET)
    assert tuple(pow(3, i, 31) for i in range(17)) == USCC_WEIGHTS
    assert USCC_WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def test_uscc_reference_examples() -> None:
    assert uscc_check_char("91350100M000100Y4") == "3"
    assert is_valid_uscc("91350100M000100Y43")
    assert normalize_uscc("91350100M000100Y43") == "91350100M000100Y43"
    assert not is_valid_uscc("91350100M000100Y4Z")
    with pytest.raises(InvalidUscc):
        normalize_uscc("91350100M000100Y4Z")


CONSTRUCTED_FIRST17 = [
    "91520100MA6DK0001",  # enterprise, Guiyang
    "91520500214352300",  # enterprise, Bijie (today's code)
    "91522401MA6HXY770",  # enterprise issued under Bijie's pre-2011 code 5224xx
    "12522200009876543",  # public institution, Tongren's pre-2011 code 5222xx
    "93522700MA6J0002R",  # farmers' cooperative, Qiannan
    "52110000500000000",  # social organisation, Beijing
]


@pytest.mark.parametrize("first17", CONSTRUCTED_FIRST17)
def test_constructed_usccs_are_valid(first17: str) -> None:
    check = uscc_check_char(first17)
    assert check == reference_uscc_check(first17)
    code = first17 + check
    assert is_valid_uscc(code)
    assert normalize_uscc(f"  {code.lower()}\t") == code


@pytest.mark.parametrize("first17", CONSTRUCTED_FIRST17)
def test_every_single_uscc_substitution_is_rejected(first17: str) -> None:
    code = first17 + uscc_check_char(first17)
    for i, char in enumerate(code):
        for other in USCC_ALPHABET:
            if other != char:
                assert not is_valid_uscc(code[:i] + other + code[i + 1 :])


def test_uscc_exact_check_values() -> None:
    assert uscc_check_char("00000000000000000") == "0"
    assert uscc_check_char("10000000000000000") == "Y"  # value 30 = (31 - 1) mod 31
    assert uscc_check_char("00000000000000001") == "3"  # 31 - 28 = 3


def test_uscc_wrong_length() -> None:
    with pytest.raises(InvalidUscc, match="18 characters; this one has 17"):
        normalize_uscc("91350100M000100Y4")
    with pytest.raises(InvalidUscc, match="this one has 19"):
        normalize_uscc("91350100M000100Y430")
    with pytest.raises(InvalidUscc, match="this one has 0"):
        normalize_uscc("   ")
    with pytest.raises(InvalidUscc, match="17 characters"):
        uscc_check_char("91350100M000100Y")


@pytest.mark.parametrize("bad", ["I", "O", "S", "V", "Z", "-", " ", "\uff21"])
def test_uscc_bad_character(bad: str) -> None:
    code = "91350100M" + bad + "00100Y43"
    with pytest.raises(InvalidUscc, match="at position 10 is not allowed") as info:
        normalize_uscc(code)
    assert repr(bad) in info.value.detail
    assert not is_valid_uscc(code)


def test_uscc_wrong_check_character_detail() -> None:
    with pytest.raises(InvalidUscc, match="check character") as info:
        normalize_uscc("91350100M000100Y44")
    assert "'4'" in info.value.detail
    assert "position 18" in info.value.detail
    assert info.value.code == "invalid-uscc"
    # Z can never be a check character: it is outside the USCC alphabet
    with pytest.raises(InvalidUscc, match="'Z' at position 18 is not allowed"):
        normalize_uscc("91350100M000100Y4Z")


@given(st.text(alphabet=USCC_ALPHABET, min_size=17, max_size=17), st.integers(0, 17))
def test_hypothesis_uscc_substitution_detected(first17: str, position: int) -> None:
    code = first17 + uscc_check_char(first17)
    assert is_valid_uscc(code)
    other = USCC_ALPHABET[(USCC_ALPHABET.index(code[position]) + 1) % 31]
    assert not is_valid_uscc(code[:position] + other + code[position + 1 :])


# --------------------------------------------------------------------------------------------------
# GS1 mod-10
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key",
    [
        "4006381333931",  # GTIN-13
        "036000291452",  # GTIN-12 (UPC-A)
        "96385074",  # GTIN-8
        "0614141000012",  # GLN
        "106141411234567897",  # SSCC
    ],
)
def test_gs1_valid_keys(key: str) -> None:
    assert is_valid_gs1(key)
    assert gs1_check_digit(key[:-1]) == key[-1]


def test_gs1_exact_check_digits() -> None:
    assert gs1_check_digit("400638133393") == "1"
    assert gs1_check_digit("03600029145") == "2"
    assert gs1_check_digit("0") == "0"
    assert gs1_check_digit("1") == "7"  # 10 - 3
    assert gs1_check_digit("10") == "9"  # 10 - 1


@pytest.mark.parametrize(
    "key",
    [
        "4006381333932",  # wrong check digit
        "4006381333913",  # two digits swapped
        "400638133393",  # a check digit is missing (12 digits, wrong for GTIN-12)
        "40063813339310",  # trailing digit added
        "4006381333931 ",
        "400638133393l",
        "",
        "0",
        "00",  # mod-10 correct but no GS1 key is 2 digits long
        "\uff14006381333931",  # full-width digit
        "٤006381333931",  # Arabic-Indic digit four
    ],
)
def test_gs1_invalid_keys(key: str) -> None:
    assert not is_valid_gs1(key)


def test_gs1_check_digit_rejects_non_digits() -> None:
    for data in ["", "12a", "１２"]:
        with pytest.raises(InvalidInput):
            gs1_check_digit(data)


def test_gs1_key_lengths() -> None:
    assert {8, 12, 13, 14, 18} <= GS1_KEY_LENGTHS


# --------------------------------------------------------------------------------------------------
# Administrative divisions, declarations and commodity codes
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code",
    ["520100", "520200", "520300", "520400", "520500", "520600", "522300", "522600",
     "522700", "110000", "150000", "460000", "540000", "650000", "710000", "810000", "820000",
     "522401"],
)
def test_region_codes_accepted(code: str) -> None:
    assert is_region_code(code)


@pytest.mark.parametrize(
    "code",
    ["990100", "52010", "5201000", "100000", "160000", "200000", "240000", "470000", "550000",
     "660000", "700000", "720000", "800000", "830000", "910000", "52010a", " 520100", "",
     "５20100"],
)
def test_region_codes_rejected(code: str) -> None:
    assert not is_region_code(code)


def test_province_prefixes_are_the_34_of_gbt_2260() -> None:
    expected = {str(n) for n in [*range(11, 16), *range(21, 24), *range(31, 38),
                                 *range(41, 47), *range(50, 55), *range(61, 66), 71, 81, 82]}
    assert expected == PROVINCE_PREFIXES
    assert len(PROVINCE_PREFIXES) == 34


def test_import_declaration_numbers() -> None:
    assert is_import_declaration("570120241000012345")
    assert is_import_declaration("000020251999999999")
    assert not is_import_declaration("570120240000012345")  # flow 0 = export
    assert not is_import_declaration("57012024100001234")  # 17 digits
    assert not is_import_declaration("5701202410000123456")  # 19 digits
    assert not is_import_declaration("5701-2024-1-000012345")
    assert not is_import_declaration("57012024100001234X")
    assert not is_import_declaration("")


def test_recycled_commodity_codes() -> None:
    assert RECYCLED_COMMODITY_CODES == {
        "7404000020": "Cu",
        "7404000030": "Cu",
        "7404000040": "Cu",
        "7404000050": "Cu",
        "7602000020": "Al",
        "7602000030": "Al",
        "7602000040": "Al",
        "7602000050": "Al",
    }
    assert all(len(code) == 10 and code.isdigit() for code in RECYCLED_COMMODITY_CODES)
