"""Checking a transparency log offline: signed notes, checkpoints, RFC 9162 proofs.

Written apart from the server on purpose: an agency checks the platform with code that does
not come from the platform's own packages. Needs `cryptography` for Ed25519 only.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


class VerifyError(Exception):
    """A signature, a proof or a record does not check."""


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def _node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _b64(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise VerifyError(f"not base64: {text[:20]}") from exc


@dataclass(frozen=True)
class VerifierKey:
    name: str
    key_id: bytes
    public: bytes

    @classmethod
    def parse(cls, text: str) -> VerifierKey:
        """`<name>+<hex id>+<base64(0x01 ‖ Ed25519 public key)>` (golang.org/x/mod/sumdb/note)."""
        parts = text.strip().split("+", 2)
        if len(parts) != 3:
            raise VerifyError("malformed verifier key")
        name, kid, blob = parts
        raw = _b64(blob)
        if len(raw) != 33 or raw[0] != 1:
            raise VerifyError("not an Ed25519 verifier key")
        want = hashlib.sha256(name.encode() + b"\n" + raw).digest()[:4]
        if kid != want.hex():
            raise VerifyError("the verifier key's id does not match its key")
        return cls(name, want, raw[1:])


def open_note(note: str, key: VerifierKey) -> str:
    """The text of a signed note that `key` signed; VerifyError otherwise."""
    text, sep, sigs = note.rpartition("\n\n")
    if not sep or not text:
        raise VerifyError("not a signed note")
    text += "\n"
    for line in sigs.splitlines():
        if not line.startswith("— "):
            raise VerifyError("malformed signature line")
        name, _, blob = line[2:].partition(" ")
        raw = _b64(blob)
        if name != key.name or raw[:4] != key.key_id:
            continue
        try:
            Ed25519PublicKey.from_public_bytes(key.public).verify(raw[4:], text.encode())
        except InvalidSignature as exc:
            raise VerifyError(f"the signature of {name} does not match the note") from exc
        return text
    raise VerifyError(f"the note has no signature by {key.name}")


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes
    text: str

    @classmethod
    def open(cls, note: str, key: VerifierKey) -> Checkpoint:
        """A C2SP tlog-checkpoint signed by `key`."""
        lines = open_note(note, key).split("\n")
        if len(lines) < 4 or not lines[1].isdigit():
            raise VerifyError("malformed checkpoint")
        root = _b64(lines[2])
        if len(root) != 32:
            raise VerifyError("a checkpoint's root is a SHA-256 hash")
        return cls(lines[0], int(lines[1]), root, note)


def root_from_inclusion(index: int, size: int, leaf: bytes, proof: list[bytes]) -> bytes:
    """RFC 9162 §2.1.3.2: the root that an inclusion proof of leaf hash `leaf` leads to."""
    if not 0 <= index < size:
        raise VerifyError("index outside the tree")
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            raise VerifyError("the inclusion proof is too long")
        if fn & 1 or fn == sn:
            r = _node(p, r)
            while not fn & 1 and fn:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = _node(r, p)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise VerifyError("the inclusion proof is too short")
    return r


def verify_inclusion(index: int, size: int, leaf: bytes, proof: list[bytes], root: bytes) -> None:
    if root_from_inclusion(index, size, leaf, proof) != root:
        raise VerifyError(f"leaf {index} is not in the tree of size {size} with that root")


def verify_consistency(old: int, new: int, proof: list[bytes], old_root: bytes,
                       new_root: bytes) -> None:
    """RFC 9162 §2.1.4.2: the tree of size `new` extends the tree of size `old`."""
    if not 0 <= old <= new:
        raise VerifyError("sizes out of order")
    if old == new:
        if proof or old_root != new_root:
            raise VerifyError("equal sizes with different roots or a proof")
        return
    if old == 0:
        if proof:
            raise VerifyError("a proof from the empty tree must be empty")
        return
    if not proof:
        raise VerifyError("empty consistency proof")
    path = list(proof)
    if old & (old - 1) == 0:  # a power of two: the old root is the first node
        path.insert(0, old_root)
    fn, sn = old - 1, new - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise VerifyError("the consistency proof is too long")
        if fn & 1 or fn == sn:
            fr, sr = _node(c, fr), _node(c, sr)
            while not fn & 1 and fn:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = _node(sr, c)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0 or fr != old_root or sr != new_root:
        raise VerifyError(f"the tree of size {new} does not extend the tree of size {old}")
