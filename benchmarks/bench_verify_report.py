"""`verify-report` on a one-page report: our whole check vs its two signature checks alone.

The target of issue 22 is absolute — under 200 ms of the command's own work (without
interpreter start) — so the figure that matters is `ours_s` per report; the ratio says
how much of it is the cryptography every verifier must do.

Data (setup only): a centre with one approved, signed sample and its PDF as issued
(one page, ~55 KB). Rounds check the same file 20 times (quick: 5).

Ours: `signing.report_verify.verify_pdf` — find the signature dictionary, parse and
check the LDR/1 payload, SM2-verify it, SM3 the content, check the byte range and
SM2-verify the file.

Baseline: the two SM2 verifications alone (`PublicKey.verify` over the payload message
and over the file's signed bytes, both prepared in setup).
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.harness import Benchmark

REPEAT = 20
QUICK_REPEAT = 5


@dataclass
class _State:
    folder: Path
    pdf: bytes
    key: Any
    payload_message: bytes
    payload_signature: bytes
    file_message: bytes
    file_signature: bytes
    repeat: int


def setup(quick: bool) -> _State:
    from labdesk.reports.pdf import ensure_gui_application
    from labdesk.services import report_issues
    from labdesk.signing import report_payload
    from labdesk.signing.pdf_signature import find_signature
    from tests.batch.centre import approved_samples, make_centre
    from tests.reports.issued import kept_pdf

    ensure_gui_application()
    folder = Path(tempfile.mkdtemp(prefix="bench-verify-"))
    centre = make_centre(folder / "centre.sqlite")
    try:
        (sample_id,) = approved_samples(centre, 1)
        pdf = kept_pdf(centre, sample_id)
        report = report_issues.current_report(centre.db, sample_id)
        assert report is not None
        signed = report_payload.parse(str(report["payload"]))
        found = find_signature(pdf)
        assert found is not None
        key = centre.signer.public_key
    finally:
        centre.db.close()
    return _State(
        folder,
        pdf,
        key,
        signed.payload.message(),
        signed.signature,
        found.signed_bytes(pdf),
        found.signature,
        QUICK_REPEAT if quick else REPEAT,
    )


def ours(state: _State) -> None:
    from labdesk.signing.report_verify import verify_pdf

    for _ in range(state.repeat):
        verify_pdf(state.pdf, [state.key])


def baseline(state: _State) -> None:
    for _ in range(state.repeat):
        assert state.key.verify(state.payload_message, state.payload_signature)
        assert state.key.verify(state.file_message, state.file_signature)


def teardown(state: _State) -> None:
    shutil.rmtree(state.folder, ignore_errors=True)


BENCHMARK = Benchmark(
    name="verify_report",
    description=f"verify-report's check of a one-page signed report PDF, ×{REPEAT}",
    baseline_description="its two SM2 signature verifications alone",
    target=1.5,
    setup=setup,
    ours=ours,
    baseline=baseline,
    teardown=teardown,
)
