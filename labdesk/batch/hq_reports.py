"""HQ's view of the centres' test reports: every version, its state, its history.

`labdesk-batch/2` carries `reports.jsonl`: each issue of each exported sample's report
(original, corrections) and later state changes (a withdrawal, a supersession) of reports
sent before. HQ keeps one row per (centre, report number, version) in `hq_reports`, with
the line as received and the sample line that went out with that version.

A state only moves forward in batch order (`state_sequence`): a batch that arrives late
(a gap filled) never turns a withdrawn report back to current. A sample HQ already holds
is taken again only with a newer report version (a correction, 更正): its sample line is
then replaced by the corrected one, and the old line stays in `hq_reports` with its
version. `labdesk-batch/1` batches carry no reports and load exactly as before.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from labdesk.batch.hq_store import HqStore
from labdesk.batch.verify import VerifiedBatch

REPORTS_FILE = "reports.jsonl"


def report_lines(batch: VerifiedBatch) -> list[tuple[dict[str, Any], str]]:
    """(record, signed text) of each `reports.jsonl` line; none for a /1 batch."""
    if REPORTS_FILE not in batch.files:
        return []
    return list(zip(batch.records(REPORTS_FILE), batch.text_lines(REPORTS_FILE), strict=True))


def held_versions(store: HqStore, code: str, sample_ids: Sequence[str]) -> dict[str, int]:
    """The newest report version HQ holds per sample (0: a sample from a /1 batch)."""
    found: dict[str, int] = {}
    for start in range(0, len(sample_ids), 500):
        chunk = list(sample_ids[start : start + 500])
        marks = ", ".join("?" for _ in chunk)
        for sample_id, version in store.query(
            f"SELECT sample_id, max(version) FROM hq_reports WHERE centre_code = ? "
            f"AND sample_id IN ({marks}) GROUP BY sample_id",
            (code, *chunk),
        ):
            found[str(sample_id)] = int(version)
    return found


def plan_samples(
    store: HqStore,
    code: str,
    clash: Sequence[tuple[Any, ...]],
    reports: Sequence[tuple[dict[str, Any], str]],
) -> tuple[set[str], set[str], list[tuple[Any, ...]]]:
    """Of the batch's samples HQ already holds (`clash`: (sample_id, sequence) rows):
    those to replace (the batch brings a newer version), those to keep (it brings only
    older versions, a late batch), and the true duplicates (no report lines: refused)."""
    versions: dict[str, int] = {}
    for record, _text in reports:
        sid = str(record["sample_id"])
        versions[sid] = max(versions.get(sid, 0), int(record["version"]))
    held = held_versions(store, code, [str(row[0]) for row in clash])
    replace: set[str] = set()
    keep: set[str] = set()
    duplicates: list[tuple[Any, ...]] = []
    for row in clash:
        sid = str(row[0])
        if sid not in versions:
            duplicates.append(row)
        elif versions[sid] > held.get(sid, 0):
            replace.add(sid)
        else:
            keep.add(sid)
    return replace, keep, duplicates


def load(
    store: HqStore,
    code: str,
    sequence: int,
    reports: Sequence[tuple[dict[str, Any], str]],
    sample_lines: Mapping[str, str],
) -> None:
    """Upserts the batch's report lines (inside the ingest transaction), in one
    executemany: row by row as before (a later line of the batch sees the earlier ones),
    without a round trip per report (one per sample made HQ ingest 2× the raw baseline)."""
    store.executemany(
        "INSERT INTO hq_reports (centre_code, report_no, version, sample_id, kind, state, "
        "reason, issued_at, withdrawn_reason, payload, sequence, state_sequence, record, "
        "sample_record) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (centre_code, report_no, version) DO UPDATE SET "
        "state = excluded.state, withdrawn_reason = excluded.withdrawn_reason, "
        "state_sequence = excluded.state_sequence, record = excluded.record, "
        "sample_record = coalesce(hq_reports.sample_record, excluded.sample_record) "
        "WHERE hq_reports.state_sequence < excluded.state_sequence",
        [
            (
                code,
                str(record["report_no"]),
                int(record["version"]),
                str(record["sample_id"]),
                str(record["kind"]),
                str(record["state"]),
                str(record["reason"]),
                str(record["issued_at"]),
                str(record.get("withdrawn_reason") or ""),
                str(record["payload"]),
                sequence,
                sequence,
                text,
                sample_lines.get(str(record["sample_id"])),
            )
            for record, text in reports
        ],
    )


def history(store: HqStore, report_no: str) -> list[dict[str, Any]]:
    """Every version HQ holds of a report number, oldest first (all centres)."""
    rows = store.query(
        "SELECT centre_code, report_no, version, sample_id, kind, state, reason, issued_at, "
        "withdrawn_reason, sequence, state_sequence FROM hq_reports WHERE report_no = ? "
        "ORDER BY centre_code, version",
        (report_no,),
    )
    keys = (
        "centre_code", "report_no", "version", "sample_id", "kind", "state", "reason",
        "issued_at", "withdrawn_reason", "sequence", "state_sequence",
    )  # fmt: skip
    return [dict(zip(keys, row, strict=True)) for row in rows]


def report_status(store: HqStore, report_no: str, version: int) -> dict[str, Any] | None:
    """What HQ knows of one version: its state and the latest version (None: unknown)."""
    rows = history(store, report_no)
    mine = next((r for r in rows if int(r["version"]) == version), None)
    if mine is None:
        return None
    latest = max(int(r["version"]) for r in rows if r["centre_code"] == mine["centre_code"])
    return {**mine, "latest_version": latest, "versions": len(rows)}
