"""The password policy: at least 10 characters and not a commonly used password."""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files

from domain.errors import InvalidInput

MIN_LENGTH = 10


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """seed/common-passwords.txt (its header names the source), lower case."""
    text = files("seed").joinpath("common-passwords.txt").read_text(encoding="utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


def check_password(password: str, *, username: str | None = None) -> None:
    """Refuse a weak password with `weak-password`. Spaces count like any other character."""
    if len(password) < MIN_LENGTH:
        raise InvalidInput(f"a password needs at least {MIN_LENGTH} characters",
                           code="weak-password", pointer="/password")
    lowered = password.lower()
    if lowered in common_passwords():
        raise InvalidInput("this password is one of the most commonly used: choose another",
                           code="weak-password", pointer="/password")
    if username and lowered == username.lower():
        raise InvalidInput("the password may not be the username", code="weak-password",
                           pointer="/password")
