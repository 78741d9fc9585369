"""The receiving side: verify batches and load them into the HQ database.

Each batch is verified completely before the database is touched, then loaded in one
transaction, so a refused batch leaves the HQ database exactly as it was. Per centre:
- the first batch binds the centre to its signing key (a new key must be accepted);
- an identical re-send (same manifest hash) is a no-op;
- a different batch under a used sequence number is refused (replay or forgery);
- a batch naming another GB/T 2260 region than the one on file for its centre code is
  refused (`centre-conflict`: two centres claim one code; never merged); the first
  `labdesk-batch/2` batch records the region, which then also places the centre's
  earlier version-1 batches (until then they are quarantined from the province's figures);
- each batch's `previous_manifest_sha256` must match the batch before it, and the batch
  after it if that one arrived first; a missing sequence is accepted with a warning and
  listed by `gaps()` until it arrives.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import repeat
from pathlib import Path
from typing import Any

from labdesk.batch import hq_reports
from labdesk.batch.format import SUFFIX, parse_batch_filename
from labdesk.batch.hq_facts import SAMPLE_FACT_COLUMNS, SampleFacts, item_counts, sample_facts
from labdesk.batch.hq_store import (
    ITEM_COUNTS_INSERT,
    HqStore,
    item_count_rows,
    withdrawn_samples,
)
from labdesk.batch.verify import BatchRejected, Limits, VerifiedBatch, verify_batch
from labdesk.services.summary import Rate
from labdesk.signing import PublicKey

_RECORD_FILES = ("items.jsonl", "results.jsonl", "audit.jsonl", "reports.jsonl")


@dataclass
class IngestOutcome:
    source: str
    status: str  # "loaded" | "duplicate" | "refused"
    centre_code: str = ""
    sequence: int = 0
    samples: int = 0
    warnings: list[str] = field(default_factory=list)
    reason: str = ""
    message: str = ""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _refuse(reason: str, message: str) -> BatchRejected:
    return BatchRejected(reason, message)


def load_batch(
    store: HqStore, batch: VerifiedBatch, *, accept_new_key: bool = False
) -> IngestOutcome:
    """Load one verified batch in one transaction; BatchRejected leaves the DB unchanged."""
    code, seq = batch.centre_code, batch.sequence
    outcome = IngestOutcome(batch.source, "loaded", code, seq)
    with store.transaction():
        existing = store.query(
            "SELECT manifest_sha256 FROM hq_batches WHERE centre_code = ? AND sequence = ?",
            (code, seq),
        )
        if existing:
            if existing[0][0] == batch.manifest_sha256:
                outcome.status = "duplicate"
                outcome.message = f"{code} batch {seq} was already received; nothing to do"
                return outcome
            raise _refuse(
                "replayed-sequence",
                f"{code} batch {seq} was already received with different content "
                f"(manifest {existing[0][0][:16]}…, this one {batch.manifest_sha256[:16]}…)",
            )
        other = store.query(
            "SELECT centre_code, sequence FROM hq_batches WHERE batch_id = ?",
            (batch.manifest["batch_id"],),
        )
        if other:
            raise _refuse(
                "duplicate-batch-id",
                f"batch id {batch.manifest['batch_id']} was already received as "
                f"{other[0][0]} batch {other[0][1]}",
            )
        _check_key(store, batch, accept_new_key)
        outcome.warnings += _check_centre(store, batch)
        _check_chain(store, batch)
        outcome.warnings += _check_audit_growth(store, batch)
        if seq > 1 and not store.query(
            "SELECT 1 FROM hq_batches WHERE centre_code = ? AND sequence = ?", (code, seq - 1)
        ):
            outcome.warnings.append(
                f"{code}: batch {seq - 1} has not arrived yet (gap); it is listed by `hq gaps`"
            )
        outcome.samples = _insert(store, batch)
    return outcome


def _check_key(store: HqStore, batch: VerifiedBatch, accept_new_key: bool) -> None:
    code = batch.centre_code
    known = [row[0] for row in store.query(
        "SELECT key_id FROM hq_centre_keys WHERE centre_code = ?", (code,)
    )]  # fmt: skip
    now = _now()
    if not known:
        store.execute(
            "INSERT INTO hq_centres (code, name, first_received_at) VALUES (?, ?, ?) "
            "ON CONFLICT DO NOTHING",
            (code, batch.centre_name, now),
        )
    elif batch.key.key_id not in known and not accept_new_key:
        raise _refuse(
            "key-changed",
            f"{code}'s batches so far were signed by key {known[0][:16]}…; this one by "
            f"{batch.key.key_id[:16]}…. Confirm the key change with the centre, then "
            "ingest with --accept-new-key",
        )
    if batch.key.key_id not in known:
        store.execute(
            "INSERT INTO hq_centre_keys (centre_code, key_id, public_pem, first_seen_at) "
            "VALUES (?, ?, ?, ?)",
            (code, batch.key.key_id, batch.key.pem, now),
        )


def _check_centre(store: HqStore, batch: VerifiedBatch) -> list[str]:
    """The centre's identity: a known code with another region is a second centre."""
    code, region = batch.centre_code, batch.centre_region_code
    name, known = store.query("SELECT name, region_code FROM hq_centres WHERE code = ?", (code,))[0]
    warnings = []
    if region is not None and known and region != known:
        raise _refuse(
            "centre-conflict",
            f"two centres claim code {code}: it is {name} in region {known} here, and this "
            f"batch ({batch.centre_name}) names region {region}; nothing was merged — give "
            "one of the centres a code of its own",
        )
    if region is not None and not known:
        store.execute("UPDATE hq_centres SET region_code = ? WHERE code = ?", (region, code))
    if region is None and not known:
        warnings.append(
            f"{code}: the batch names no region (labdesk-batch/1); its samples are "
            "quarantined from the province's figures until the centre's region is known"
        )
    if batch.centre_name != name:
        warnings.append(
            f"{code}: the batch names the centre {batch.centre_name!r}; it is on file as "
            f"{name!r} (kept)"
        )
    return warnings


def _check_chain(store: HqStore, batch: VerifiedBatch) -> None:
    code, seq = batch.centre_code, batch.sequence
    before = store.query(
        "SELECT manifest_sha256 FROM hq_batches WHERE centre_code = ? AND sequence = ?",
        (code, seq - 1),
    )
    if before and before[0][0] != batch.previous_manifest_sha256:
        raise _refuse(
            "chain-broken",
            f"{code} batch {seq} names {str(batch.previous_manifest_sha256)[:16]}… as the "
            f"previous manifest, but batch {seq - 1} received here is {before[0][0][:16]}…",
        )
    after = store.query(
        "SELECT previous_manifest_sha256 FROM hq_batches WHERE centre_code = ? AND sequence = ?",
        (code, seq + 1),
    )
    if after and after[0][0] != batch.manifest_sha256:
        raise _refuse(
            "chain-broken",
            f"{code} batch {seq + 1} (already received) does not chain to this batch {seq}",
        )


def _audit_head(manifest: Any) -> tuple[int, str] | None:
    head = manifest.get("audit_head") if isinstance(manifest, dict) else None
    if not isinstance(head, dict):
        return None
    try:
        return int(head["seq"]), str(head["hash"])
    except (KeyError, TypeError, ValueError):
        return None


def _check_audit_growth(store: HqStore, batch: VerifiedBatch) -> list[str]:
    """A centre's audit chain only grows (issue 21.4): each batch signs the chain head it
    was built at, and HQ keeps them (the stored manifests). A later batch with a shorter
    chain, or the same length with another hash, means the centre's record was cut or
    rewritten (or restored from a backup): said, and the batch kept, for HQ to ask."""
    code, seq = batch.centre_code, batch.sequence
    mine = _audit_head(batch.manifest)
    if mine is None:
        return []
    warnings = []
    for order, compare in (("DESC", "<"), ("ASC", ">")):
        rows = store.query(
            f"SELECT sequence, manifest FROM hq_batches WHERE centre_code = ? "
            f"AND sequence {compare} ? ORDER BY sequence {order} LIMIT 1",
            (code, seq),
        )
        if not rows:
            continue
        try:
            theirs = _audit_head(json.loads(rows[0][1]))
        except ValueError:
            theirs = None
        if theirs is None:
            continue
        (early_seq, early), (late_seq, late) = (
            ((int(rows[0][0]), theirs), (seq, mine)) if compare == "<" else
            ((seq, mine), (int(rows[0][0]), theirs))
        )  # fmt: skip
        if late[0] < early[0] or (late[0] == early[0] and late[1] != early[1]):
            warnings.append(
                f"{code}: the centre's audit trail went back — batch {late_seq} was built at "
                f"entry {late[0]}, but batch {early_seq} at entry {early[0]}"
                + (" with another hash" if late[0] == early[0] else "")
                + ": its record was cut, rewritten or restored from a backup; ask the centre "
                "(中心审计记录倒退)"
            )
    return warnings


def _insert(store: HqStore, batch: VerifiedBatch) -> int:
    code, seq = batch.centre_code, batch.sequence
    samples = batch.records("samples.jsonl")
    sample_lines = batch.text_lines("samples.jsonl")
    store.execute(
        "INSERT INTO hq_batches (centre_code, sequence, batch_id, manifest_sha256, "
        "previous_manifest_sha256, archive_sha256, key_id, created_at, received_at, "
        "sample_count, source, manifest) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            code,
            seq,
            batch.manifest["batch_id"],
            batch.manifest_sha256,
            batch.previous_manifest_sha256,
            batch.archive_sha256,
            batch.key.key_id,
            batch.manifest["created_at"],
            _now(),
            len(samples),
            Path(batch.source).name,
            batch.manifest_bytes.decode("utf-8"),
        ),
    )
    ids = [s["sample_id"] for s in samples]
    reports = hq_reports.report_lines(batch)
    held = _existing_samples(store, code, ids)
    replace, keep, clash = hq_reports.plan_samples(store, code, held, reports)
    if clash:
        raise _refuse(
            "duplicate-sample",
            f"{code} sample {clash[0][0]} was already received in batch {clash[0][1]}",
        )
    hq_reports.load(store, code, seq, reports, dict(zip(ids, sample_lines, strict=True)))
    # Batches held before whose item counts change: a corrected sample moves to this
    # batch, a withdrawn report's sample leaves the counts.
    recount = {int(row[1]) for row in held if row[0] in replace}
    in_batch = set(ids)
    earlier = sorted({str(r["sample_id"]) for r, _ in reports} - in_batch)
    recount |= {int(row[1]) for row in _existing_samples(store, code, earlier)}
    if replace or keep:  # a corrected report: the newest sample line is the one counted
        store.executemany(
            "DELETE FROM hq_samples WHERE centre_code = ? AND sample_id = ?",
            [(code, sid) for sid in sorted(replace)],
        )
        pairs = [
            (s, line)
            for s, line in zip(samples, sample_lines, strict=True)
            if s["sample_id"] not in keep
        ]
        samples, sample_lines = [p[0] for p in pairs], [p[1] for p in pairs]
    facts = {s["sample_id"]: (sample_facts(s), s["sampling_date"][:7]) for s in samples}
    gone = withdrawn_samples(store, code) if reports else set()
    store.executemany(
        "INSERT INTO hq_samples (centre_code, sample_id, sequence, form_no, category, "
        "sampling_date, month, verdict, record, report_no, "
        f"{', '.join(SAMPLE_FACT_COLUMNS)}) "
        f"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, {', '.join('?' * len(SAMPLE_FACT_COLUMNS))})",
        [
            (
                code,
                s["sample_id"],
                seq,
                str(s.get("form_no", "")),
                s["category"],
                s["sampling_date"],
                s["sampling_date"][:7],
                s["verdict"],
                line,  # the signed text as received
                _report_no(s),
                *facts[s["sample_id"]][0].row(),
            )
            for s, line in zip(samples, sample_lines, strict=True)
        ],
    )
    _insert_item_counts(
        store, batch, {sid: f for sid, f in facts.items() if (code, sid) not in gone}
    )
    for old_sequence in sorted(recount - {seq}):
        store.recount_items(code, old_sequence)
    rows: list[tuple[Any, ...]] = []
    for name in _RECORD_FILES:
        if name not in batch.files:  # reports.jsonl: labdesk-batch/2 only
            continue
        texts, records = batch.text_lines(name), batch.records(name)
        if len(texts) != len(records):
            raise ValueError(f"{name}: {len(texts)} lines but {len(records)} records")
        sample_ids = [record.get("sample_id") for record in records]
        rows += zip(
            repeat(code),
            repeat(seq),
            repeat(name),
            range(1, len(texts) + 1),
            [None if sid is None else str(sid) for sid in sample_ids],
            texts,
            strict=False,  # repeat() is endless; the two lists are checked equal above
        )
    store.executemany(
        "INSERT INTO hq_records (centre_code, sequence, file, line, sample_id, record) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        rows,
    )
    return len(samples)


def _insert_item_counts(
    store: HqStore, batch: VerifiedBatch, facts: dict[str, tuple[SampleFacts, str]]
) -> None:
    counts = item_counts(facts, batch.records("items.jsonl"), batch.records("results.jsonl"))
    store.executemany(
        ITEM_COUNTS_INSERT, item_count_rows(batch.centre_code, batch.sequence, counts)
    )


def _report_no(sample: dict[str, Any]) -> str | None:
    """The sample's report number: the documented top-level key, else (batches exported
    before it was lifted out of the form) `form.report_no`; None when there is none —
    the same rule the schema-2 migration applies to lines already held."""
    value = sample.get("report_no")
    if isinstance(value, str) and value:
        return value  # every current export: no look into the form
    form = sample.get("form")
    value = form.get("report_no") if isinstance(form, dict) else None
    return value if isinstance(value, str) and value else None


def _existing_samples(store: HqStore, code: str, ids: Sequence[str]) -> list[tuple[Any, ...]]:
    found: list[tuple[Any, ...]] = []
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ", ".join("?" for _ in chunk)
        found += store.query(
            f"SELECT sample_id, sequence FROM hq_samples WHERE centre_code = ? "
            f"AND sample_id IN ({marks})",
            (code, *chunk),
        )
    return found


def inbox_order(paths: Iterable[Path | str]) -> list[Path]:
    """Files named, plus every *.labbatch in folders named; per centre in sequence order."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found += [p for p in path.iterdir() if p.suffix == SUFFIX and p.is_file()]
        else:
            found.append(path)

    def key(p: Path) -> tuple[str, int, str]:
        parsed = parse_batch_filename(p.name)
        return (parsed[0], parsed[1], p.name) if parsed else ("\uffff", 0, p.name)

    return sorted(dict.fromkeys(found), key=key)


def ingest(
    store: HqStore,
    paths: Iterable[Path | str],
    trusted_keys: Sequence[PublicKey],
    *,
    limits: Limits | None = None,
    accept_new_key: bool = False,
) -> list[IngestOutcome]:
    """Verify and load each batch; a refused batch is reported and the rest go on."""
    outcomes: list[IngestOutcome] = []
    for path in inbox_order(paths):
        try:
            verified = verify_batch(path, trusted_keys, limits=limits)
            outcomes.append(load_batch(store, verified, accept_new_key=accept_new_key))
        except BatchRejected as exc:
            outcomes.append(
                IngestOutcome(str(path), "refused", reason=exc.reason, message=str(exc))
            )
    return outcomes


@dataclass(frozen=True)
class Gap:
    centre_code: str
    missing: tuple[int, ...]
    received_up_to: int


def gaps(store: HqStore) -> list[Gap]:
    """Per centre, the sequence numbers below the highest received that have not arrived."""
    rows = store.query(
        "SELECT centre_code, sequence FROM hq_batches ORDER BY centre_code, sequence"
    )
    by_centre: dict[str, set[int]] = {}
    for code, seq in rows:
        by_centre.setdefault(code, set()).add(int(seq))
    result = []
    for code, seqs in sorted(by_centre.items()):
        top = max(seqs)
        missing = tuple(n for n in range(1, top) if n not in seqs)
        if missing:
            result.append(Gap(code, missing, top))
    return result


def _rate(part: int, whole: int) -> str | None:
    """A percentage to 0.01, rounded half-even (GB/T 8170) from exact decimals, no float:
    the rule of the province's views (`services.summary.Rate`), so the same counts give
    the same text in `hq summary` and `hq rates`."""
    value = Rate(part, whole).percent(2)
    return None if value is None else str(value)


def _figures(passed: int, failed: int, other: int) -> dict[str, Any]:
    judged = passed + failed
    return {
        "samples": passed + failed + other,
        "pass": passed,
        "fail": failed,
        "not_judged": other,
        "pass_rate": _rate(passed, judged),
        "fail_rate": _rate(failed, judged),
    }


def summary(store: HqStore) -> dict[str, Any]:
    """Province-wide figures with breakdowns by centre, category and month.

    Rates are percentages of judged samples (pass + fail) as decimal text with two
    places, e.g. "91.67"; numerator and denominator are given so either rate can be
    recomputed. A sample whose report the centre withdrew (and issued none since) is not
    counted, as in the province's views; `excluded` says how many were left out.
    """
    rows = store.query("SELECT centre_code, sample_id, category, month, verdict FROM hq_samples")
    gone = withdrawn_samples(store)
    names = dict(store.query("SELECT code, name FROM hq_centres"))
    groups: dict[str, dict[str, list[int]]] = {"centre": {}, "category": {}, "month": {}}
    total = [0, 0, 0]
    withdrawn = 0
    for centre, sample_id, category, month, verdict in rows:
        if (str(centre), str(sample_id)) in gone:
            withdrawn += 1
            continue
        slot = {"pass": 0, "fail": 1}.get(verdict, 2)
        total[slot] += 1
        for dim, value in (("centre", centre), ("category", category), ("month", month)):
            groups[dim].setdefault(value, [0, 0, 0])[slot] += 1
    result = _figures(*total)
    result["excluded"] = {"report-withdrawn": withdrawn}
    result["by_centre"] = [
        {"centre": code, "name": names.get(code, ""), **_figures(*counts)}
        for code, counts in sorted(groups["centre"].items())
    ]
    result["by_category"] = [
        {"category": cat, **_figures(*counts)} for cat, counts in sorted(groups["category"].items())
    ]
    result["by_month"] = [
        {"month": month, **_figures(*counts)} for month, counts in sorted(groups["month"].items())
    ]
    result["batches"] = int(store.scalar("SELECT COUNT(*) FROM hq_batches") or 0)
    return result
