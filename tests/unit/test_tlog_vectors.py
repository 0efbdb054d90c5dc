"""The log's tree and notes against published vectors (tests/data/tlog_vectors.json names them):
the server's proofs and signatures, and the offline verifier's checks, both held to them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from scraptrace_client import tlog as client

from domain.tlog import merkle, note

V = json.loads((Path(__file__).parents[1] / "data" / "tlog_vectors.json").read_text())
LEAVES = [merkle.leaf_hash(bytes.fromhex(x)) for x in V["leaves_hex"]]
ROOTS = [bytes.fromhex(x) for x in V["roots_hex"]]


def _tree(split: int) -> dict[merkle.Node, bytes]:
    """All 8 vector leaves appended in two batches, the first of `split` leaves."""
    nodes = merkle.append(0, {}, LEAVES[:split])
    nodes.update(merkle.append(split, nodes, LEAVES[split:]))
    return nodes


def _hexes(hashes: list[bytes]) -> list[str]:
    return [h.hex() for h in hashes]


@pytest.mark.parametrize("split", range(9))
def test_every_root_matches_the_rfc6962_vectors_whatever_the_batches(split):
    nodes = _tree(split)
    assert [merkle.root(n, lambda w: {k: nodes[k] for k in w}).hex() for n in range(1, 9)] \
        == V["roots_hex"]
    assert merkle.root(0, lambda w: {}).hex() == V["empty_root_hex"]


def test_an_append_stores_each_leaf_and_each_subtree_it_completes():
    assert sorted(merkle.append(3, _tree(3), [LEAVES[3]])) == [(0, 3), (1, 1), (2, 0)]
    assert len(_tree(0)) == 8 + 4 + 2 + 1


@pytest.mark.parametrize("case", V["inclusion"], ids=lambda c: f"{c['index']}@{c['size']}")
def test_inclusion_proofs_match_the_vectors(case):
    nodes = _tree(8)
    ranges = merkle.inclusion_ranges(case["index"], case["size"])
    assert _hexes(merkle.range_hashes(ranges, nodes)) == case["proof"]
    # Each proof reads at most ⌈log2 n⌉ + 1 stored nodes per hash.
    assert len(merkle.needed(ranges)) <= 2 * max(1, case["size"].bit_length())


@pytest.mark.parametrize("case", V["consistency"], ids=lambda c: f"{c['from']}-{c['to']}")
def test_consistency_proofs_match_the_vectors(case):
    ranges = merkle.consistency_ranges(case["from"], case["to"])
    assert _hexes(merkle.range_hashes(ranges, _tree(8))) == case["proof"]


@pytest.mark.parametrize("case", V["inclusion"], ids=lambda c: f"{c['index']}@{c['size']}")
def test_the_offline_verifier_accepts_each_vector_and_refuses_it_altered(case):
    proof = [bytes.fromhex(h) for h in case["proof"]]
    i, n = case["index"], case["size"]
    client.verify_inclusion(i, n, LEAVES[i], proof, ROOTS[n - 1])
    wrong = [(i, n, LEAVES[(i + 1) % 8], proof), (i, n, LEAVES[i], [*proof, ROOTS[0]])]
    wrong += [(i, n, LEAVES[i], [bytes([p[0] ^ 8]) + p[1:] if j == k else p
                                 for j, p in enumerate(proof)]) for k in range(len(proof))]
    if i + 1 < n:
        wrong.append((i + 1, n, LEAVES[i], proof))
    for args in wrong:
        with pytest.raises(client.VerifyError):
            client.verify_inclusion(*args, ROOTS[n - 1])


@pytest.mark.parametrize("case", V["consistency"], ids=lambda c: f"{c['from']}-{c['to']}")
def test_the_offline_verifier_checks_consistency_vectors(case):
    proof = [bytes.fromhex(h) for h in case["proof"]]
    m, n = case["from"], case["to"]
    client.verify_consistency(m, n, proof, ROOTS[m - 1], ROOTS[n - 1])
    if proof:
        for bad in (proof[:-1], [bytes([proof[0][0] ^ 16]) + proof[0][1:], *proof[1:]]):
            with pytest.raises(client.VerifyError):
                client.verify_consistency(m, n, bad, ROOTS[m - 1], ROOTS[n - 1])
        with pytest.raises(client.VerifyError):
            client.verify_consistency(m, n, proof, ROOTS[n - 1], ROOTS[m - 1])


def test_the_server_signs_the_go_note_vector_byte_for_byte():
    signer = note.parse_signer(V["note"]["skey"])
    assert signer.verifier_key == V["note"]["vkey"]
    assert signer.sign(V["note"]["text"]) == V["note"]["text"] + "\n" + V["note"]["signature_line"]


def test_the_offline_verifier_opens_the_go_note_and_refuses_an_altered_one():
    key = client.VerifierKey.parse(V["note"]["vkey"])
    signed = V["note"]["text"] + "\n" + V["note"]["signature_line"]
    assert client.open_note(signed, key) == V["note"]["text"]
    with pytest.raises(client.VerifyError):
        client.open_note(signed.replace("cryptography", "cryptographY"), key)
    with pytest.raises(client.VerifyError):
        client.VerifierKey.parse(V["note"]["vkey"].replace("c74f20a3", "c74f20a4"))


def test_a_signer_key_whose_id_does_not_match_is_refused():
    from domain.errors import InvalidInput

    with pytest.raises(InvalidInput) as err:
        note.parse_signer(V["note"]["skey"].replace("c74f20a3", "00000000"))
    assert err.value.code == "invalid-log-key"


def test_a_generated_key_signs_checkpoints_its_verifier_key_opens():
    signer = note.parse_signer(note.generate("trace.example.test/log"))
    body = note.checkpoint_body(note.origin("https://trace.example.test"), 8, ROOTS[7])
    cp = client.Checkpoint.open(signer.sign(body), client.VerifierKey.parse(signer.verifier_key))
    assert (cp.origin, cp.size, cp.root) == ("trace.example.test/log", 8, ROOTS[7])
