"""Demo databases export real signed batches that verify and reach HQ without gaps."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from labdesk.batch.demo import DEMO_KEY_PASSPHRASE, DemoBuild, build_demo, demo_outbox
from labdesk.batch.hq import gaps, ingest, summary
from labdesk.batch.hq_store import open_hq
from labdesk.batch.verify import verify_batch
from labdesk.cli import main
from labdesk.core.errors import WorkflowError
from labdesk.services import keys
from labdesk.services.audit import verify_audit
from labdesk.signing import load_public_pem
from labdesk.store.db import open_database, open_reader
from labdesk.store.schema import SAMPLE_STATES
from tests.batch.centre import make_centre


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, DemoBuild]:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    return path, build_demo(path, samples=120, seed=5)


def test_every_state_occurs_and_exported_samples_are_in_signed_batches(
    built: tuple[Path, DemoBuild],
) -> None:
    path, made = built
    assert made.outbox == demo_outbox(path) == path.parent / "demo-outbox"
    db = open_reader(path)
    try:
        counts = {
            str(r[0]): int(r[1])
            for r in db.query("SELECT state, count(*) FROM samples GROUP BY state")
        }
        assert set(counts) == set(SAMPLE_STATES) and counts == made.summary.states
        batches = db.query("SELECT sequence, file_name, sample_count FROM export_batches")
        assert [int(b[0]) for b in batches] == list(range(1, len(made.batches) + 1))
        assert sum(int(b[2]) for b in batches) == counts["exported"]
        assert all(str(b[1]).endswith(".labbatch") for b in batches)  # no placeholder
        unbatched = "SELECT count(*) FROM samples WHERE state = 'exported' AND export_batch_id "
        assert db.scalar(unbatched + "IS NULL") == 0
        assert db.scalar("SELECT outbox_dir FROM centre") == str(made.outbox.resolve())
        assert verify_audit(db).ok
        key = keys.active_key(db)
        assert key is not None and key.algorithm == "sm2" and key.fingerprint
        assert made.key_fingerprint == key.fingerprint
    finally:
        db.close()
    names = sorted(p.name for p in made.outbox.iterdir())
    assert names == [*(b.file_name for b in made.batches), "DEMO34-public-key.pem"]
    assert made.public_key_file == made.outbox / "DEMO34-public-key.pem"


def test_the_demo_key_opens_with_the_demo_passphrase_only(built: tuple[Path, DemoBuild]) -> None:
    path, made = built
    db = open_reader(path)
    try:
        assert keys.load_signer(db, DEMO_KEY_PASSPHRASE).key_id == made.key_fingerprint
    finally:
        db.close()
    assert made.passphrase == DEMO_KEY_PASSPHRASE


def test_batches_verify_and_ingest_at_hq_without_gaps(
    built: tuple[Path, DemoBuild], tmp_path: Path
) -> None:
    _, made = built
    assert made.public_key_file is not None
    trusted = [load_public_pem(made.public_key_file.read_text())]
    previous = None
    for result in made.batches:
        verified = verify_batch(result.path, trusted)
        assert verified.previous_manifest_sha256 == previous
        previous = verified.manifest_sha256
    with open_hq(str(tmp_path / "hq.sqlite")) as store:
        outcomes = ingest(store, [made.outbox], trusted)
        assert [o.status for o in outcomes] == ["loaded"] * len(made.batches)
        assert gaps(store) == []
        assert summary(store)["samples"] == made.summary.states["exported"]


def test_the_cli_verifies_ingests_and_audits_a_demo_database(
    built: tuple[Path, DemoBuild], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, made = built
    pem = str(made.public_key_file)
    for result in made.batches:
        assert main(["verify", str(result.path), "--trust", pem]) == 0
    hq = ["hq", "--db", str(tmp_path / "hq.sqlite")]
    assert main([*hq, "ingest", str(made.outbox), "--trust", pem]) == 0
    capsys.readouterr()
    assert main([*hq, "gaps"]) == 0
    assert "no gaps" in capsys.readouterr().out
    assert main(["--db", str(path), "audit", "verify", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["ok"] is True


def test_extending_a_demo_database_continues_the_chain(tmp_path: Path) -> None:
    path = tmp_path / "d.sqlite"
    first = build_demo(path, samples=40, seed=1)
    second = build_demo(path, samples=40, seed=2)
    assert first.batches and second.batches
    assert second.batches[0].sequence == first.batches[-1].sequence + 1
    assert second.key_fingerprint == first.key_fingerprint  # the same demo key, reused
    assert second.public_key_file is not None
    trusted = [load_public_pem(second.public_key_file.read_text())]
    with open_hq(str(tmp_path / "hq.sqlite")) as store:
        outcomes = ingest(store, [second.outbox], trusted)
        assert {o.status for o in outcomes} == {"loaded"}
        assert len(outcomes) == len(first.batches) + len(second.batches)
        assert gaps(store) == []
    db = open_reader(path)
    try:
        assert verify_audit(db).ok
    finally:
        db.close()


def test_an_open_database_and_a_chosen_outbox(tmp_path: Path) -> None:
    db = open_database(tmp_path / "d.sqlite")
    try:
        made = build_demo(db, samples=30, seed=3, outbox=tmp_path / "elsewhere")
        assert made.outbox == tmp_path / "elsewhere" and made.batches
        assert all(r.path.parent == made.outbox for r in made.batches)
        assert db.scalar("SELECT count(*) FROM samples") == 30  # still open: not closed
    finally:
        db.close()
    assert not (tmp_path / "d-outbox").exists()


def test_a_real_centre_is_refused_and_keeps_its_key(tmp_path: Path) -> None:
    centre = make_centre(tmp_path / "real.sqlite")
    try:
        before = keys.fingerprint(centre.db)
        with pytest.raises(WorkflowError, match="real centre"):
            build_demo(centre.db, samples=10)
        assert keys.fingerprint(centre.db) == before
        assert centre.db.scalar("SELECT count(*) FROM export_batches") == 0
    finally:
        centre.db.close()
    assert not (tmp_path / "real-outbox").exists()


def test_a_copied_demo_database_with_a_foreign_key_is_refused(
    built: tuple[Path, DemoBuild], tmp_path: Path
) -> None:
    """A demo database whose active key is not under the demo passphrase cannot sign."""
    path, _ = built
    copy = tmp_path / "copy.sqlite"
    src, dst = sqlite3.connect(path), sqlite3.connect(copy)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    db = open_database(copy)
    try:
        from labdesk.services import auth
        from labdesk.signing import MIN_KDF

        manager = auth.sign_in(db, "manager", "manager-demo")
        keys.init_keys(manager, "ed25519", "another passphrase", replace=True, kdf=MIN_KDF)
        samples = db.scalar("SELECT count(*) FROM samples")
        with pytest.raises(WorkflowError, match="demo passphrase"):
            build_demo(db, samples=40, seed=9)
        assert db.scalar("SELECT count(*) FROM samples") == samples  # refused up front
    finally:
        db.close()
