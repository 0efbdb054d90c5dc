"""Errors of the client: RFC 9457 problems answered by the server, and unreachable servers."""

from __future__ import annotations

import re
from typing import Any

import httpx


class ScraptraceError(Exception):
    """Base class of everything this client raises on purpose."""


class ProblemError(ScraptraceError):
    """A `application/problem+json` answer (RFC 9457), with the API's stable `code` slug.

    `pointer` is the JSON pointer of the offending field: the problem's own `pointer`, else
    the first entry of `errors` (validation errors list every bad field there).
    """

    def __init__(self, status: int, code: str, detail: str, pointer: str | None,
                 body: dict[str, Any]) -> None:
        self.status, self.code, self.detail, self.pointer, self.body = (
            status, code, detail, pointer, body)
        # Set by `Client.record_batch`: the position of the refused chunk's first event in
        # its input, and the chunk's length.
        self.offset = 0
        self.chunk_length: int | None = None
        where = f" at {self.field_pointer}" if self.field_pointer else ""
        super().__init__(f"{status} {code}{where}: {detail}")

    @property
    def errors(self) -> list[dict[str, Any]]:
        """Every bad field of a `validation-error` (`pointer`, `detail`, `type`)."""
        errors = self.body.get("errors")
        return list(errors) if isinstance(errors, list) else []

    @property
    def index(self) -> int | None:
        """The position of the refused event in a batch, when the server names one."""
        index = self.body.get("index")
        if isinstance(index, int):
            return index
        parts = (self.pointer or "").split("/")  # a validation error names it in its pointer
        if len(parts) > 2 and parts[1] == "events" and parts[2].isdigit():
            return int(parts[2])
        return None

    @property
    def field_pointer(self) -> str | None:
        """The pointer within the refused event (without a batch's `/events/N` prefix)."""
        if self.pointer is None:
            return None
        return re.sub(r"^/events/\d+(?=/|$)", "", self.pointer) or None

    @property
    def position(self) -> int | None:
        """The refused event's position in the events given to `record_batch`."""
        return None if self.index is None else self.offset + self.index

    @classmethod
    def from_response(cls, response: httpx.Response) -> ProblemError:
        """The problem in an error response; a body that is not one still gives a useful error."""
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            body = {"status": response.status_code, "detail": response.text[:500]}
        pointer = body.get("pointer")
        if not pointer and isinstance(body.get("errors"), list) and body["errors"]:
            first = body["errors"][0]
            pointer = first.get("pointer") if isinstance(first, dict) else None
        code = body.get("code") or f"http-{response.status_code}"
        detail = body.get("detail") or body.get("title") or response.reason_phrase
        return cls(response.status_code, str(code), str(detail),
                   str(pointer) if pointer else None, body)


class UnreachableError(ScraptraceError):
    """The server could not be reached, or kept failing, after every retry."""
