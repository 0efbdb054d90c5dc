"""Domain errors: every broken rule is one of these, with a stable `code` slug."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A rule was broken; nothing was written. `code` is stable and documented."""

    code = "domain-error"
    title = "The request breaks a rule"

    def __init__(self, detail: str, *, code: str | None = None, pointer: str | None = None,
                 **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        if code is not None:
            self.code = code
        self.pointer = pointer
        self.extra = extra


class InvalidInput(DomainError):
    """The input has the right shape but a value that can never be accepted."""

    code = "invalid-input"
    title = "Invalid input"


class InvalidLotCode(InvalidInput):
    code = "invalid-lot-code"
    title = "Invalid lot code"


class InvalidUscc(InvalidInput):
    code = "invalid-uscc"
    title = "Invalid unified social credit code"


class NotFound(DomainError):
    """The object does not exist, or the caller may not know that it does."""

    code = "not-found"
    title = "Not found"


class Forbidden(DomainError):
    """The caller's role may not do this."""

    code = "forbidden"
    title = "Forbidden"


class Unauthenticated(DomainError):
    code = "unauthenticated"
    title = "Authentication required"


class Conflict(DomainError):
    """The request conflicts with the current state (already exists, idempotency, a race)."""

    code = "conflict"
    title = "Conflict"


class CodeCollision(Conflict):
    """A lot code drawn at random is already a lot's or a pre-printed label's (about one draw
    in 10^6 at a million lots): the transaction is rolled back and run again, drawing anew."""

    code = "concurrent-update"


class RuleViolation(DomainError):
    """A custody or accounting rule of docs/domain.md (Rules) forbids this."""

    code = "rule-violation"
    title = "Rule violation"


class MalformedBody(InvalidInput):
    """The request body is not JSON at all."""

    code = "malformed-json"
    title = "Malformed JSON"


class TooLarge(InvalidInput):
    code = "too-large"
    title = "Request too large"


class TooManyRequests(DomainError):
    """Too many attempts in a short time; `retry_after` (seconds) says when to try again."""

    code = "too-many-attempts"
    title = "Too many attempts"


class Unavailable(DomainError):
    """The server cannot answer this now (a missing configuration, not the request's fault)."""

    code = "unavailable"
    title = "Unavailable"
