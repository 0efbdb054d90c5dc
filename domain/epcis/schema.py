"""GS1's EPCIS 2.0 JSON schema (gs1/EPCIS, EPCIS-JSON-Schema.json, commit 2b888be), checked
with jsonschema, its `$ref`s inlined once (the same answers, twice as fast)."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import jsonschema

from domain.errors import InvalidInput

MAX_ERRORS = 20


def _inline(node: Any, definitions: dict[str, Any], stack: tuple[str, ...] = ()) -> Any:
    """`node` with every `{"$ref": "#/definitions/X"}` replaced by X (a recursive one kept)."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/definitions/") and len(node) == 1:
            name = ref.rpartition("/")[2].replace("%40", "@")
            return node if name in stack else _inline(definitions[name], definitions,
                                                      (*stack, name))
        return {k: v if k in ("enum", "const") else _inline(v, definitions, stack)
                for k, v in node.items()}
    if isinstance(node, list):
        return [_inline(v, definitions, stack) for v in node]
    return node


@cache
def validator() -> jsonschema.Draft7Validator:
    import jsonschema  # loaded on the first EPCIS document, not by every server process

    text = resources.files("domain.epcis").joinpath("EPCIS-JSON-Schema.json").read_text("utf-8")
    schema = json.loads(text)
    return jsonschema.Draft7Validator(_inline(schema, schema["definitions"]))


def _pointer(path: Any) -> str:
    return "".join(f"/{str(p).replace('~', '~0').replace('/', '~1')}" for p in path)


def check_schema(document: Any) -> None:
    """Refuse a document that is not EPCIS 2.0, listing (up to 20) bad fields by JSON pointer."""
    errors = sorted(validator().iter_errors(document), key=lambda e: list(map(str, e.path)))
    if errors:
        items = [{"pointer": _pointer(e.absolute_path), "detail": e.message[:300],
                  "type": str(e.validator)} for e in errors[:MAX_ERRORS]]
        raise InvalidInput(f"{items[0]['pointer'] or '/'}: not an EPCIS 2.0 document: "
                           f"{items[0]['detail']}", code="validation-error",
                           pointer=items[0]["pointer"], errors=items)
