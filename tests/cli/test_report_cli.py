"""`labdesk verify-report`, `report`, `reports`, `labels`, `marks`, `hq report` end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from labdesk.cli import main
from labdesk.services import report_issues, results, samples, workflow
from labdesk.store.db import open_database
from tests.batch.centre import PASSPHRASE, PASSWORD, approved_samples, make_centre
from tests.reports.issued import edit_hex_text, editor_save


@pytest.fixture
def centre_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qapp: object) -> Path:
    """A centre with 2 approved, signed samples; its public key in centre.pem."""
    path = tmp_path / "centre.sqlite"
    centre = make_centre(path)
    approved_samples(centre, 2)
    (tmp_path / "centre.pem").write_text(centre.signer.public_key.pem)
    centre.db.close()
    monkeypatch.setenv("LABDESK_PASSWORD", PASSWORD)
    monkeypatch.setenv("LABDESK_KEY_PASSPHRASE", PASSPHRASE)
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _report(capsys: pytest.CaptureFixture[str], db: Path, out: Path, *extra: str) -> Path:
    code, _text, err = run(
        capsys, "--db", str(db), "report", "AH202600001", "--out", str(out), *extra
    )
    assert code == 0, err
    return out / "AH202600001.pdf"


def test_a_report_pdf_verifies_and_the_same_pdf_edited_is_rejected(
    centre_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pem = str(tmp_path / "centre.pem")
    pdf = _report(capsys, centre_db, tmp_path / "out")
    code, out, _ = run(capsys, "verify-report", str(pdf), "--trust", pem)
    assert code == 0 and out.startswith("OK: report HF01-2026-000001 version 1 is genuine")
    assert "conclusion  不合格" in out and "sample      AH202600001" in out
    code, out, _ = run(capsys, "verify-report", str(pdf), "--trust", pem, "--json")
    data = json.loads(out)
    assert code == 0 and data["status"] == "OK" and data["file_signed"] is True
    assert data["report_no"] == "HF01-2026-000001" and data["items"][0]["result"] == "0.35"

    edited = tmp_path / "edited.pdf"
    body = pdf.read_bytes()
    edited.write_bytes(edit_hex_text(body, b"Content", '"result":"0.35"', '"result":"0.15"'))
    code, out, _ = run(capsys, "verify-report", str(edited), "--trust", pem)
    assert code == 1 and out.startswith("REJECTED (content-changed)")
    edited.write_bytes(editor_save(body, "0.15"))
    code, out, _ = run(capsys, "verify-report", str(edited), "--trust", pem, "--json")
    assert code == 1 and json.loads(out)["reason"] == "file-changed"


def test_the_kept_pdf_is_written_byte_identical_every_time(
    centre_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Approved through the services alone: no PDF kept yet, so `report` signs a fresh one
    # each time (equally genuine); `reports issue-pdfs` keeps them, as the app does.
    first = _report(capsys, centre_db, tmp_path / "a").read_bytes()
    assert _report(capsys, centre_db, tmp_path / "b").read_bytes() != first
    code, out, err = run(capsys, "--db", str(centre_db), "reports", "issue-pdfs", "--user", "boss")
    assert code == 0 and "kept the PDF of 2 issued report(s)" in out, err
    kept = _report(capsys, centre_db, tmp_path / "c").read_bytes()
    assert _report(capsys, centre_db, tmp_path / "d").read_bytes() == kept
    assert run(capsys, "verify-report", str(tmp_path / "d" / "AH202600001.pdf"), "--trust",
               str(tmp_path / "centre.pem"))[0] == 0  # fmt: skip


def test_a_scanned_payload_verifies_and_a_truncated_or_re_encoded_one_does_not(
    centre_db: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import io

    pem = str(tmp_path / "centre.pem")
    db = open_database(centre_db)
    try:
        sample_id = int(db.scalar("SELECT id FROM samples WHERE sample_no = 'AH202600001'"))
        report = report_issues.current_report(db, sample_id)
        assert report is not None
        payload = str(report["payload"])
    finally:
        db.close()
    code, out, _ = run(capsys, "verify-report", "--payload", payload, "--trust", pem)
    assert code == 0 and "compare these fields with the paper" in out
    monkeypatch.setattr("sys.stdin", io.StringIO(payload.replace("\n", "\r\n") + "\r\n"))
    assert run(capsys, "verify-report", "--payload", "-", "--trust", pem)[0] == 0
    for bad, reason in (
        (payload[: len(payload) - 30], "payload-invalid"),
        (payload[:120], "payload-invalid"),
        (payload.encode("utf-8").decode("latin-1"), "payload-invalid"),
        (payload.replace("product=青菜", "product=白菜"), "bad-signature"),
        ("https://example.com/fake", "no-payload"),
    ):
        code, out, _ = run(capsys, "verify-report", "--payload", bad, "--trust", pem, "--json")
        assert code == 1 and json.loads(out)["reason"] == reason, (bad[:40], out)
    code, _out, err = run(capsys, "verify-report", "--trust", pem)
    assert code == 2 and "二者之一" in err
    code, _out, err = run(capsys, "--lang", "en", "verify-report", "--trust", pem)
    assert code == 2 and "one of the two" in err


def test_labels_command(
    centre_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_pdf = tmp_path / "labels.pdf"
    code, out, _ = run(
        capsys, "--db", str(centre_db), "labels", "--sample", "AH202600001",
        "--sample", "AH202600002", "--out", str(out_pdf), "--layout", "a4",
    )  # fmt: skip
    assert code == 0 and "8 labels on 1 page(s) (a4)" in out
    assert out_pdf.read_bytes().startswith(b"%PDF-")
    code, _out, err = run(
        capsys, "--lang", "en", "--db", str(centre_db), "labels", "--sample", "NOPE",
        "--out", str(out_pdf),
    )  # fmt: skip
    assert code == 2 and "no sample NOPE" in err
    code, _out, err = run(
        capsys, "--db", str(centre_db), "labels", "--sample", "AH202600001",
        "--portions", "sample,lid", "--out", str(out_pdf),
    )  # fmt: skip
    assert code == 2 and "分样 'lid'" in err


def test_correction_withdrawal_export_and_hq_history(
    centre_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pem = str(tmp_path / "centre.pem")
    hq = str(tmp_path / "hq.sqlite")
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    db_arg = ("--db", str(centre_db))
    assert run(capsys, *db_arg, "reports", "issue-pdfs", "--user", "boss")[0] == 0
    v1 = _report(capsys, centre_db, tmp_path / "v1").read_bytes()
    assert run(capsys, *db_arg, "export", "--out", str(outbox), "--user", "boss")[0] == 0
    assert run(capsys, "hq", "--db", hq, "ingest", str(outbox), "--trust", pem)[0] == 0
    code, out, _ = run(capsys, "hq", "--db", hq, "report", "HF01-2026-000001")
    assert code == 0 and "latest version 1, CURRENT" in out

    code, out, err = run(capsys, *db_arg, "reports", "correct", "AH202600001", "--reason",
                         "铅含量抄录错误", "--user", "boss")  # fmt: skip
    assert code == 0, err
    centre = make_centre_again(centre_db)
    try:
        sample_id = int(centre.db.scalar("SELECT id FROM samples WHERE sample_no = 'AH202600001'"))
        samples.start_testing(centre.tech, sample_id)
        for (item,) in centre.db.query(
            "SELECT id FROM sample_items WHERE sample_id = ?", (sample_id,)
        ):
            results.enter_result(centre.tech, int(item), "0.01", reason="复核")
        workflow.submit(centre.tech, sample_id)
        workflow.review(centre.reviewer, sample_id)
        workflow.approve(centre.manager, sample_id, signer=centre.signer)
    finally:
        centre.db.close()
    code, out, _ = run(capsys, *db_arg, "reports", "history", "AH202600001", "--json")
    history = json.loads(out)
    assert [(h["version"], h["state"]) for h in history] == [(1, "superseded"), (2, "current")]
    assert history[1]["reason"] == "铅含量抄录错误"
    assert _report(capsys, centre_db, tmp_path / "old", "--version", "1").read_bytes() == v1

    code, out, err = run(capsys, *db_arg, "reports", "withdraw", "AH202600002", "--reason",
                         "委托方撤回", "--user", "boss")  # fmt: skip
    assert code == 0, err
    assert run(capsys, *db_arg, "export", "--out", str(outbox), "--user", "boss")[0] == 0
    code, out, err = run(capsys, "hq", "--db", hq, "ingest", str(outbox), "--trust", pem)
    assert code == 0, out + err
    code, out, _ = run(capsys, "hq", "--db", hq, "report", "HF01-2026-000001", "--json")
    data = json.loads(out)
    assert data["latest"]["version"] == 2 and data["latest"]["state"] == "current"
    assert [(h["version"], h["state"]) for h in data["history"]] == [
        (1, "superseded"),
        (2, "current"),
    ]
    code, out, _ = run(capsys, "hq", "--db", hq, "report", "HF01-2026-000002")
    assert "WITHDRAWN" in out and "委托方撤回" in out
    # The old PDF is genuine, but HQ says it is no longer in force.
    (tmp_path / "v1.pdf").write_bytes(v1)
    code, out, _ = run(
        capsys, "verify-report", str(tmp_path / "v1.pdf"), "--trust", pem, "--hq", hq
    )
    assert code == 1 and out.startswith("SUPERSEDED") and "SUPERSEDED by version 2" in out
    code, out, _ = run(capsys, "hq", "--db", hq, "summary", "--json")
    figures = json.loads(out)
    # The corrected sample is counted once; the withdrawn one not at all (as `hq rates`).
    assert figures["samples"] == 1 and figures["excluded"] == {"report-withdrawn": 1}


def make_centre_again(path: Path):
    """Service contexts on an existing centre database (as make_centre signs them in)."""
    from labdesk.services import auth, keys
    from tests.batch.centre import Centre

    db = open_database(path, create=False)
    return Centre(
        db,
        auth.sign_in(db, "admin", PASSWORD),
        auth.sign_in(db, "tech", PASSWORD),
        auth.sign_in(db, "rev", PASSWORD),
        auth.sign_in(db, "boss", PASSWORD),
        keys.load_signer(db, PASSPHRASE),
    )


def test_marks_commands(
    centre_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.reports.test_marks import _png

    image = tmp_path / "cma.png"
    image.write_bytes(_png("#0050c8"))
    db_arg = ("--db", str(centre_db))
    code, out, _ = run(capsys, *db_arg, "marks", "show")
    assert code == 0 and "reports show neither" in out
    code, _out, err = run(
        capsys, "--lang", "en", *db_arg, "marks", "set", "cma", str(image), "--user", "boss"
    )
    assert code == 2 and "may not" in err  # a manager is not the administrator
    code, out, err = run(capsys, *db_arg, "marks", "set", "cma", str(image), "--position",
                         "top-right", "--size", "18", "--user", "admin")  # fmt: skip
    assert code == 0, err
    code, out, _ = run(capsys, *db_arg, "marks", "show", "--json")
    (mark,) = json.loads(out)
    assert (mark["kind"], mark["position"], mark["size_mm"]) == ("cma", "top-right", "18")
    assert run(capsys, *db_arg, "marks", "clear", "cma", "--user", "admin")[0] == 0
    assert json.loads(run(capsys, *db_arg, "marks", "show", "--json")[1]) == []
