"""`labdesk export` chooses its samples: --sample (repeatable), --task, --from/--to;
all approved (not yet exported) samples by default, as before (issue 20)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from labdesk.cli import main
from labdesk.services import tasks
from tests.batch.centre import PASSPHRASE, PASSWORD, approved_samples, make_centre


@pytest.fixture
def centre_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Five approved samples AH202600001…5, sampled 2026-10-02…06, of task T2026-001."""
    path = tmp_path / "centre.sqlite"
    centre = make_centre(path)
    approved_samples(centre, 5)
    tasks.create_task(centre.manager, tasks.TaskForm("T2026-002", "省局", "专项"))
    centre.db.close()
    monkeypatch.setenv("LABDESK_PASSWORD", PASSWORD)
    monkeypatch.setenv("LABDESK_KEY_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("LABDESK_USER", "boss")
    return path


def exported(outbox: Path) -> list[str]:
    numbers = []
    for batch in sorted(outbox.glob("*.labbatch")):
        with zipfile.ZipFile(batch) as archive:
            text = archive.read("samples.jsonl").decode("utf-8")
        numbers += [json.loads(line)["sample_id"] for line in text.splitlines()]
    return sorted(numbers)


def run(capsys: pytest.CaptureFixture[str], db: Path, *argv: str) -> tuple[int, str]:
    code = main(["--lang", "en", "--db", str(db), "export", *argv])  # its messages in English
    out, err = capsys.readouterr()
    return code, out + err


def test_by_sample_then_by_dates_then_the_rest(
    centre_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "outbox"
    out.mkdir()
    code, text = run(
        capsys, centre_db, "--out", str(out), "--sample", "AH202600002", "--sample", "AH202600004"
    )
    assert code == 0 and "2 samples" in text, text
    assert exported(out) == ["AH202600002", "AH202600004"]
    code, text = run(capsys, centre_db, "--out", str(out), "--sample", "AH202600002")
    assert code == 2 and "AH202600002" in text  # already exported
    code, text = run(
        capsys, centre_db, "--out", str(out), "--from", "2026-10-02", "--to", "2026-10-04"
    )
    assert code == 0 and "2 samples" in text, text  # 00001 and 00003 (00002 already sent)
    code, text = run(capsys, centre_db, "--out", str(out), "--task", "T2026-002")
    assert code == 2 and "no approved samples match" in text
    code, text = run(capsys, centre_db, "--out", str(out))
    assert code == 0 and "1 samples" in text
    assert exported(out) == [f"AH20260000{n}" for n in range(1, 6)]


def test_bad_selections_are_usage_errors(
    centre_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "outbox"
    out.mkdir()
    for argv, said in (
        (["--sample", "NOPE"], "NOPE"),
        (["--task", "T-NONE"], "T-NONE"),
        (["--from", "2026-13-01"], "--from"),
        (["--sample", "AH202600001", "--task", "T2026-001"], "does not combine"),
    ):
        code, text = run(capsys, centre_db, "--out", str(out), *argv)
        assert code == 2 and said in text, text
    assert list(out.iterdir()) == []
