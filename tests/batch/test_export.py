"""Export from a real centre database → verify → ingest at HQ; rewrite; interruption."""

from __future__ import annotations

import io
import json
import os
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from labdesk.batch import export as export_mod
from labdesk.batch.collect import collect_records
from labdesk.batch.export import (
    BatchFileNotWritten,
    ExportCancelled,
    export_batch,
    list_batches,
    rewrite_batch,
)
from labdesk.batch.format import build_archive
from labdesk.batch.hq import gaps, ingest, summary
from labdesk.batch.hq_store import open_hq
from labdesk.batch.verify import verify_batch
from labdesk.core.errors import LabDeskError, PermissionDenied, ValidationError, WorkflowError
from labdesk.services import keys
from labdesk.services.audit import verify_audit
from labdesk.signing import WrongPassphrase
from labdesk.store.db import open_reader
from tests.batch.centre import PASSPHRASE, Centre, approved_samples, make_centre


@pytest.fixture
def centre(tmp_path: Path) -> Iterator[Centre]:
    (tmp_path / "db").mkdir()
    made = make_centre(tmp_path / "db" / "centre.sqlite")
    yield made
    made.db.close()


def outbox(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name != "db")


def states(centre: Centre) -> dict[str, int]:
    return {
        str(r[0]): int(r[1])
        for r in centre.db.query("SELECT state, count(*) FROM samples GROUP BY state")
    }


def test_export_verify_ingest_round_trip(centre: Centre, tmp_path: Path) -> None:
    approved_samples(centre, 4)
    out = tmp_path / "outbox"
    out.mkdir()
    seen: list[tuple[int, int]] = []
    first = export_batch(centre.manager, out, PASSPHRASE, progress=lambda d, t: seen.append((d, t)))
    assert first.path == out / "HF01-000001.labbatch" and first.sample_count == 4
    assert seen[-1] == (4, 4)
    assert states(centre) == {"exported": 4}
    assert sorted(p.name for p in out.iterdir()) == ["HF01-000001.labbatch"]  # no .part left

    approved_samples(centre, 3, start=10)
    second = export_batch(centre.manager, out, PASSPHRASE)
    assert second.sequence == 2

    trusted = [keys.public_key(centre.db)]
    v1 = verify_batch(first.path, trusted)
    v2 = verify_batch(second.path, trusted)
    assert v2.previous_manifest_sha256 == v1.manifest_sha256 == first.manifest_sha256
    assert v1.previous_manifest_sha256 is None
    record = v1.records("samples.jsonl")[0]
    assert record["sample_id"] == "AH202600001" and record["category"] == "芸薹类蔬菜"
    assert record["form"]["samplers"] == ["张三", "李四"]
    stored_no = {
        str(r[0]): r[1] for r in centre.db.query("SELECT sample_no, report_no FROM samples")
    }
    assert [r["report_no"] for r in v1.records("samples.jsonl")] == [
        stored_no[r["sample_id"]] for r in v1.records("samples.jsonl")
    ]
    assert re.fullmatch(r"HF01-\d{4}-000001", record["report_no"])  # the first approved
    assert "report_no" not in record["form"]  # lifted to the top level, not duplicated
    assert record["enterprise"]["uscc"] == "914403001922038216"
    results = v1.records("results.jsonl")
    assert {r["text"] for r in results} <= {"0.05", "0.35", "0.10", "0.02", "0.01"}  # as typed
    audit = v1.records("audit.jsonl")
    assert [a["seq"] for a in audit] == sorted(a["seq"] for a in audit)
    assert v1.manifest["audit_head"]["seq"] >= audit[-1]["seq"]
    assert v1.summary()["samples"] == 4

    with open_hq(str(tmp_path / "hq.sqlite")) as store:
        outcomes = ingest(store, [out], trusted)
        assert [o.status for o in outcomes] == ["loaded", "loaded"]
        figures = summary(store)
        assert figures["samples"] == 7
        exported = centre.db.query("SELECT conclusion_code FROM samples")
        assert figures["fail"] == sum(1 for r in exported if r[0] == "fail")
        assert gaps(store) == []
        at_hq = dict(store.query("SELECT sample_id, report_no FROM hq_samples"))
        assert at_hq == stored_no and all(at_hq.values())
    assert verify_audit(centre.db).ok


def test_rewrite_is_byte_identical(centre: Centre, tmp_path: Path) -> None:
    approved_samples(centre, 2)
    result = export_batch(centre.manager, tmp_path, PASSPHRASE)
    original = result.path.read_bytes()
    result.path.unlink()
    again = tmp_path / "again"
    again.mkdir()
    path = rewrite_batch(centre.db, 1, again)
    assert path.name == result.file_name and path.read_bytes() == original
    listed = list_batches(centre.db)
    assert [(b["sequence"], b["sample_count"]) for b in listed] == [(1, 2)]
    with pytest.raises(Exception, match="no export batch with sequence 9"):
        rewrite_batch(centre.db, 9, again)


def test_only_a_manager_exports(centre: Centre, tmp_path: Path) -> None:
    approved_samples(centre, 1)
    for ctx in (centre.tech, centre.reviewer, centre.admin):
        with pytest.raises(PermissionDenied):
            export_batch(ctx, tmp_path, PASSPHRASE)
    assert states(centre) == {"approved": 1}


def test_wrong_passphrase_exports_nothing(centre: Centre, tmp_path: Path) -> None:
    approved_samples(centre, 1)
    with pytest.raises(WrongPassphrase):
        export_batch(centre.manager, tmp_path, "not the passphrase")
    assert states(centre) == {"approved": 1} and list(tmp_path.glob("*.labbatch")) == []


def test_nothing_to_export(centre: Centre, tmp_path: Path) -> None:
    with pytest.raises(WorkflowError, match="no approved samples"):
        export_batch(centre.manager, tmp_path, PASSPHRASE)


def test_cancel_leaves_nothing(centre: Centre, tmp_path: Path) -> None:
    approved_samples(centre, 2)
    with pytest.raises(ExportCancelled):
        export_batch(centre.manager, tmp_path, PASSPHRASE, cancel=lambda: True)
    assert states(centre) == {"approved": 2}
    assert outbox(tmp_path) == []
    assert centre.db.scalar("SELECT count(*) FROM export_batches") == 0


def test_failure_while_recording_leaves_no_file_and_no_marks(
    centre: Centre, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    approved_samples(centre, 2)

    def crash(*args: object, **kwargs: object) -> None:
        raise OSError("power cut")

    monkeypatch.setattr(export_mod.workflow, "record_export_in", crash)
    with pytest.raises(OSError, match="power cut"):
        export_batch(centre.manager, tmp_path, PASSPHRASE)
    assert states(centre) == {"approved": 2}
    assert outbox(tmp_path) == []  # the temp file was removed too


def test_rename_failure_is_recoverable(
    centre: Centre, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    approved_samples(centre, 2)

    def no_rename(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(export_mod.os, "replace", no_rename)
    with pytest.raises(BatchFileNotWritten, match="batches rewrite 1"):
        export_batch(centre.manager, tmp_path, PASSPHRASE)
    monkeypatch.undo()
    assert states(centre) == {"exported": 2}
    assert list(tmp_path.glob("*.labbatch")) == []  # never a file under the final name
    path = rewrite_batch(centre.db, 1, tmp_path)
    assert verify_batch(path, [keys.public_key(centre.db)]).sequence == 1


def test_records_changed_during_export_are_not_recorded(
    centre: Centre, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = approved_samples(centre, 2)
    real_sign = export_mod.sign_manifest

    def sign_then_edit(*args: object, **kwargs: object):
        signed = real_sign(*args, **kwargs)  # type: ignore[arg-type]
        from labdesk.services import results

        item = centre.db.scalar("SELECT id FROM sample_items WHERE sample_id = ?", (ids[0],))
        results.enter_result(centre.tech, int(item), "0.03", reason="transcription error")
        return signed

    monkeypatch.setattr(export_mod, "sign_manifest", sign_then_edit)
    with pytest.raises(WorkflowError, match="records changed"):
        export_batch(centre.manager, tmp_path, PASSPHRASE)
    assert centre.db.scalar("SELECT count(*) FROM export_batches") == 0
    assert outbox(tmp_path) == []


def test_killed_mid_write_leaves_only_a_part_file(centre: Centre, tmp_path: Path) -> None:
    """A process killed after the temp write and before commit: nothing under the final name."""
    approved_samples(centre, 1)
    pid = os.fork()
    if pid == 0:  # child: die the moment the temp file is written
        real = export_mod._write_temp

        def write_and_die(*args: object) -> Path:
            real(*args)  # type: ignore[arg-type]
            os._exit(9)

        export_mod._write_temp = write_and_die  # type: ignore[assignment]
        try:
            export_batch(centre.manager, tmp_path, PASSPHRASE)
        finally:
            os._exit(1)
    _, status = os.waitpid(pid, 0)
    assert os.WEXITSTATUS(status) == 9
    assert list(tmp_path.glob("*.labbatch")) == []
    assert [n.endswith(".part") for n in outbox(tmp_path)] == [True]
    assert states(centre) == {"approved": 1}


def test_export_read_in_chunks_matches_the_whole_batch_built_in_memory(
    centre: Centre, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Streaming through spools changes no byte: the data files are what one read of
    every sample gives, and the ZIP is build_archive's for the same manifest/signature."""
    ids = approved_samples(centre, 5)
    reader = open_reader(centre.db.path)
    try:
        expected = collect_records(reader.conn, ids).files()
    finally:
        reader.close()
    monkeypatch.setattr(export_mod, "CHUNK", 2)  # 3 chunks, audit entries across them
    result = export_batch(centre.manager, tmp_path, PASSPHRASE)
    archive = result.path.read_bytes()
    with zipfile.ZipFile(io.BytesIO(archive)) as zf:
        got = {name: zf.read(name) for name in zf.namelist()}
    manifest, signature = got.pop("manifest.json"), got.pop("manifest.sig")
    assert got == expected
    assert json.loads(manifest)["counts"]["audit_entries"] == expected["audit.jsonl"].count(b"\n")
    assert build_archive(manifest, signature, expected) == archive
    stored = centre.db.scalar("SELECT content FROM export_batches WHERE sequence = 1")
    assert bytes(stored) == archive


def test_manifest_counts_and_json_are_deterministic(centre: Centre, tmp_path: Path) -> None:
    approved_samples(centre, 2)
    result = export_batch(centre.manager, tmp_path, PASSPHRASE)
    verified = verify_batch(result.path, [keys.public_key(centre.db)])
    for name in ("samples.jsonl", "items.jsonl", "results.jsonl", "audit.jsonl"):
        for line in verified.files[name].decode().splitlines():
            assert (
                json.dumps(
                    json.loads(line), ensure_ascii=False, sort_keys=True, separators=(",", ":")
                )
                == line
            )
    assert verified.manifest["counts"]["samples"] == 2


def test_demo_database_round_trip(tmp_path: Path) -> None:
    """The record engineer's demo data: export → verify → HQ ingest and summary."""
    from labdesk.services import auth, demo
    from labdesk.signing import MIN_KDF
    from labdesk.store.db import open_database

    (tmp_path / "out").mkdir()
    db = open_database(tmp_path / "demo.sqlite")
    try:
        demo.fill_demo(db, samples=120)
        manager = auth.sign_in(db, "manager", "manager-demo")
        keys.init_keys(manager, "sm2", "demo passphrase", kdf=MIN_KDF)
        approved = db.scalar("SELECT count(*) FROM samples WHERE state = 'approved'")
        assert approved > 0
        result = export_batch(manager, tmp_path / "out", "demo passphrase")
        trusted = [keys.public_key(db)]
        conclusions = {
            str(r[0]): str(r[1])
            for r in db.query(
                "SELECT sample_no, conclusion_code FROM samples WHERE state = 'exported'"
            )
        }
    finally:
        db.close()
    assert result.sample_count == approved
    verified = verify_batch(result.path, trusted)
    sent = {s["sample_id"]: s["verdict"] for s in verified.records("samples.jsonl")}
    assert set(sent) <= set(conclusions) and len(sent) == approved
    assert all(
        v == (conclusions[k] if conclusions[k] in ("pass", "fail") else "not_judged")
        for k, v in sent.items()
    )
    with open_hq(str(tmp_path / "hq.sqlite")) as store:
        (outcome,) = ingest(store, [result.path], trusted)
        assert outcome.status == "loaded"
        figures = summary(store)
    assert figures["samples"] == approved
    assert figures["pass"] == sum(1 for v in sent.values() if v == "pass")


def test_an_explicit_sample_list_exports_only_those(centre: Centre, tmp_path: Path) -> None:
    ids = approved_samples(centre, 4)
    chosen = [ids[2], ids[0]]  # any order: the batch holds them in id order
    first = export_batch(centre.manager, tmp_path, PASSPHRASE, sample_ids=chosen)
    assert first.sample_count == 2
    exported = {
        int(r[0]) for r in centre.db.query("SELECT id FROM samples WHERE state = 'exported'")
    }
    assert exported == set(chosen)
    verified = verify_batch(first.path, [keys.public_key(centre.db)])
    sent = [r["sample_id"] for r in verified.records("samples.jsonl")]
    assert sent == ["AH202600001", "AH202600003"]
    rest = export_batch(centre.manager, tmp_path, PASSPHRASE)  # default: all still waiting
    assert rest.sequence == 2 and rest.sample_count == 2
    assert states(centre) == {"exported": 4}
    assert verify_audit(centre.db).ok


@pytest.mark.parametrize(
    ("pick", "error", "match"),
    [
        (lambda ids: [], "ValidationError", "at least one sample"),
        (lambda ids: [ids[0], ids[0]], "ValidationError", "appears twice"),
        (lambda ids: [ids[0], 999_999], "NotFound", "#999999 does not exist"),
        (lambda ids: [ids[0], ids[1]], "WorkflowError", "AH202600002 is exported"),
    ],
)
def test_a_bad_sample_list_exports_nothing(
    centre: Centre, tmp_path: Path, pick: Any, error: str, match: str
) -> None:
    ids = approved_samples(centre, 2)
    (tmp_path / "first").mkdir()
    export_batch(centre.manager, tmp_path / "first", PASSPHRASE, sample_ids=[ids[1]])
    before = (states(centre), centre.db.scalar("SELECT count(*) FROM export_batches"))
    with pytest.raises(LabDeskError, match=match) as caught:
        export_batch(centre.manager, tmp_path, PASSPHRASE, sample_ids=pick(ids))
    assert type(caught.value).__name__ == error
    if isinstance(caught.value, ValidationError):
        assert caught.value.field == "sample_ids"
    assert (states(centre), centre.db.scalar("SELECT count(*) FROM export_batches")) == before
    assert outbox(tmp_path) == ["first"]
