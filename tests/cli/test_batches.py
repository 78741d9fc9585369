"""`labdesk keys|export|batches|verify|hq` end to end, in process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from labdesk.cli import main
from labdesk.services import keys
from tests.batch.centre import PASSPHRASE, PASSWORD, approved_samples, make_centre
from tests.batch.factory import entries_of, rezip


@pytest.fixture
def centre_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A centre with 3 approved samples and a key (passphrase PASSPHRASE)."""
    path = tmp_path / "centre.sqlite"
    centre = make_centre(path)
    approved_samples(centre, 3)
    centre.db.close()
    monkeypatch.setenv("LABDESK_PASSWORD", PASSWORD)
    monkeypatch.delenv("LABDESK_KEY_PASSPHRASE", raising=False)
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_keys_export_show(
    centre_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "--db", str(centre_db), "keys", "show")
    assert code == 0 and "sm2" in out and "active" in out
    fingerprint = out.split()[0]
    pem = tmp_path / "centre.pem"
    assert run(capsys, "--db", str(centre_db), "keys", "export", "--out", str(pem))[0] == 0
    from labdesk.signing import load_public_pem

    assert load_public_pem(pem.read_text()).key_id == fingerprint


def test_keys_init_refuses_second_key_and_needs_passphrase(
    centre_db: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    code, _, err = run(capsys, "--db", str(centre_db), "keys", "init", "--user", "boss")
    assert code == 2 and "LABDESK_KEY_PASSPHRASE" in err
    phrase = tmp_path / "phrase.txt"
    phrase.write_text("a new long passphrase\n")
    phrase.chmod(0o600)
    args = [
        "--db",
        str(centre_db),
        "keys",
        "init",
        "--user",
        "boss",
        "--passphrase-file",
        str(phrase),
    ]
    code, _, err = run(capsys, *args)
    assert code == 2 and "--replace" in err
    code, out, _ = run(capsys, *args, "--algorithm", "ed25519", "--replace")
    assert code == 0 and "created ed25519 signing key" in out
    from labdesk.store.db import open_database

    db = open_database(centre_db)
    try:  # the trailing newline of the file is not part of the passphrase
        assert keys.load_signer(db, "a new long passphrase").algorithm == "ed25519"
    finally:
        db.close()


def test_export_list_rewrite_verify_hq(
    centre_db: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    db = ["--db", str(centre_db)]
    out_dir = tmp_path / "outbox"
    out_dir.mkdir()
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    code, _, err = run(capsys, *db, "export", "--out", str(out_dir), "--user", "boss")
    assert code == 2 and "LABDESK_KEY_PASSPHRASE" in err
    monkeypatch.setenv("LABDESK_KEY_PASSPHRASE", PASSPHRASE)
    code, _, err = run(
        capsys, "--lang", "en", *db, "export", "--out", str(out_dir), "--user", "tech"
    )
    assert code == 2 and "may not" in err
    code, out, _ = run(capsys, *db, "export", "--out", str(out_dir), "--user", "boss")
    assert code == 0 and "batch 1, 3 samples" in out
    batch = out_dir / "HF01-000001.labbatch"
    code, out, _ = run(capsys, *db, "batches", "list", "--json")
    assert code == 0 and json.loads(out)[0]["sequence"] == 1

    original = batch.read_bytes()
    batch.unlink()
    assert run(capsys, *db, "batches", "rewrite", "1", "--out", str(out_dir))[0] == 0
    assert batch.read_bytes() == original

    pem = tmp_path / "centre.pem"
    run(capsys, *db, "keys", "export", "--out", str(pem))
    code, out, _ = run(capsys, "verify", str(batch), "--trust", str(pem))
    assert code == 0 and out.startswith("OK") and "samples  3" in out

    bad = tmp_path / "bad.labbatch"
    bad.write_bytes(
        rezip([(n, d + b"{}\n" if n == "audit.jsonl" else d) for n, d in entries_of(original)])
    )
    code, out, _ = run(capsys, "verify", str(bad), "--trust", str(pem), "--json")
    assert code == 1 and json.loads(out)["reason"] == "size-mismatch"
    code, _, err = run(capsys, "verify", str(batch))
    assert code == 2 and "--trust" in err

    hq = ["hq", "--db", str(tmp_path / "hq.sqlite")]
    code, out, _ = run(capsys, *hq, "ingest", str(out_dir), "--trust", str(pem))
    assert code == 0 and "loaded" in out and "HF01 batch 1, 3 samples" in out
    code, out, _ = run(capsys, *hq, "ingest", str(bad), "--trust", str(pem))
    assert code == 1 and "REFUSED" in out
    code, out, _ = run(capsys, *hq, "summary", "--json")
    figures = json.loads(out)
    assert code == 0 and figures["samples"] == 3 and figures["by_centre"][0]["centre"] == "HF01"
    code, out, _ = run(capsys, *hq, "summary")
    assert code == 0 and "province" in out
    code, out, _ = run(capsys, *hq, "gaps")
    assert code == 0 and "no gaps" in out
