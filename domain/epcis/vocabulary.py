"""The EPCIS profile of scraptrace: identifiers, bizSteps and the event kinds each type maps to."""

from __future__ import annotations

import re

from domain.settings import Settings

EPCIS_CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
PREFIX = "st"  # the prefix of this platform's vocabulary in `@context`
KGM = "KGM"  # UN/ECE Rec. 20: kilogram
PERCENT = "P1"  # UN/ECE Rec. 20: percent
# Transformations have no standard CBV bizStep: each kind is a term of the platform's vocabulary.
TRANSFORM_STEPS = {"sort": "sorting", "split": "splitting", "merge": "merging",
                   "pretreat": "pretreating", "bale": "baling"}
SMELTING = "smelting"
IMPORTING = "importing"
ADD_STEPS = {"collect": "collecting", "declare": "commissioning"}
OBJECT_TYPES = {"collect", "declare", "import", "ship", "receive", "assay"}
TRANSFORMATION_TYPES = {"transform", "melt"}
LOT_PATH = re.compile(r"/l/([A-Za-z0-9-]{1,20})$")
SITE_PATH = re.compile(r"/sites/([A-Za-z0-9][A-Za-z0-9_.-]{0,31})$")


def namespace(settings: Settings) -> str:
    """The platform's vocabulary: custom bizSteps and the extension fields of its events."""
    return settings.public_url.rstrip("/") + "/voc/"


def context(settings: Settings) -> list[object]:
    return [EPCIS_CONTEXT, {PREFIX: namespace(settings)}]


def lot_uri(settings: Settings, code: str) -> str:
    """A lot's identifier: the URL its label's QR code holds."""
    return f"{settings.public_url.rstrip('/')}/l/{code}"


def site_uri(settings: Settings, code: str) -> str:
    return f"{settings.public_url.rstrip('/')}/sites/{code}"


def org_uri(settings: Settings, code: str) -> str:
    return f"{settings.public_url.rstrip('/')}/orgs/{code}"


def step(settings: Settings, term: str) -> str:
    """A bizStep of the platform's vocabulary, as a full URI."""
    return f"{namespace(settings)}BizStep-{term}"
