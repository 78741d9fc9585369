"""The HQ database's PostgreSQL server away (issue 18, part 5), on a real server: a connect
refused and a link lost under a statement are `HqServerAway` — the user's to retry, not a
program fault with psycopg's trace — and an ingest cut off mid-batch leaves nothing of
that batch (the server rolled its one transaction back) and loads when tried again."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

import labdesk.batch.hq as hq
from labdesk.batch.hq import ingest
from labdesk.batch.hq_store import HqServerAway, HqStore, HqStoreError, open_hq
from labdesk.signing import Signer
from labdesk.store.errors import ServerAway
from tests.batch.test_hq import chain, snapshot, write
from tests.store.pg_world import database_name, database_url, new_database

pytestmark = pytest.mark.postgres


@pytest.fixture
def hq_url(pg_url: str) -> Iterator[str]:
    with new_database(pg_url) as url:
        yield url


def _admin(url: str) -> psycopg.Connection[tuple[Any, ...]]:
    return psycopg.connect(database_url(url, "postgres"), autocommit=True)


def _end_backend(url: str, pid: int) -> None:
    """The server ends one connection, as a restart or a crash of its backend does."""
    with _admin(url) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))


def test_a_server_refusing_connections_is_away_and_said_as_before(hq_url: str) -> None:
    open_hq(hq_url).close()
    name = database_name(hq_url)
    with _admin(hq_url) as admin:
        admin.execute(f"ALTER DATABASE {name} ALLOW_CONNECTIONS false")
    try:
        with pytest.raises(HqServerAway) as raised:
            open_hq(hq_url)
    finally:
        with _admin(hq_url) as admin:
            admin.execute(f"ALTER DATABASE {name} ALLOW_CONNECTIONS true")
    assert isinstance(raised.value, HqStoreError) and isinstance(raised.value, ServerAway)
    assert str(raised.value).startswith("cannot connect to the HQ database: ")  # as before
    open_hq(hq_url).close()  # back: opens again


def test_a_stopped_server_is_away(tmp_path: Path) -> None:
    """No server listening where the URL says (stopped, not started yet)."""
    with pytest.raises(HqServerAway) as raised:
        open_hq(f"postgresql://postgres@/hq?host={tmp_path}")
    assert str(raised.value).startswith("cannot connect to the HQ database: ")


def test_a_server_that_never_answers_is_away_after_the_connect_timeout(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A host that takes the connection and says nothing (a server hung, a network
    dropping packets): before, opening waited for ever — an HQ tab's progress dialog
    that never ended. libpq's shortest wait is 2 s."""
    import socket
    import threading

    from labdesk.store import pg_engine

    monkeypatch.setattr(pg_engine, "CONNECT_TIMEOUT_S", 2)
    with socket.create_server(("127.0.0.1", 0)) as silent:  # listens, never answers
        port = silent.getsockname()[1]
        raised: list[BaseException] = []

        def opening() -> None:
            try:
                open_hq(f"postgresql://hq@127.0.0.1:{port}/hq")
            except BaseException as exc:  # looked at below
                raised.append(exc)

        opener = threading.Thread(target=opening, daemon=True)
        opener.start()
        opener.join(15)
        assert not opener.is_alive(), "still waiting for a server that never answers"
    assert len(raised) == 1 and isinstance(raised[0], HqServerAway), raised


def test_a_database_the_server_does_not_have_is_refused_not_away(hq_url: str) -> None:
    missing = database_url(hq_url, "ld_no_such_database")
    with pytest.raises(HqStoreError) as raised:
        open_hq(missing)
    assert not isinstance(raised.value, ServerAway)  # trying again would change nothing


def test_a_link_lost_under_a_read_is_the_server_away(hq_url: str) -> None:
    with open_hq(hq_url) as store:
        _end_backend(hq_url, store.conn.info.backend_pid)
        with pytest.raises(HqServerAway) as raised:
            store.query("SELECT COUNT(*) FROM hq_batches")
        assert "connection to the HQ database server was lost" in raised.value.in_language("en")
        assert "连接中断" in raised.value.in_language("zh")


def test_an_ingest_cut_off_mid_batch_leaves_nothing_of_it_and_loads_when_tried_again(
    hq_url: str, tmp_path: Path, sm2_signer: Signer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Batch 1 is in; batch 2's connection ends after its batch row and before its samples
    (inside its transaction): nothing of batch 2 is stored, nothing of batch 1 is lost,
    and the same ingest run again skips batch 1 and loads batch 2 whole."""
    first, second = chain(sm2_signer, 2)
    inbox = tmp_path / "inbox"
    write(inbox, first)
    with open_hq(hq_url) as store:
        assert [o.status for o in ingest(store, [inbox], [sm2_signer.public_key])] == ["loaded"]
        before = snapshot(store)
    write(inbox, second)

    real = hq._existing_samples

    def cut_off(store: HqStore, *args: Any) -> Any:
        _end_backend(hq_url, store.conn.info.backend_pid)
        return real(store, *args)

    monkeypatch.setattr(hq, "_existing_samples", cut_off)
    with open_hq(hq_url) as store, pytest.raises(HqServerAway):
        ingest(store, [inbox], [sm2_signer.public_key])
    monkeypatch.undo()
    with open_hq(hq_url) as store:
        assert snapshot(store) == before  # nothing half merged
        outcomes = ingest(store, [inbox], [sm2_signer.public_key])
        assert [(o.status, o.sequence) for o in outcomes] == [("duplicate", 1), ("loaded", 2)]
        assert store.scalar("SELECT COUNT(*) FROM hq_samples WHERE sequence = 2") == 4
        records = "SELECT COUNT(*) FROM hq_records WHERE sequence = ?"
        assert store.scalar(records, (2,)) == store.scalar(records, (1,)) > 0


@pytest.mark.parametrize("language", ["en", "zh"])
def test_hq_ingest_cut_off_ends_with_one_plain_line_and_loads_when_run_again(
    hq_url: str,
    tmp_path: Path,
    sm2_signer: Signer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    language: str,
) -> None:
    """`labdesk hq ingest` whose connection the server ends mid-batch: exit 2 and one
    `labdesk: …` line in the language asked for (psycopg's traceback before)."""
    from labdesk.cli import main

    pem = tmp_path / "centre.pem"
    pem.write_text(sm2_signer.public_key.pem)
    inbox = tmp_path / "inbox"
    write(inbox, chain(sm2_signer, 1)[0])
    argv = ["--lang", language, "hq", "--db", hq_url, "ingest", str(inbox), "--trust", str(pem)]
    real = hq._existing_samples

    def cut_off(store: HqStore, *args: Any) -> Any:
        _end_backend(hq_url, store.conn.info.backend_pid)
        return real(store, *args)

    monkeypatch.setattr(hq, "_existing_samples", cut_off)
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == "" and "Traceback" not in err and "psycopg" not in err
    assert err.startswith("labdesk") and err.count("\n") == 1, err
    assert {"en": "connection to the HQ database server was lost", "zh": "连接中断"}[
        language
    ] in err
    monkeypatch.undo()
    assert main(argv) == 0  # run again: loads
    assert "loaded" in capsys.readouterr().out
