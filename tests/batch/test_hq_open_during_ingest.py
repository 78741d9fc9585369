"""Opening the HQ database while an ingest is loading a batch (its transaction open), on
both engines: the screens' reads and the `hq` commands open and read at once — before,
opening ran the schema's DDL each time, which waited for the ingest's transaction."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

import labdesk.batch.hq as hq
from labdesk.batch.hq import ingest
from labdesk.batch.hq_store import HqStore, open_hq
from labdesk.signing import Signer
from tests.batch.test_hq import chain, hq_url, write

__all__ = ["hq_url"]  # the fixture: SQLite and PostgreSQL

WAIT_S = 20


def test_the_province_is_read_while_an_ingest_holds_its_transaction(
    hq_url: str, tmp_path: Path, sm2_signer: Signer, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = chain(sm2_signer, 2)
    write(tmp_path / "one", first)
    with open_hq(hq_url) as store:
        ingest(store, [tmp_path / "one"], [sm2_signer.public_key])
    inside, release = threading.Event(), threading.Event()
    real = hq._insert_item_counts

    def held(store: HqStore, *args: Any) -> Any:  # batch 2's samples in, not committed
        inside.set()
        release.wait(WAIT_S)
        return real(store, *args)

    monkeypatch.setattr(hq, "_insert_item_counts", held)
    failed: list[BaseException] = []

    def loading() -> None:
        try:
            with open_hq(hq_url) as store:
                ingest(store, [write(tmp_path / "two", second)], [sm2_signer.public_key])
        except BaseException as exc:  # reported below
            failed.append(exc)

    loader = threading.Thread(target=loading)
    loader.start()
    try:
        assert inside.wait(WAIT_S)
        read: list[int] = []

        def reading() -> None:
            with open_hq(hq_url, create=False) as store:
                read.append(store.scalar("SELECT COUNT(*) FROM hq_samples"))

        reader = threading.Thread(target=reading, daemon=True)
        reader.start()
        reader.join(5)
        assert read == [4], "the read waited for the ingest"  # batch 1's samples only
    finally:
        release.set()
        loader.join(WAIT_S)
    assert not failed
    with open_hq(hq_url) as store:
        assert store.scalar("SELECT COUNT(*) FROM hq_samples") == 8
