"""Signed checkpoints: C2SP tlog-checkpoint bodies signed as C2SP signed notes with Ed25519.

Key formats are those of golang.org/x/mod/sumdb/note, so any note verifier reads them:
a signer key `PRIVATE+KEY+<name>+<id>+<base64(0x01 ‖ seed)>` and a verifier key
`<name>+<id>+<base64(0x01 ‖ public key)>`, where id is the first four bytes of
SHA-256(name ‖ "\\n" ‖ 0x01 ‖ public key).
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from domain.errors import InvalidInput

ED25519 = b"\x01"
PRIVATE_PREFIX = "PRIVATE+KEY+"


def key_id(name: str, public: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + ED25519 + public).digest()[:4]


@dataclass(frozen=True)
class Signer:
    name: str
    key: Ed25519PrivateKey

    @property
    def public(self) -> bytes:
        return self.key.public_key().public_bytes(serialization.Encoding.Raw,
                                                   serialization.PublicFormat.Raw)

    @property
    def verifier_key(self) -> str:
        return (f"{self.name}+{key_id(self.name, self.public).hex()}+"
                f"{base64.b64encode(ED25519 + self.public).decode()}")

    def sign(self, text: str) -> str:
        """`text` (ending in a newline) as a signed note with this key's signature line."""
        if not text.endswith("\n"):
            raise ValueError("a note's text ends with a newline")
        sig = self.key.sign(text.encode())
        blob = base64.b64encode(key_id(self.name, self.public) + sig).decode()
        return f"{text}\n— {self.name} {blob}\n"


def generate(name: str) -> str:
    """A new signer key in note format."""
    key = Ed25519PrivateKey.generate()
    seed = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                             serialization.NoEncryption())
    signer = Signer(name, key)
    return (f"{PRIVATE_PREFIX}{name}+{key_id(name, signer.public).hex()}+"
            f"{base64.b64encode(ED25519 + seed).decode()}")


def parse_signer(text: str) -> Signer:
    """A signer key in note format; its id must match the key it holds."""
    text = text.strip()
    if not text.startswith(PRIVATE_PREFIX):
        raise InvalidInput("not a note signer key", code="invalid-log-key")
    try:
        name, kid, blob = text[len(PRIVATE_PREFIX):].split("+", 2)
        raw = base64.b64decode(blob, validate=True)
    except ValueError as exc:
        raise InvalidInput("malformed note signer key", code="invalid-log-key") from exc
    if raw[:1] != ED25519 or len(raw) != 33:
        raise InvalidInput("the log key must be an Ed25519 note key", code="invalid-log-key")
    signer = Signer(name, Ed25519PrivateKey.from_private_bytes(raw[1:]))
    if key_id(name, signer.public).hex() != kid:
        raise InvalidInput("the log key's id does not match its key", code="invalid-log-key")
    return signer


def load_signer(path: str) -> Signer:
    return parse_signer(Path(path).read_text())


def origin(public_url: str) -> str:
    """The log's name: the public address's host (and port), then /log."""
    parts = urlsplit(public_url)
    return f"{parts.netloc}{parts.path.rstrip('/')}/log"


def checkpoint_body(origin_line: str, size: int, root: bytes) -> str:
    return f"{origin_line}\n{size}\n{base64.b64encode(root).decode()}\n"
