"""docs/batch-format.md cannot drift: its worked example is rebuilt and checked here."""

from __future__ import annotations

import hashlib
import re
import subprocess
from pathlib import Path

from labdesk.batch.format import DATA_FILES, FORMAT, build_archive
from labdesk.batch.verify import verify_bytes
from labdesk.services import report_content
from labdesk.signing import load_public_pem
from labdesk.signing.report_verify import verify_payload
from tests.support import require_tool

DOC = Path(__file__).resolve().parents[2] / "docs" / "batch-format.md"
_BLOCK = re.compile(r"<!-- example: (?P<name>[\w.]+) -->\n```\w*\n(?P<body>.*?)\n```", re.S)


def example() -> dict[str, bytes]:
    blocks = {m["name"]: (m["body"] + "\n").encode() for m in _BLOCK.finditer(DOC.read_text())}
    blocks["manifest.sig"] = bytes.fromhex(blocks.pop("manifest.sig.hex").decode().strip())
    return blocks


def test_example_verifies_with_labdesk() -> None:
    files = example()
    key = load_public_pem(files["centre.pem"])
    doc = DOC.read_text()
    assert f"Its key id: `{key.key_id}`" in doc
    assert hashlib.sha256(files["manifest.json"]).hexdigest() in doc
    data = {name: files[name] for name in DATA_FILES}  # the example is a /2 batch
    archive = build_archive(files["manifest.json"], files["manifest.sig"], data)
    verified = verify_bytes(archive, [key])
    # the documented example is a /2 batch, which this LabDesk (writing /3) still reads
    assert verified.manifest["format"] == "labdesk-batch/2" and FORMAT == "labdesk-batch/3"
    assert verified.manifest["sequence"] == 1 and verified.centre_region_code == "340100"
    assert verified.records("results.jsonl")[0]["text"] == "0.35"
    sample = verified.records("samples.jsonl")[0]
    assert sample["report_no"] == "HF01-2026-000001"
    assert sample["task"]["org_level"] == "市级" and sample["task"]["purpose"] == "监督抽检"
    (report,) = verified.records("reports.jsonl")
    assert report["report_no"] == sample["report_no"]
    assert (report["version"], report["state"]) == (1, "current")
    # The report line's payload is genuine and names the line's content.
    checked = verify_payload(report["payload"], [key])
    assert checked.payload.content_sm3 == report_content.digest(report["content"].encode())
    assert report_content.parse(report["content"]).report_class == sample["report_class"]


def test_example_verifies_with_openssl(tmp_path: Path) -> None:
    require_tool("openssl")
    for name, data in example().items():
        (tmp_path / name).write_bytes(data)
    done = subprocess.run(
        [
            "openssl", "pkeyutl", "-verify", "-pubin", "-inkey", "centre.pem", "-rawin",
            "-in", "manifest.json", "-sigfile", "manifest.sig", "-digest", "sm3",
            "-pkeyopt", "distid:1234567812345678",
        ],
        cwd=tmp_path, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    sm3 = (
        subprocess.run(
            ["openssl", "dgst", "-sm3", "samples.jsonl"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
        )
        .stdout.split("= ")[1]
        .strip()
    )
    assert f"SM3(samples.jsonl)= {sm3}" in DOC.read_text()


def test_every_cli_verb_is_documented() -> None:
    doc = DOC.read_text()
    for verb in (
        "keys init", "keys show", "keys export", "export --out", "batches list",
        "batches rewrite", "verify ", "hq --db", "ingest", "summary", "gaps",
        "--passphrase-file", "LABDESK_KEY_PASSPHRASE",
    ):  # fmt: skip
        assert verb in doc, verb
