"""An approved report verifies offline from its PDF and its QR code; any edit is caught."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from labdesk.core.errors import PermissionDenied, ValidationError, WorkflowError
from labdesk.reports.issue import issue_pdf, render_issue, stored_pdf
from labdesk.reports.layout import UNSIGNED_NOTE
from labdesk.reports.model import TestReportDoc
from labdesk.reports.pdf import report_pdf_bytes
from labdesk.services import report_content, report_issues, results, samples, workflow
from labdesk.services.audit import verify_audit
from labdesk.signing import Signer
from labdesk.signing.pdf_signature import sign_pdf
from labdesk.signing.report_verify import ReportRejected, verify_payload, verify_pdf
from tests.batch.centre import Centre, approved_samples, make_centre
from tests.reports.issued import (
    edit_hex_text,
    editor_save,
    flip_in_page_stream,
    kept_pdf,
    page_image,
    qr_texts,
)
from tests.support import require_tool

SCRIPT = Path(__file__).with_name("third_party_report_verify.py")


@pytest.fixture
def centre(tmp_path: Path, qapp: object) -> Iterator[Centre]:
    made = make_centre(tmp_path / "centre.sqlite")
    yield made
    made.db.close()


def _rejected(pdf: bytes, centre: Centre, reason: str) -> ReportRejected:
    with pytest.raises(ReportRejected) as info:
        verify_pdf(pdf, [centre.signer.public_key])
    assert info.value.reason == reason, info.value
    return info.value


def test_approval_signs_the_payload_and_the_kept_pdf_verifies(centre: Centre) -> None:
    (sample_id,) = approved_samples(centre, 1)  # AH202600001: a failing sample
    report = report_issues.current_report(centre.db, sample_id)
    assert report is not None and report["payload"] and report["signature"]
    pdf = kept_pdf(centre, sample_id)
    checked = verify_pdf(pdf, [centre.signer.public_key])
    p = checked.payload
    assert (p.centre, p.report, p.version, p.sample) == (
        "HF01",
        report["report_no"],
        1,
        "AH202600001",
    )
    assert (p.product, p.uscc, p.conclusion) == ("青菜", "914403001922038216", "不合格")
    assert p.content_sm3 == report_content.digest(report["content"].encode())
    assert [i["result"] for i in checked.content["items"]] == [
        i.result for i in report_content.current_items(centre.db, sample_id)
    ]
    # The 报告类别 printed on the report is part of what the payload signs.
    assert report["report_class"] == "一般不合格报告"
    assert checked.content["report_class"] == report["report_class"]
    assert checked.as_dict()["report_class"] == report["report_class"]
    assert report_content.parse(report["content"]).report_class == report["report_class"]
    # Kept as issued, once: asking again gives the same bytes, replacing is refused.
    row = report_issues.current_report(centre.db, sample_id)
    assert row is not None and row["pdf_sha256"] == hashlib.sha256(pdf).hexdigest()
    assert issue_pdf(centre.manager, int(row["id"]), centre.signer) == pdf
    with pytest.raises(WorkflowError, match="never replaced"):
        report_issues.store_pdf(centre.manager, int(row["id"]), b"%PDF-", "0" * 64)
    assert verify_audit(centre.db).ok


def test_the_printed_qr_code_is_the_signed_payload(centre: Centre, tmp_path: Path) -> None:
    pytest.importorskip("zxingcpp")
    (sample_id,) = approved_samples(centre, 1)
    pdf = kept_pdf(centre, sample_id)
    report = report_issues.current_report(centre.db, sample_id)
    assert report is not None
    assert qr_texts(page_image(pdf, tmp_path)) == [report["payload"]]
    assert verify_payload(report["payload"], [centre.signer.public_key]).payload.version == 1


def test_a_result_edited_in_the_file_or_saved_again_is_rejected(centre: Centre) -> None:
    (sample_id,) = approved_samples(centre, 1)
    pdf = kept_pdf(centre, sample_id)
    result = report_content.current_items(centre.db, sample_id)[0].result
    forged = result[:-1] + ("1" if result[-1] != "1" else "2")
    _rejected(editor_save(pdf, forged), centre, "file-changed")
    _rejected(flip_in_page_stream(pdf), centre, "file-changed")
    _rejected(edit_hex_text(pdf, b"Content", f'"result":"{result}"', f'"result":"{forged}"'),
              centre, "content-changed")  # fmt: skip
    _rejected(edit_hex_text(pdf, b"Payload", "product=青菜", "product=白菜"), centre,
              "bad-signature")  # fmt: skip
    _rejected(pdf[: len(pdf) // 2], centre, "no-payload")
    _rejected(b"GIF89a", centre, "unreadable")


def test_a_forged_rendering_with_the_genuine_payload_is_rejected(centre: Centre) -> None:
    """A forger re-renders the report with a result changed and the genuine QR payload:
    unsigned, it has no signature; signed by their own key, the keys disagree."""
    (sample_id,) = approved_samples(centre, 1)
    report = report_issues.current_report(centre.db, sample_id)
    assert report is not None
    genuine = render_issue(centre.db, int(report["id"]), centre.signer)
    assert verify_pdf(genuine, [centre.signer.public_key]).payload.report == report["report_no"]
    from labdesk.reports.issue import issue_document

    doc = issue_document(centre.db, int(report["id"]))
    item = doc.items[0]
    fake_doc = TestReportDoc(
        **{**doc.__dict__, "items": [type(item)(**{**item.__dict__, "result": "0.01"})]}
    )
    fake = report_pdf_bytes(fake_doc)
    _rejected(fake, centre, "no-payload")
    forger = Signer.generate("sm2")
    signed_by_forger = sign_pdf(
        fake,
        forger,
        payload_text=report["payload"],
        content=report["content"].encode(),
        name="HF01",
        signed_at=__import__("datetime").datetime.now().astimezone(),
    )
    _rejected(signed_by_forger, centre, "key-mismatch")


def test_another_centres_report_is_rejected_with_this_centres_key(
    centre: Centre, tmp_path: Path
) -> None:
    (sample_id,) = approved_samples(centre, 1)
    other = make_centre(tmp_path / "other.sqlite", code="WH02")
    try:
        (other_id,) = approved_samples(other, 1)
        other_pdf = kept_pdf(other, other_id)
        error = _rejected(other_pdf, centre, "unknown-key")
        assert "WH02" in str(error)
        other_row = report_issues.current_report(other.db, other_id)
        assert other_row is not None
        with pytest.raises(ReportRejected) as info:
            verify_payload(other_row["payload"], [centre.signer.public_key])
        assert info.value.reason == "unknown-key"
        # Trusting both keys, each report verifies as its own centre's.
        both = [centre.signer.public_key, other.signer.public_key]
        assert verify_pdf(other_pdf, both).payload.centre == "WH02"
        assert verify_pdf(kept_pdf(centre, sample_id), both).payload.centre == "HF01"
    finally:
        other.db.close()


def test_a_verifier_written_from_the_document_agrees(centre: Centre, tmp_path: Path) -> None:
    require_tool("openssl")
    (sample_id,) = approved_samples(centre, 1)
    pdf = kept_pdf(centre, sample_id)
    report = report_issues.current_report(centre.db, sample_id)
    assert report is not None
    pem = tmp_path / "centre.pem"
    pem.write_text(centre.signer.public_key.pem)
    result = report_content.current_items(centre.db, sample_id)[0].result
    cases = {
        "genuine.pdf": (pdf, "OK"),
        "saved-again.pdf": (editor_save(pdf), "BAD file-changed"),
        "flipped.pdf": (flip_in_page_stream(pdf), "BAD file-changed"),
        "content.pdf": (
            edit_hex_text(
                pdf, b"Content", f'"result":"{result}"', '"result":"9' + result[1:] + '"'
            ),
            "BAD content-changed",
        ),
    }
    for name, (data, expected) in cases.items():
        (tmp_path / name).write_bytes(data)
        done = subprocess.run(
            [sys.executable, "-I", str(SCRIPT), "pdf", str(tmp_path / name), str(pem)],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert done.stdout.startswith(expected), (name, done.stdout, done.stderr)
    (tmp_path / "qr.txt").write_text(report["payload"], encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-I", str(SCRIPT), "payload", str(tmp_path / "qr.txt"), str(pem)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.stdout.startswith(f"OK {report['report_no']} 1 不合格"), done.stdout


def test_the_script_uses_no_labdesk_code() -> None:
    text = SCRIPT.read_text()
    assert "import labdesk" not in text and "from labdesk" not in text


def test_approval_without_the_key_is_refused_and_changes_nothing(centre: Centre) -> None:
    (sample_id,) = approved_samples(centre, 1)
    report_issues.open_correction(centre.manager, sample_id, "单位名称笔误")
    samples.start_testing(centre.tech, sample_id)
    item = int(centre.db.scalar("SELECT id FROM sample_items WHERE sample_id = ?", (sample_id,)))
    results.enter_result(centre.tech, item, "0.02", reason="抄录错误")
    workflow.submit(centre.tech, sample_id)
    workflow.review(centre.reviewer, sample_id)
    with pytest.raises(WorkflowError, match="passphrase"):
        workflow.approve(centre.manager, sample_id)
    assert centre.db.scalar("SELECT state FROM samples WHERE id = ?", (sample_id,)) == "reviewed"
    assert len(report_issues.report_history(centre.db, sample_id)) == 1
    wrong = Signer.generate("sm2")
    with pytest.raises(WorkflowError, match="not the centre's active"):
        workflow.approve(centre.manager, sample_id, signer=wrong)


def _correct(centre: Centre, sample_id: int, reason: str, value: str) -> None:
    report_issues.open_correction(centre.manager, sample_id, reason)
    samples.start_testing(centre.tech, sample_id)
    for (item,) in centre.db.query("SELECT id FROM sample_items WHERE sample_id = ?", (sample_id,)):
        results.enter_result(centre.tech, int(item), value, reason="复核原始记录")
    workflow.submit(centre.tech, sample_id)
    workflow.review(centre.reviewer, sample_id)
    workflow.approve(centre.manager, sample_id, signer=centre.signer)


def test_a_correction_issues_version_2_and_keeps_version_1_byte_identical(
    centre: Centre, pdf_text: object, tmp_path: Path
) -> None:
    (sample_id,) = approved_samples(centre, 1)
    first = kept_pdf(centre, sample_id)
    _correct(centre, sample_id, "检验结果录入错误，更正铅含量", "0.02")
    history = report_issues.report_history(centre.db, sample_id)
    assert [(r["version"], r["kind"], r["state"]) for r in history] == [
        (1, "original", "superseded"),
        (2, "correction", "current"),
    ]
    assert history[1]["reason"] == "检验结果录入错误，更正铅含量"
    assert stored_pdf(centre.db, int(history[0]["id"])) == first  # byte-identical
    second = kept_pdf(centre, sample_id)
    checked = verify_pdf(second, [centre.signer.public_key])
    assert checked.payload.version == 2 and checked.payload.conclusion == "合格"
    assert verify_pdf(first, [centre.signer.public_key]).payload.version == 1  # still genuine
    path = tmp_path / "v2.pdf"
    path.write_bytes(second)
    text = pdf_text(path)  # type: ignore[operator]
    assert "第 2 版，更正" in text and "替代第 1 版" in text
    assert "检验结果录入错误，更正铅含量" in "".join(text.split())
    assert verify_audit(centre.db).ok


def test_withdrawal_needs_a_manager_and_a_reason_and_keeps_the_report(centre: Centre) -> None:
    (sample_id,) = approved_samples(centre, 1)
    pdf = kept_pdf(centre, sample_id)
    with pytest.raises(PermissionDenied):
        report_issues.withdraw(centre.tech, sample_id, "误发")
    with pytest.raises(ValidationError, match="reason"):
        report_issues.withdraw(centre.manager, sample_id, "  ")
    report_issues.withdraw(centre.manager, sample_id, "样品信息有误，报告作废")
    (row,) = report_issues.report_history(centre.db, sample_id)
    assert row["state"] == "withdrawn" and row["withdrawn_reason"] == "样品信息有误，报告作废"
    assert stored_pdf(centre.db, int(row["id"])) == pdf
    with pytest.raises(WorkflowError, match="no report in force"):
        report_issues.withdraw(centre.manager, sample_id, "again")
    with pytest.raises(PermissionDenied):
        report_issues.open_correction(centre.reviewer, sample_id, "x")
    assert verify_audit(centre.db).ok


def test_a_centre_without_a_key_issues_unsigned_reports(
    tmp_path: Path, pdf_text: object, qapp: object
) -> None:
    from tests.reports.lab import make_lab

    lab = make_lab(tmp_path / "lab.sqlite")
    try:
        sample_id = lab.register("S-001", "VEG-BRASSICA")
        lab.to_testing("S-001")
        lab.enter("S-001", {"PB": "0.35", "CARBOFURAN": "ND(0.005)", "OMETHOATE": "0.010"})
        lab.approve("S-001")  # no key: approved without a signer
        report = report_issues.current_report(lab.db, sample_id)
        assert report is not None and report["payload"] == "" and report["content"]
        pdf = issue_pdf(lab.manager, int(report["id"]), None)
        path = tmp_path / "unsigned.pdf"
        path.write_bytes(pdf)
        assert UNSIGNED_NOTE.rstrip("。") in "".join(pdf_text(path).split())  # type: ignore[operator]
        with pytest.raises(ReportRejected) as info:
            verify_pdf(pdf, [Signer.generate("sm2").public_key])
        assert info.value.reason == "no-payload"
    finally:
        lab.db.close()


def test_sample_data_limits_are_marked_on_the_report_and_signed(
    centre: Centre, pdf_text: object, tmp_path: Path
) -> None:
    """Issue 15 §6: a limit that is sample data says so on the report, and that is part
    of the signed content (the test centre's flat library is all sample data)."""
    (sample_id,) = approved_samples(centre, 1)
    report = report_issues.current_report(centre.db, sample_id)
    assert report is not None
    content = report_content.parse(report["content"])
    assert content.items and all(i.sample_data for i in content.items)
    path = tmp_path / "r.pdf"
    path.write_bytes(kept_pdf(centre, sample_id))
    text = "".join(pdf_text(path).split())  # type: ignore[operator]
    assert "样例数据" in text and "不是官方限量" in text
    checked = verify_pdf(path.read_bytes(), [centre.signer.public_key])
    assert all(i["sample_data"] is True for i in checked.as_dict()["items"])


def test_the_signed_content_holds_every_field_the_report_prints(centre: Centre) -> None:
    """The reader sees nothing the payload does not cover: the sample's fields, the
    conclusion and the sign-offs are in the signed content, and an issued report prints
    them from it — a later change in the database does not change the issued report."""
    from labdesk.reports.data import report_document

    (sample_id,) = approved_samples(centre, 1)
    report = report_issues.current_report(centre.db, sample_id)
    assert report is not None
    content = report_content.parse(report["content"])
    doc = report_document(centre.db, "AH202600001")
    assert content.fields == [(f.label, f.value) for f in doc.fields]
    assert dict(content.fields)["受检单位"] == "合肥某某食品有限公司"
    assert dict(content.fields)["报告类别"] == report["report_class"]
    assert content.conclusion == doc.conclusion and "不合格" in str(content.conclusion)
    assert content.steps is not None
    assert [(x.role, x.name) for x in content.steps] == [
        (s.role, s.name) for s in doc.signoffs
    ] and content.steps[2].name == "boss"
    enterprise = int(
        centre.db.scalar("SELECT enterprise_id FROM samples WHERE id = ?", (sample_id,))
    )
    with centre.db.write(centre.manager.actor) as w:
        w.update("enterprises", enterprise, {"name": "改名后的公司"}, action="rename")
    again = report_document(centre.db, "AH202600001")
    assert {f.label: f.value for f in again.fields}["受检单位"] == "合肥某某食品有限公司"
    # verify-report's JSON: the payload's conclusion stays 合格 / 不合格, the sentence apart.
    shown = verify_pdf(kept_pdf(centre, sample_id), [centre.signer.public_key]).as_dict()
    assert shown["conclusion"] == "不合格" and shown["conclusion_text"] == content.conclusion
    assert shown["fields"][0] == {"label": "受检单位", "value": "合肥某某食品有限公司"}
