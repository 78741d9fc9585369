"""The receiving side on SQLite and PostgreSQL: chain, gaps, replays, one transaction."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from labdesk.batch.format import SignedBatch
from labdesk.batch.hq import gaps, inbox_order, ingest, summary
from labdesk.batch.hq_facts import SAMPLE_FACT_COLUMNS
from labdesk.batch.hq_store import SCHEMA_VERSION, HqStore, HqStoreError, open_hq, sqlite_path
from labdesk.signing import Signer
from tests.batch.factory import entries_of, make_batch, resign, rezip, sample_records

TABLES = (
    "hq_reports",
    "hq_item_counts",
    "hq_records",
    "hq_samples",
    "hq_batches",
    "hq_centre_keys",
    "hq_centres",
    "hq_meta",
)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def hq_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "hq.sqlite")
    url: str = request.getfixturevalue("pg_url")
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        for table in TABLES:
            conn.execute(f"DROP TABLE IF EXISTS {table} CASCADE")
    return url


@pytest.fixture
def store(hq_url: str) -> Iterator[HqStore]:
    with open_hq(hq_url) as opened:
        yield opened


def snapshot(store: HqStore, tables: tuple[str, ...] = TABLES) -> dict[str, list[tuple[Any, ...]]]:
    return {t: sorted(store.query(f"SELECT * FROM {t}"), key=repr) for t in tables}


def chain(signer: Signer, count: int, *, centre: str = "HF01", per: int = 4) -> list[SignedBatch]:
    batches: list[SignedBatch] = []
    previous = None
    for n in range(1, count + 1):
        samples = sample_records(per, centre=centre, start=(n - 1) * per + 1)
        batch = make_batch(signer, sequence=n, previous=previous, centre=centre, samples=samples)
        batches.append(batch)
        previous = batch.manifest_sha256
    return batches


def write(folder: Path, batch: SignedBatch) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / batch.filename
    path.write_bytes(batch.archive)
    return path


def test_ingest_chain_and_summary(store: HqStore, tmp_path: Path, sm2_signer: Signer) -> None:
    batches = chain(sm2_signer, 3)
    for b in batches:
        write(tmp_path / "inbox", b)
    outcomes = ingest(store, [tmp_path / "inbox"], [sm2_signer.public_key])
    assert [(o.status, o.sequence) for o in outcomes] == [
        ("loaded", 1),
        ("loaded", 2),
        ("loaded", 3),
    ]
    assert all(not o.warnings for o in outcomes)
    figures = summary(store)
    samples = [s for n in range(1, 13) for s in sample_records(1, start=n)]
    failed = sum(1 for s in samples if s["verdict"] == "fail")
    assert figures["samples"] == 12 and figures["fail"] == failed
    assert figures["pass"] == 12 - failed
    assert failed == 1  # sample 7
    assert figures["pass_rate"] == "91.67"  # 11 of 12, to 0.01 as the province's views
    assert figures["fail_rate"] == "8.33"
    assert figures["excluded"] == {"report-withdrawn": 0}
    assert figures["by_centre"][0]["centre"] == "HF01"
    assert figures["by_centre"][0]["name"] == "HF01 质检中心"
    assert sum(c["samples"] for c in figures["by_category"]) == 12
    assert [m["month"] for m in figures["by_month"]] == ["2026-10"]
    assert figures["batches"] == 3
    assert gaps(store) == []
    assert store.scalar("SELECT COUNT(*) FROM hq_records") == 12 * 3


def test_pass_rate_is_half_even_decimal(store: HqStore, sm2_signer: Signer) -> None:
    # 7 of 8 pass → 87.50 exactly; 2 of 3 → 66.67
    from labdesk.batch.hq import _rate

    assert _rate(7, 8) == "87.50"
    assert _rate(2, 3) == "66.67"
    assert _rate(1, 8) == "12.50"
    assert _rate(1, 800) == "0.12"  # 0.125 half-even
    assert _rate(0, 0) is None


def test_identical_resend_is_a_no_op(store: HqStore, tmp_path: Path, sm2_signer: Signer) -> None:
    first = chain(sm2_signer, 1)[0]
    path = write(tmp_path, first)
    ingest(store, [path], [sm2_signer.public_key])
    before = snapshot(store)
    (again,) = ingest(store, [path], [sm2_signer.public_key])
    assert again.status == "duplicate"
    assert "already received" in again.message
    assert snapshot(store) == before


def test_replayed_sequence_with_different_content(
    store: HqStore, tmp_path: Path, sm2_signer: Signer
) -> None:
    first = chain(sm2_signer, 1)[0]
    ingest(store, [write(tmp_path / "a", first)], [sm2_signer.public_key])
    before = snapshot(store)
    other = make_batch(sm2_signer, sequence=1, samples=sample_records(2, start=100))
    (outcome,) = ingest(store, [write(tmp_path / "b", other)], [sm2_signer.public_key])
    assert outcome.status == "refused" and outcome.reason == "replayed-sequence"
    assert "HF01 batch 1 was already received with different content" in outcome.message
    assert snapshot(store) == before


def test_gap_is_accepted_with_warning_until_filled(
    store: HqStore, tmp_path: Path, sm2_signer: Signer
) -> None:
    b1, b2, b3 = chain(sm2_signer, 3)
    outcomes = ingest(
        store, [write(tmp_path, b1), write(tmp_path / "x", b3)], [sm2_signer.public_key]
    )
    assert [o.status for o in outcomes] == ["loaded", "loaded"]
    assert outcomes[1].warnings and "batch 2 has not arrived" in outcomes[1].warnings[0]
    (gap,) = gaps(store)
    assert (gap.centre_code, gap.missing, gap.received_up_to) == ("HF01", (2,), 3)
    (late,) = ingest(store, [write(tmp_path / "y", b2)], [sm2_signer.public_key])
    assert late.status == "loaded" and not late.warnings
    assert gaps(store) == []


def test_gap_filler_must_chain_both_ways(
    store: HqStore, tmp_path: Path, sm2_signer: Signer
) -> None:
    b1, _b2, b3 = chain(sm2_signer, 3)
    ingest(store, [write(tmp_path, b1), write(tmp_path, b3)], [sm2_signer.public_key])
    before = snapshot(store)
    # a batch 2 that chains to 1 but is not the one batch 3 names
    forged = make_batch(
        sm2_signer, sequence=2, previous=b1.manifest_sha256, samples=sample_records(1, start=50)
    )
    (outcome,) = ingest(store, [write(tmp_path / "f", forged)], [sm2_signer.public_key])
    assert outcome.reason == "chain-broken"
    assert "batch 3 (already received) does not chain" in outcome.message
    assert snapshot(store) == before


def test_broken_chain_refused(store: HqStore, tmp_path: Path, sm2_signer: Signer) -> None:
    b1 = chain(sm2_signer, 1)[0]
    ingest(store, [write(tmp_path, b1)], [sm2_signer.public_key])
    before = snapshot(store)
    wrong = make_batch(
        sm2_signer, sequence=2, previous="0" * 64, samples=sample_records(1, start=9)
    )
    (outcome,) = ingest(store, [write(tmp_path / "w", wrong)], [sm2_signer.public_key])
    assert outcome.reason == "chain-broken" and "previous manifest" in outcome.message
    assert snapshot(store) == before


def test_new_key_for_known_centre_needs_acceptance(
    store: HqStore, tmp_path: Path, sm2_signer: Signer, ed25519_signer: Signer
) -> None:
    b1 = chain(sm2_signer, 1)[0]
    ingest(store, [write(tmp_path, b1)], [sm2_signer.public_key])
    b2 = make_batch(
        ed25519_signer, sequence=2, previous=b1.manifest_sha256, samples=sample_records(1, start=9)
    )
    path = write(tmp_path / "n", b2)
    keys = [sm2_signer.public_key, ed25519_signer.public_key]
    before = snapshot(store)
    (outcome,) = ingest(store, [path], keys)
    assert outcome.reason == "key-changed"
    assert snapshot(store) == before
    (accepted,) = ingest(store, [path], keys, accept_new_key=True)
    assert accepted.status == "loaded"


def test_sample_received_twice_is_refused(
    store: HqStore, tmp_path: Path, sm2_signer: Signer
) -> None:
    b1 = chain(sm2_signer, 1, per=2)[0]
    ingest(store, [write(tmp_path, b1)], [sm2_signer.public_key])
    before = snapshot(store)
    again = make_batch(
        sm2_signer, sequence=2, previous=b1.manifest_sha256, samples=sample_records(2, start=2)
    )
    (outcome,) = ingest(store, [write(tmp_path / "d", again)], [sm2_signer.public_key])
    assert outcome.reason == "duplicate-sample" and "HF01-S00002" in outcome.message
    assert snapshot(store) == before


def _other_format(signer: Signer, entries: list[tuple[str, bytes]]) -> bytes:
    files = dict(entries)
    manifest = json.loads(files.pop("manifest.json"))
    files.pop("manifest.sig")
    manifest["format"] = "labdesk-batch/9"
    return resign(signer, manifest, files)


def _zero_bomb(entries: list[tuple[str, bytes]], path: Path) -> Path:
    """A 300 MB zero-filled entry, small on disk."""
    path.parent.mkdir()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for name, data in entries:
            zf.writestr(name, data)
        with zf.open("zeros.bin", "w", force_zip64=True) as out:
            for _ in range(300):
                out.write(bytes(1 << 20))
    return path


def _bad_batches(signer: Signer, tmp_path: Path) -> dict[str, Path]:
    good = make_batch(signer, sequence=1, samples=sample_records(3, start=1))
    entries = entries_of(good.archive)
    bad: dict[str, bytes] = {
        "hash-mismatch": rezip(
            [(n, d.replace(b"pass", b"fail", 1) if n == "samples.jsonl" else d) for n, d in entries]
        ),
        "bad-signature": rezip(
            [(n, d.replace(b"HF01 ", b"HF02 ") if n == "manifest.json" else d) for n, d in entries]
        ),
        "unknown-key": make_batch(Signer.generate("sm2")).archive,
        "unlisted-file": rezip([*entries, ("notes.txt", b"hi")]),
        "unsafe-path": rezip([*entries, ("../notes.txt", b"hi")]),
        "corrupt": good.archive[: len(good.archive) // 2],
        "unsupported-format": _other_format(signer, entries),
    }
    paths = {"oversize": _zero_bomb(entries, tmp_path / "oversize" / "HF01-000001.labbatch")}
    for reason, data in bad.items():
        path = tmp_path / reason / "HF01-000001.labbatch"
        path.parent.mkdir()
        path.write_bytes(data)
        paths[reason] = path
    return paths


def test_bad_batches_leave_hq_unchanged(store: HqStore, tmp_path: Path, sm2_signer: Signer) -> None:
    ingest(
        store,
        [write(tmp_path / "seed", make_batch(sm2_signer, centre="WH02"))],
        [sm2_signer.public_key],
    )
    before = snapshot(store)
    for reason, path in _bad_batches(sm2_signer, tmp_path).items():
        (outcome,) = ingest(store, [path], [sm2_signer.public_key])
        assert (outcome.status, outcome.reason) == ("refused", reason), outcome.message
        assert snapshot(store) == before, reason


def test_failure_inside_the_transaction_rolls_back(
    store: HqStore, tmp_path: Path, sm2_signer: Signer, monkeypatch: pytest.MonkeyPatch
) -> None:
    import labdesk.batch.hq as hq

    before = snapshot(store)

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(hq, "_existing_samples", boom)  # after the batch row is inserted
    with pytest.raises(RuntimeError):
        ingest(store, [write(tmp_path, chain(sm2_signer, 1)[0])], [sm2_signer.public_key])
    assert snapshot(store) == before


def test_inbox_order_per_centre(tmp_path: Path) -> None:
    for name in ["WH02-000002.labbatch", "HF01-000010.labbatch", "HF01-000009.labbatch", "x.txt"]:
        (tmp_path / name).write_bytes(b"")
    assert [p.name for p in inbox_order([tmp_path])] == [
        "HF01-000009.labbatch",
        "HF01-000010.labbatch",
        "WH02-000002.labbatch",
    ]


def test_sqlite_url_forms(tmp_path: Path) -> None:
    assert sqlite_path(str(tmp_path / "a.db")) == tmp_path / "a.db"
    assert sqlite_path("sqlite:////srv/hq.db") == Path("/srv/hq.db")
    assert sqlite_path("sqlite:///hq.db") == Path("hq.db")
    assert sqlite_path("postgresql://u@h/db") is None


def test_stored_manifest_is_the_signed_bytes(
    store: HqStore, tmp_path: Path, sm2_signer: Signer
) -> None:
    b1 = chain(sm2_signer, 1)[0]
    ingest(store, [write(tmp_path, b1)], [sm2_signer.public_key])
    stored = store.scalar("SELECT manifest FROM hq_batches")
    assert stored.encode("utf-8") == b1.manifest
    assert json.loads(stored)["sequence"] == 1


def _report_numbers(store: HqStore) -> dict[str, str | None]:
    return dict(store.query("SELECT sample_id, report_no FROM hq_samples"))


def _legacy_samples() -> list[dict[str, Any]]:
    """Samples as older centres sent them: report_no inside `form` (exported between
    migration 2 and the top-level key), null (approved before report numbers), absent."""
    samples = sample_records(3, start=5)
    samples[0]["form"]["report_no"] = samples[0].pop("report_no")
    samples[1]["report_no"] = None
    samples[1]["form"] = "not an object"  # unchecked by the format: must not break HQ
    del samples[2]["report_no"]
    return samples


def test_report_no_is_stored_for_each_sample(
    store: HqStore, tmp_path: Path, sm2_signer: Signer
) -> None:
    b1 = chain(sm2_signer, 1)[0]
    b2 = make_batch(sm2_signer, sequence=2, previous=b1.manifest_sha256, samples=_legacy_samples())
    outcomes = ingest(store, [write(tmp_path, b1), write(tmp_path, b2)], [sm2_signer.public_key])
    assert [o.status for o in outcomes] == ["loaded", "loaded"]
    assert _report_numbers(store) == {
        "HF01-S00001": "HF01-2026-000001",
        "HF01-S00002": "HF01-2026-000002",
        "HF01-S00003": "HF01-2026-000003",
        "HF01-S00004": "HF01-2026-000004",
        "HF01-S00005": "HF01-2026-000005",  # only inside `form`, as older batches had it
        "HF01-S00006": None,
        "HF01-S00007": None,
    }
    assert store.scalar("SELECT value FROM hq_meta WHERE key = 'schema'") == SCHEMA_VERSION


def downgrade_to_3(store: HqStore) -> None:
    """Back to exactly what schema 3 had: no report versions."""
    store.execute("DROP TABLE hq_reports")
    store.execute("UPDATE hq_meta SET value = '3' WHERE key = 'schema'")


def downgrade_to_2(store: HqStore) -> None:
    """Back to exactly what schema 2 had: no province columns, no item counts, no reports."""
    downgrade_to_3(store)
    store.execute("DROP TABLE hq_item_counts")
    for index in ("hq_samples_uscc", "hq_samples_date"):
        store.execute(f"DROP INDEX {index}")
    for column in SAMPLE_FACT_COLUMNS:
        store.execute(f"ALTER TABLE hq_samples DROP COLUMN {column}")
    store.execute("ALTER TABLE hq_centres DROP COLUMN region_code")
    store.execute("UPDATE hq_meta SET value = '2' WHERE key = 'schema'")


def test_schema_1_database_gains_report_no_on_open(
    hq_url: str, tmp_path: Path, sm2_signer: Signer
) -> None:
    """A schema-1 HQ database (no report_no column) is upgraded when opened: the column
    is filled from the stored signed lines, nothing else changes, `hq summary` agrees."""
    b1 = chain(sm2_signer, 1)[0]
    b2 = make_batch(sm2_signer, sequence=2, previous=b1.manifest_sha256, samples=_legacy_samples())
    with open_hq(hq_url) as store:
        ingest(store, [write(tmp_path, b1), write(tmp_path, b2)], [sm2_signer.public_key])
        figures = summary(store)
        # Back to exactly what schema 1 created: hq_samples without the column.
        downgrade_to_2(store)
        store.execute("ALTER TABLE hq_samples DROP COLUMN report_no")
        store.execute("UPDATE hq_meta SET value = '1' WHERE key = 'schema'")
        old = snapshot(store, TABLES[2:])  # no hq_reports, hq_item_counts in schema 1
    with open_hq(hq_url) as store:
        assert store.scalar("SELECT value FROM hq_meta WHERE key = 'schema'") == SCHEMA_VERSION
        numbers = _report_numbers(store)
        assert numbers == {
            **{f"HF01-S{n:05d}": f"HF01-2026-{n:06d}" for n in range(1, 6)},
            "HF01-S00006": None,
            "HF01-S00007": None,
        }
        assert summary(store) == figures
        upgraded = snapshot(store)
        assert upgraded["hq_meta"] != old["hq_meta"]
        for table in ("hq_records", "hq_batches", "hq_centre_keys"):
            assert upgraded[table] == old[table], table
        columns = store.query("SELECT centre_code, sample_id, record FROM hq_samples")
        assert sorted(columns, key=repr) == sorted(
            [(r[0], r[1], r[8]) for r in old["hq_samples"]], key=repr
        )
        b3 = make_batch(sm2_signer, sequence=3, previous=b2.manifest_sha256,
                        samples=sample_records(1, start=8))  # fmt: skip
        (outcome,) = ingest(store, [write(tmp_path / "3", b3)], [sm2_signer.public_key])
        assert outcome.status == "loaded"
        assert _report_numbers(store)["HF01-S00008"] == "HF01-2026-000008"
    with open_hq(hq_url) as store:  # opening again is a no-op
        assert _report_numbers(store)["HF01-S00005"] == "HF01-2026-000005"


def test_newer_hq_schema_is_refused(hq_url: str) -> None:
    newer = str(int(SCHEMA_VERSION) + 1)
    with open_hq(hq_url) as store:
        store.execute("UPDATE hq_meta SET value = ? WHERE key = 'schema'", (newer,))
    with pytest.raises(HqStoreError, match=f"schema {newer} is not {SCHEMA_VERSION}"):
        open_hq(hq_url)
