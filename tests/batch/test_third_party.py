"""A verifier written only from docs/batch-format.md accepts LabDesk's batches (and
refuses tampered ones), run as a separate process with no LabDesk code."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from labdesk.batch.export import export_batch
from labdesk.services import keys
from labdesk.signing import Signer
from tests.batch.centre import PASSPHRASE, approved_samples, make_centre
from tests.batch.factory import entries_of, make_batch, rezip, sample_records
from tests.support import require_tool

SCRIPT = Path(__file__).with_name("third_party_verify.py")


def run(batch: Path, *pems: Path) -> subprocess.CompletedProcess[str]:
    # -I: isolated mode, so the script cannot import labdesk from the working tree
    return subprocess.run(
        [sys.executable, "-I", str(SCRIPT), str(batch), *map(str, pems)],
        capture_output=True, text=True, check=False, cwd=batch.parent,
    )  # fmt: skip


def test_script_uses_no_labdesk_code() -> None:
    text = SCRIPT.read_text()
    assert "labdesk." not in text.replace("labdesk-batch", "") and "import labdesk" not in text


@pytest.mark.parametrize("algorithm", ["sm2", "ed25519"])
def test_third_party_verifies_exported_batches(tmp_path: Path, algorithm: str) -> None:
    require_tool("openssl")
    (tmp_path / "db").mkdir()
    centre = make_centre(tmp_path / "db" / "c.sqlite", algorithm=algorithm)
    try:
        approved_samples(centre, 3)
        out = tmp_path / "out"
        out.mkdir()
        result = export_batch(centre.manager, out, PASSPHRASE)
        pem = tmp_path / "centre.pem"
        pem.write_text(keys.public_key_pem(centre.db))
    finally:
        centre.db.close()
    good = run(result.path, pem)
    assert good.returncode == 0, good.stdout + good.stderr
    assert good.stdout.strip() == "OK HF01 1"

    entries = entries_of(result.path.read_bytes())
    tampered = tmp_path / "tampered.labbatch"
    tampered.write_bytes(
        rezip(
            [
                (n, d.replace(b'"fail"', b'"pass"') if n == "samples.jsonl" else d)
                for n, d in entries
            ]
        )
    )
    bad = run(tampered, pem)
    assert bad.returncode == 1 and "samples.jsonl changed" in bad.stdout
    resigned = tmp_path / "resigned.labbatch"
    resigned.write_bytes(
        rezip(
            [
                (n, d.replace(b'"sequence": 1', b'"sequence": 5') if n == "manifest.json" else d)
                for n, d in entries
            ]
        )
    )
    bad = run(resigned, pem)
    assert bad.returncode == 1 and "signature does not verify" in bad.stdout


def test_third_party_checks_report_no(tmp_path: Path, sm2_signer: Signer) -> None:
    """A signed batch whose report_no is not text is refused by the documented rule;
    null and a missing key are accepted."""
    require_tool("openssl")
    pem = tmp_path / "centre.pem"
    pem.write_text(sm2_signer.public_key.pem)
    samples = sample_records(3)
    samples[0]["report_no"] = None
    del samples[1]["report_no"]
    good = tmp_path / "good" / "HF01-000001.labbatch"
    good.parent.mkdir()
    good.write_bytes(make_batch(sm2_signer, samples=samples).archive)
    done = run(good, pem)
    assert done.returncode == 0, done.stdout + done.stderr
    samples[2]["report_no"] = 123
    bad = tmp_path / "bad" / "HF01-000001.labbatch"
    bad.parent.mkdir()
    bad.write_bytes(make_batch(sm2_signer, samples=samples).archive)
    done = run(bad, pem)
    assert done.returncode == 1 and "line 3: bad report_no" in done.stdout
