"""Unit tests for the registry codes of domain.codes: USCC (GB 32100-2015), GS1 keys, GB/T 2260
region codes, customs declarations and commodity codes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.codes import (
    GS1_KEY_LENGTHS,
    PROVINCE_PREFIXES,
    RECYCLED_COMMODITY_CODES,
    USCC_ALPHABET,
    USCC_WEIGHTS,
    gs1_check_digit,
    is_import_declaration,
    is_region_code,
    is_valid_gs1,
    is_valid_uscc,
    normalize_uscc,
    uscc_check_char,
)
from domain.errors import InvalidInput, InvalidUscc

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
