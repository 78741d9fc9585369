"""Keys shared by the batch tests (generating SM2 keys is cheap, but reuse keeps it tidy)."""

from __future__ import annotations

import pytest

from labdesk.signing import Signer


@pytest.fixture(scope="session")
def sm2_signer() -> Signer:
    return Signer.generate("sm2")


@pytest.fixture(scope="session")
def ed25519_signer() -> Signer:
    return Signer.generate("ed25519")
