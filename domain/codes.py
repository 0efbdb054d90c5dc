"""Identifier checks (docs/domain.md, Identifiers): lot codes, USCC, GS1 keys, regions, customs."""

from __future__ import annotations

import random
import secrets
from collections.abc import Iterable
from functools import lru_cache
from typing import Final

from domain.errors import InvalidInput, InvalidLotCode, InvalidUscc

# --------------------------------------------------------------------------------------------------
# Lot codes: 8 random data symbols + 1 Damm check symbol over a quasigroup of order 32.
# --------------------------------------------------------------------------------------------------

LOT_ALPHABET: Final = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
"""Crockford base32: digits and upper-case letters without I, L, O and U."""

LOT_DATA_LENGTH: Final = 8
LOT_CODE_LENGTH: Final = LOT_DATA_LENGTH + 1

_LOT_INDEX: Final[dict[str, int]] = {symbol: i for i, symbol in enumerate(LOT_ALPHABET)}
_LOT_LOOKALIKES: Final[dict[str, str]] = {"O": "0", "I": "1", "L": "1"}
_LOT_IGNORED: Final = frozenset("- ")

_GF32_MODULUS: Final = 0b100101
"""x^5 + x^2 + 1: the modulus polynomial of GF(2^5), bit i = coefficient of x^i."""


def _gf32_double(x: int) -> int:
    """Return 2·x in GF(32) (multiplication by the element x, reduced by the modulus)."""
    x <<= 1
    if x & 0b100000:
        x ^= _GF32_MODULUS
    return x


def _lot_fold(indices: Iterable[int]) -> int:
    """Fold the quasigroup operation x∘y = 2·x XOR y over `indices`, starting from 0."""
    interim = 0
    for index in indices:
        interim = _gf32_double(interim) ^ index
    return interim


def lot_check_symbol(data: str) -> str:
    """Return the check symbol c for canonical lot symbols `data`: the one with interim∘c = 0."""
    indices = []
    for position, symbol in enumerate(data, start=1):
        index = _LOT_INDEX.get(symbol)
        if index is None:
            raise InvalidLotCode(
                f"Character {symbol!r} at position {position} is not a lot code symbol; "
                f"data must use only {LOT_ALPHABET}."
            )
        indices.append(index)
    return LOT_ALPHABET[_gf32_double(_lot_fold(indices))]


def new_lot_code(rng: random.Random | None = None) -> str:
    """Return a new canonical 9-symbol lot code (cryptographic randomness unless `rng` is given)."""
    if rng is None:
        # 8 symbols of 5 bits each: one draw of 40 random bits, cut into 5-bit groups.
        bits = int.from_bytes(secrets.token_bytes(LOT_DATA_LENGTH * 5 // 8))
        indices = [(bits >> (5 * i)) & 31 for i in range(LOT_DATA_LENGTH)]
        return ("".join([LOT_ALPHABET[i] for i in indices])
                + LOT_ALPHABET[_gf32_double(_lot_fold(indices))])
    else:
        data = "".join(rng.choice(LOT_ALPHABET) for _ in range(LOT_DATA_LENGTH))
    return data + lot_check_symbol(data)


@lru_cache(maxsize=1 << 16)  # a batch names each lot several times; refusals are not cached
def normalize_lot_code(text: str) -> str:
    """Return the canonical form of a typed or scanned lot code, or raise `InvalidLotCode`.

    Any case is accepted, hyphens and spaces are ignored, and the look-alikes O, I and L are read
    as 0, 1 and 1. Anything else outside the alphabet, a wrong length or a check symbol that does
    not match is rejected.
    """
    if not isinstance(text, str):
        raise InvalidLotCode("A lot code must be given as text.")
    symbols: list[str] = []
    for position, char in enumerate(text.strip(), start=1):
        if char in _LOT_IGNORED:
            continue
        symbol = char.upper() if char.isascii() else char
        symbol = _LOT_LOOKALIKES.get(symbol, symbol)
        if symbol not in _LOT_INDEX:
            raise InvalidLotCode(
                f"Character {char!r} at position {position} is not allowed in a lot code; "
                "a lot code uses the digits 0-9 and the letters A-Z except U "
                "(hyphens and spaces are ignored)."
            )
        symbols.append(symbol)
    if len(symbols) != LOT_CODE_LENGTH:
        raise InvalidLotCode(
            f"A lot code has {LOT_CODE_LENGTH} symbols ({LOT_DATA_LENGTH} data + 1 check), "
            f"not counting hyphens and spaces; this one has {len(symbols)}."
        )
    code = "".join(symbols)
    if _lot_fold(_LOT_INDEX[symbol] for symbol in code) != 0:
        raise InvalidLotCode(
            f"Lot code {_group(code)} is not valid: its check symbol does not match "
            "(a symbol was mistyped or two neighbouring symbols were swapped)."
        )
    return code


def _group(code: str) -> str:
    return "-".join(code[i : i + 3] for i in range(0, len(code), 3))


def format_lot_code(code: str) -> str:
    """Return a lot code for people to read, e.g. "ABC-DEF-GHJ"; raise `InvalidLotCode` if bad."""
    return _group(normalize_lot_code(code))


def is_valid_lot_code(text: str) -> bool:
    """True iff `normalize_lot_code(text)` would accept `text`."""
    try:
        normalize_lot_code(text)
    except InvalidLotCode:
        return False
    return True


# --------------------------------------------------------------------------------------------------
# Unified social credit code (统一社会信用代码), GB 32100-2015.
# --------------------------------------------------------------------------------------------------

USCC_ALPHABET: Final = "0123456789ABCDEFGHJKLMNPQRTUWXY"
"""31 characters: digits and upper-case letters without I, O, S, V and Z."""

USCC_LENGTH: Final = 18
USCC_WEIGHTS: Final[tuple[int, ...]] = (
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
)
"""Weight of position i (1-based) is 3^(i-1) mod 31."""

_USCC_INDEX: Final[dict[str, int]] = {char: i for i, char in enumerate(USCC_ALPHABET)}
_USCC_CHARS_HINT: Final = "digits and the letters A-Z except I, O, S, V and Z"


def _uscc_indices(chars: str) -> list[int]:
    indices = []
    for position, char in enumerate(chars, start=1):
        index = _USCC_INDEX.get(char)
        if index is None:
            raise InvalidUscc(
                f"Character {char!r} at position {position} is not allowed in a unified social "
                f"credit code; it uses only {_USCC_CHARS_HINT}."
            )
        indices.append(index)
    return indices


def uscc_check_char(first17: str) -> str:
    """Return the check character (position 18) for the first 17 upper-case characters."""
    if len(first17) != USCC_LENGTH - 1:
        raise InvalidUscc(
            f"The check character is computed from {USCC_LENGTH - 1} characters; "
            f"got {len(first17)}."
        )
    total = sum(i * w for i, w in zip(_uscc_indices(first17), USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def normalize_uscc(text: str) -> str:
    """Return the canonical (stripped, upper-case) USCC, or raise `InvalidUscc`.

    Positions 3-8 are the region at issue and may be a code no longer in use: they are not checked
    against a region list.
    """
    if not isinstance(text, str):
        raise InvalidUscc("A unified social credit code must be given as text.")
    stripped = text.strip()
    if len(stripped) != USCC_LENGTH:
        raise InvalidUscc(
            f"A unified social credit code has {USCC_LENGTH} characters; "
            f"this one has {len(stripped)}."
        )
    code = "".join(char.upper() if char.isascii() else char for char in stripped)
    _uscc_indices(code)
    expected = uscc_check_char(code[:-1])
    if code[-1] != expected:
        raise InvalidUscc(
            f"Unified social credit code {code} is not valid: its check character "
            f"(position {USCC_LENGTH}) {code[-1]!r} does not match the first "
            f"{USCC_LENGTH - 1} characters, so a character was mistyped."
        )
    return code


def is_valid_uscc(text: str) -> bool:
    """True iff `normalize_uscc(text)` would accept `text`."""
    try:
        normalize_uscc(text)
    except InvalidUscc:
        return False
    return True


# --------------------------------------------------------------------------------------------------
# GS1 keys (GTIN-8/12/13/14, GLN, GSIN, SSCC): mod-10 check digit.
# --------------------------------------------------------------------------------------------------

GS1_KEY_LENGTHS: Final = frozenset({8, 12, 13, 14, 17, 18})
"""Lengths of the GS1 keys with a trailing mod-10 check digit (GTIN-8/12/13/14, GLN, GSIN, SSCC)."""


def _is_ascii_digits(text: object) -> bool:
    return isinstance(text, str) and text.isascii() and text.isdigit()


def gs1_check_digit(data: str) -> str:
    """Return the GS1 mod-10 check digit for `data` (weights 3,1,3,1… from the rightmost digit)."""
    if not _is_ascii_digits(data):
        raise InvalidInput("GS1 data must be one or more digits 0-9.")
    total = sum(int(digit) * (3 if i % 2 == 0 else 1) for i, digit in enumerate(reversed(data)))
    return str((10 - total % 10) % 10)


def is_valid_gs1(text: str) -> bool:
    """True iff `text` is a GS1 key of a known length whose last digit is its mod-10 check digit."""
    return (
        _is_ascii_digits(text)
        and len(text) in GS1_KEY_LENGTHS
        and gs1_check_digit(text[:-1]) == text[-1]
    )


# --------------------------------------------------------------------------------------------------
# Administrative divisions (GB/T 2260), customs declarations and commodity codes.
# --------------------------------------------------------------------------------------------------

PROVINCE_PREFIXES: Final = frozenset(
    {
        "11", "12", "13", "14", "15",
        "21", "22", "23",
        "31", "32", "33", "34", "35", "36", "37",
        "41", "42", "43", "44", "45", "46",
        "50", "51", "52", "53", "54",
        "61", "62", "63", "64", "65",
        "71", "81", "82",
    }
)
"""First two digits of the 34 province-level divisions of GB/T 2260."""


def is_region_code(text: str) -> bool:
    """True iff `text` is 6 digits starting with a province-level prefix of GB/T 2260."""
    return _is_ascii_digits(text) and len(text) == 6 and text[:2] in PROVINCE_PREFIXES


DECLARATION_LENGTH: Final = 18
IMPORT_FLOW_DIGIT: Final = "1"


def is_import_declaration(text: str) -> bool:
    """True iff `text` is an 18-digit customs declaration number with flow '1' (import) at 9."""
    return (
        _is_ascii_digits(text)
        and len(text) == DECLARATION_LENGTH
        and text[8] == IMPORT_FLOW_DIGIT
    )


RECYCLED_COMMODITY_CODES: Final[dict[str, str]] = {
    "7404000030": "Cu",  # recycled copper
    "7404000050": "Cu",  # recycled copper
    "7404000020": "Cu",  # recycled copper alloy
    "7404000040": "Cu",  # recycled copper alloy
    "7602000040": "Al",  # recycled pure aluminium
    "7602000050": "Al",  # recycled wrought aluminium alloy
    "7602000020": "Al",  # recycled cast aluminium alloy
    "7602000030": "Al",  # recycled cast aluminium alloy
}
"""Customs commodity codes for recycled raw material (Announcement 2024 No. 23) -> metal."""
