"""Signatures for what leaves the lab: SM2 with SM3, or Ed25519 (Qt-free)."""
