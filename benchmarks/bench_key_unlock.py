"""Unlocking the centre's signing key vs checking a user's password (issue 21.5).

Ours: `decrypt_private_key` of a key wrapped as `labdesk keys init` wraps it (argon2id
64 MiB, t = 3, p = 4, then AES-256-GCM) — paid once per export or report signing.

Baseline: `PasswordHasher.verify` with the users' password cost (argon2id 19 MiB, t = 2,
p = 1, services/auth.py) — paid at every sign-in.

The ratio is how much dearer a guess at the key's passphrase is than a guess at a
password (it should be above 1: the key must never be the cheaper way in); the target
bounds what a user waits when signing.
"""

from __future__ import annotations

from typing import Any

from benchmarks.harness import Benchmark
from labdesk.services import auth
from labdesk.signing import KdfParams, decrypt_private_key, encrypt_private_key

PASSPHRASE = "a long centre passphrase"


def _setup(quick: bool) -> dict[str, Any]:
    return {
        "blob": encrypt_private_key("sm2", b"\x05" * 32, PASSPHRASE, KdfParams()),
        "hash": auth._password_hasher().hash(PASSPHRASE),
    }


def _ours(state: dict[str, Any]) -> None:
    decrypt_private_key(state["blob"], PASSPHRASE)


def _baseline(state: dict[str, Any]) -> None:
    auth._password_hasher().verify(state["hash"], PASSPHRASE)


BENCHMARK = Benchmark(
    name="key_unlock",
    description="unlock the signing key: argon2id 64 MiB t=3 p=4 + AES-256-GCM (keys init)",
    baseline_description="verify one user password: argon2id 19 MiB t=2 p=1 (sign-in)",
    target=20.0,
    setup=_setup,
    ours=_ours,
    baseline=_baseline,
)
