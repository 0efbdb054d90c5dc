"""The EPCIS event hash id of CBV 2.0 (§8.9): a canonical pre-hash string and its SHA-256.

Covers the properties this platform's events use: times, EPC and quantity lists, action,
bizStep, disposition, read point and business location, business transactions, sources and
destinations, sensor reports, and user extensions. GS1 identifiers in URN form are rewritten
as GS1 Digital Link URIs; any other URI is kept as it is.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

CBV = "https://ref.gs1.org/cbv/"
# Properties left out of the hash (they are not facts of the event itself).
IGNORED = {"@context", "type", "eventID", "recordTime", "errorDeclaration", "certificationInfo"}
# What a bare CBV word expands to, per property.
PREFIX = {"bizStep": "BizStep-", "disposition": "Disp-", "type": "", "set": "Disp-",
          "unset": "Disp-"}
LIST_TYPES = {"bizTransactionList": "BTT-", "sourceList": "SDT-", "destinationList": "SDT-"}
QUANTITY = ("epcClass", "quantity", "uom")
SENSOR_METADATA = ("time", "startTime", "endTime", "deviceID", "deviceMetadata", "rawData",
                   "dataProcessingMethod", "bizRules")
SENSOR_REPORT = ("type", "exception", "deviceID", "deviceMetadata", "rawData",
                 "dataProcessingMethod", "time", "microorganism", "chemicalSubstance", "value",
                 "component", "stringValue", "booleanValue", "hexBinaryValue", "uriValue",
                 "minValue", "maxValue", "meanValue", "sDev", "percRank", "percValue", "uom",
                 "coordinateReferenceSystem")
ORDER = ("eventTime", "eventTimeZoneOffset", "epcList", "parentID", "inputEPCList", "childEPCs",
         "quantityList", "childQuantityList", "inputQuantityList", "outputEPCList",
         "outputQuantityList", "action", "transformationID", "bizStep", "disposition",
         "persistentDisposition", "readPoint", "bizLocation", "bizTransactionList", "sourceList",
         "destinationList", "sensorElementList")
EPC_LISTS = {"epcList", "inputEPCList", "childEPCs", "outputEPCList"}


def _check_digit(digits: str) -> str:
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return str((10 - total % 10) % 10)


def digital_link(uri: str) -> str:
    """A GS1 EPC URN (SGTIN, SSCC, SGLN, PGLN, LGTIN class) as a Digital Link URI; else `uri`."""
    if not uri.startswith(("urn:epc:id:", "urn:epc:class:")):
        return uri
    head, _, rest = uri.rpartition(":")
    scheme = head.split(":")[-1]
    parts = rest.split(".")
    base = "https://id.gs1.org/"
    if scheme == "sgtin" and len(parts) == 3:
        body = parts[1][0] + parts[0] + parts[1][1:]
        return f"{base}01/{body}{_check_digit(body)}/21/{parts[2]}"
    if scheme == "lgtin" and len(parts) == 3:
        body = parts[1][0] + parts[0] + parts[1][1:]
        return f"{base}01/{body}{_check_digit(body)}/10/{parts[2]}"
    if scheme == "sscc" and len(parts) == 2:
        body = parts[1][0] + parts[0] + parts[1][1:]
        return f"{base}00/{body}{_check_digit(body)}"
    if scheme in ("sgln", "pgln") and len(parts) in (2, 3):
        body = parts[0] + parts[1]
        gln = f"{base}{'414' if scheme == 'sgln' else '417'}/{body}{_check_digit(body)}"
        return gln + (f"/254/{parts[2]}" if len(parts) == 3 and parts[2] != "0" else "")
    return uri


def _time(value: str) -> str:
    """UTC, millisecond precision, `Z` (the 4th decimal rounds half up)."""
    instant = datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)
    micros = instant.microsecond
    millis = (micros + 500) // 1000
    instant = instant.replace(microsecond=0)
    if millis == 1000:
        instant, millis = instant + timedelta(seconds=1), 0
    return instant.strftime("%Y-%m-%dT%H:%M:%S") + f".{millis:03d}Z"


def _number(value: Any) -> str:
    return format(Decimal(str(value)).normalize(), "f")


def _vocab(prop: str, value: str, prefix: str | None = None) -> str:
    if ":" in value:
        return digital_link(value)
    return CBV + (PREFIX.get(prop, "") if prefix is None else prefix) + value


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return _number(value)
    return digital_link(str(value).strip())


def _quantity(item: dict[str, Any]) -> str:
    return "".join(f"{k}={_scalar(item[k]) if k != 'epcClass' else digital_link(item[k])}"
                   for k in QUANTITY if k in item)


def _sensor(element: dict[str, Any]) -> str:
    out = ""
    meta = element.get("sensorMetadata")
    if meta:
        out += "sensorMetadata" + "".join(
            f"{k}={_time(meta[k]) if k.endswith('ime') else _scalar(meta[k])}"
            for k in SENSOR_METADATA if k in meta)
    reports = [("sensorReport" + "".join(
        f"{k}={_time(r[k]) if k == 'time' else _scalar(r[k])}" for k in SENSOR_REPORT if k in r))
        for r in element.get("sensorReport", [])]
    return out + "".join(sorted(reports))


def _property(prop: str, value: Any) -> str:
    if prop in ("eventTime",):
        return f"{prop}={_time(value)}"
    if prop in EPC_LISTS:
        return prop + "".join(sorted(f"epc={digital_link(v)}" for v in value))
    if prop.endswith("QuantityList") or prop == "quantityList":
        return prop + "".join(sorted(_quantity(q) for q in value))
    if prop in ("bizStep", "disposition"):
        return f"{prop}={_vocab(prop, value)}"
    if prop == "persistentDisposition":
        return prop + "".join(f"{k}={_vocab(k, v)}" for k in ("set", "unset")
                              for v in sorted(value.get(k, [])))
    if prop in ("readPoint", "bizLocation"):
        return f"{prop}id={digital_link(value['id'])}"
    if prop in LIST_TYPES:
        key = prop[:-4]
        return prop + "".join(sorted("".join(sorted(
            [f"{key}={digital_link(item[key])}",
             f"type={_vocab('type', item['type'], LIST_TYPES[prop])}"])) for item in value))
    if prop == "sensorElementList":
        return prop + "".join(sorted("sensorElement" + _sensor(e) for e in value))
    return f"{prop}={_scalar(value)}"


def _extension(key: str, value: Any, context: dict[str, str], parent: str | None = None) -> str:
    """`{namespace}name=value`; an unprefixed name inside an extension takes its namespace."""
    prefix, _, local = key.partition(":")
    if local and prefix in context:
        namespace: str | None = context[prefix]
    else:
        namespace, local = parent, key
    name = f"{{{namespace}}}{local}" if namespace else key
    if isinstance(value, dict):
        return name + "".join(sorted(_extension(k, v, context, namespace)
                                     for k, v in value.items() if v is not None))
    if isinstance(value, list):
        return "".join(sorted(_extension(key, v, context, parent) for v in value))
    return f"{name}={_scalar(value)}"


def pre_hash(event: dict[str, Any], context: dict[str, str] | None = None) -> str:
    """The canonical string of `event` (namespace prefixes of extensions from `context`)."""
    context = context or {}
    parts = [f"eventType={event['type']}"]
    parts += [_property(p, event[p]) for p in ORDER if event.get(p) not in (None, [], {})]
    known = set(ORDER) | IGNORED
    parts += sorted(_extension(k, v, context) for k, v in event.items()
                    if k not in known and v is not None)
    return "".join(parts)


def event_hash_id(event: dict[str, Any], context: dict[str, str] | None = None) -> str:
    """`ni:///sha-256;<hex>?ver=CBV2.0` of the event."""
    digest = hashlib.sha256(pre_hash(event, context).encode("utf-8")).hexdigest()
    return f"ni:///sha-256;{digest}?ver=CBV2.0"
