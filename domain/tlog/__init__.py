"""The transparency log: every stored event a leaf of an RFC 9162 Merkle tree, signed checkpoints."""
