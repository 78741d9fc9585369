"""HQ stores on both engines (the batch tests' pattern) and signing keys."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from labdesk.batch.hq_store import HqStore, open_hq
from labdesk.signing import Signer

TABLES = (
    "hq_item_counts", "hq_records", "hq_samples", "hq_batches", "hq_centre_keys", "hq_centres",
    "hq_meta",
)  # fmt: skip


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def hq_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "hq.sqlite")
    url: str = request.getfixturevalue("pg_url")
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        for table in TABLES:
            conn.execute(f"DROP TABLE IF EXISTS {table} CASCADE")
    return url


@pytest.fixture
def store(hq_url: str) -> Iterator[HqStore]:
    with open_hq(hq_url) as opened:
        yield opened


@pytest.fixture(scope="session")
def signers() -> list[Signer]:
    return [Signer.generate("ed25519") for _ in range(4)]
