"""Importing the file an instrument exported into an analytical run (Qt-free).

The file is read by the reader the general result import uses (`services.excel_import.
read_table` over `services.table_files`: size bound, binary files, .xlsx / .xls / CSV by
content, the text encoding by its BOM or strictly UTF-8, GBK, GB18030, formula and merged
cells, a single column, rows that do not split into the header's columns — each refused
with its message and, when known, its row; every cell as text, never a float); this module
adds what an instrument file needs on top:

- a column mapping kept per instrument (`InstrumentMapping`): the column naming the
  sample (its number, or a QC label such as BLK1), optionally the determination number
  (1, 2 …) and the analyte (rows of other elements are skipped), and one column per
  reading the method's formula takes;
- checks with row-level messages (`RowError`, the row as Excel numbers it): unknown sample
  numbers, duplicated rows, a missing or renamed column (with the titles that are
  there), an empty or non-numeric reading, too many or too few determinations;
- a preview: every determination computed by the run's method version with the replicate
  check, the reported mean, its verdict and the QC verdicts (`run_record.plan_readings`),
  nothing written;
- `commit_import`: all or nothing, with the raw file and its SHA-256 kept in the run
  (`run_files`, logged in the audit by its hash; the results name the file as any
  import's do, `result_imports`) and the mapping saved on the instrument.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from labdesk.core.errors import LabDeskError, ValidationError
from labdesk.core.formula import parse_value
from labdesk.services import instruments, methods
from labdesk.services.busy import retried_when_busy
from labdesk.services.context import ServiceContext
from labdesk.services.excel_import import (
    HEADER_ROW,
    ImportTable,
    RowError,
    guess_mapping,
    read_table,
)
from labdesk.services.run_record import RawFile, ReadingsPlan, commit_readings, plan_readings
from labdesk.services.runs import get_run, run_items
from labdesk.store.protocol import Store

_REPLICATE_TITLES = ("replicate", "rep", "平行", "平行号", "平行测定", "重复", "次数", "测定次数")


@dataclass(frozen=True)
class InstrumentMapping:
    """Which column (by its title) holds what. `readings` maps input name → column."""

    sample: str | None = None
    replicate: str | None = None
    analyte: str | None = None
    readings: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "sample": self.sample,
            "replicate": self.replicate,
            "analyte": self.analyte,
            "readings": dict(sorted(self.readings.items())),
        }

    @staticmethod
    def from_dict(data: dict[str, Any]) -> InstrumentMapping:
        readings = data.get("readings") or {}
        return InstrumentMapping(
            sample=data.get("sample") or None,
            replicate=data.get("replicate") or None,
            analyte=data.get("analyte") or None,
            readings={str(k): str(v) for k, v in dict(readings).items() if v},
        )


@dataclass
class InstrumentImport:
    """A checked file for a run: nothing written until `commit_import`."""

    run_id: int
    source: str
    sha256: str
    encoding: str
    content: bytes
    table: ImportTable | None
    mapping: InstrumentMapping
    errors: list[RowError]
    readings: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    rows: dict[str, list[int]] = field(default_factory=dict)  # label → its Excel rows
    skipped: int = 0  # blank rows and rows of other analytes
    plan: ReadingsPlan | None = None

    @property
    def ok(self) -> bool:
        return not self.errors and self.plan is not None and self.plan.ok

    def messages(self) -> list[str]:
        return [str(e) for e in self.errors]


def _squash(title: str) -> str:
    return re.sub(r"[\s_\-（）()\[\]./]", "", title).lower()


# Titles instruments and lab sheets give the usual inputs (lower-cased, squashed).
_READING_TITLES = {
    "mass": ("weight", "mass", "sampleweight", "称样量", "取样量", "样品质量", "质量", "称量"),
    "volume": ("volume", "finalvolume", "定容体积", "体积", "定容"),
    "dilution": ("dilution", "dilutionfactor", "df", "稀释倍数", "稀释因子"),
}
_ANALYTE_TITLES = ("element", "analyte", "元素", "分析物", "isotope", "同位素", "elem")
_NAME_ROLES = {"m": "mass", "v": "volume", "f": "dilution", "df": "dilution"}


def guess_instrument_mapping(
    table: ImportTable, spec_inputs: list[dict[str, str]]
) -> InstrumentMapping:
    """A first mapping from the titles: the sample and analyte columns as the general
    import recognises them, the replicate column, the instrument's own reading (the one
    the blank is taken of, else the first) in its result column, and the other readings
    by their name, label or the usual titles of mass, volume and dilution."""
    general = guess_mapping(table)
    squashed = {title: _squash(title) for title in table.columns}
    used = {c for c in (general.sample_no, general.item) if c}
    replicate_keys = {_squash(x) for x in _REPLICATE_TITLES}
    replicate = next((t for t, sq in squashed.items() if sq in replicate_keys), None)
    if replicate:
        used.add(replicate)
    readings: dict[str, str] = {}
    blank_targets = [i.get("blank_of") for i in spec_inputs if i.get("blank_of")]
    measured = [i for i in spec_inputs if not i.get("blank_of") and not i.get("default")]
    primary = blank_targets[0] if blank_targets else (measured[0]["name"] if measured else None)
    if primary and general.result and general.result not in used:
        readings[primary] = general.result
        used.add(general.result)

    def find(keys: list[str], exact: bool) -> str | None:
        for title, sq in squashed.items():
            if title in used:
                continue
            if any((sq == k) if exact else (len(k) > 1 and k in sq) for k in keys):
                return title
        return None

    for spec in spec_inputs:
        name = spec.get("name", "")
        if name in readings or spec.get("blank_of"):
            continue
        keys = [k for k in (_squash(name), _squash(spec.get("label", ""))) if k]
        role = _NAME_ROLES.get(name.lower())
        if role:
            keys.extend(_squash(t) for t in _READING_TITLES[role])
        hit = find(keys, True) or find(keys, False)
        if hit:
            readings[name] = hit
            used.add(hit)
    analyte = general.item
    if analyte is None:
        titles = {_squash(x) for x in _ANALYTE_TITLES}
        analyte = next((t for t, sq in squashed.items() if sq in titles and t not in used), None)
    return InstrumentMapping(general.sample_no, replicate, analyte, readings)


def _element(text: str) -> str:
    """'208Pb', 'Pb 208', 'Pb(220.353)' → 'pb': the element or analyte without its mass."""
    return re.sub(r"[\s\d.()（）\[\]_\-]", "", text).casefold()


def _missing_column(table: ImportTable, role: str, column: str) -> RowError:
    close = difflib.get_close_matches(column, table.columns, n=2, cutoff=0.4)
    hint_en = f"; closest: {', '.join(close)}" if close else ""
    hint_zh = f"；相近的列：{'、'.join(close)}" if close else ""
    present = "、".join(table.columns)
    return RowError(
        HEADER_ROW,
        column,
        "known_column",
        f"文件中没有列“{column}”（{role}）— 列可能被改名{hint_zh}；文件中的列：{present}"
        f" (column {column!r} for {role} is not in the file{hint_en})",
    )


def plan_import(
    db: Store, run_id: int, path: Path, mapping: InstrumentMapping | None = None
) -> InstrumentImport:
    """Reads and checks the file for the run; every problem a row-level message."""
    path = Path(path)
    run = get_run(db, run_id)
    version = methods.version(db, int(run["method_version_id"]))
    spec = methods.spec_of(version)
    result = InstrumentImport(
        run_id, path.name, "", "", b"", None, mapping or InstrumentMapping(), []
    )

    def fail(message: str, rule: str, row: int = HEADER_ROW) -> InstrumentImport:
        result.errors.append(RowError(row, "—", rule, message))
        return result

    try:
        table = read_table(path)  # checks the file first: nothing is read before
        content = path.read_bytes()
    except ValidationError as exc:
        return fail(str(exc), exc.rule, getattr(exc, "row", None) or HEADER_ROW)
    except OSError as exc:
        return fail(f"{path.name}: 无法读取文件 (cannot read the file: {exc})", "readable")
    digest = hashlib.sha256(content).hexdigest()
    if digest != table.sha256:
        return fail(
            f"{path.name}: 文件在读取时被改动，请重新导入 (the file changed while it was read)",
            "unchanged",
        )
    result.sha256, result.content, result.encoding = digest, content, table.encoding
    result.table = table
    if mapping is None:
        saved = instruments.mapping_of(instruments.get_instrument(db, int(run["instrument_id"])))
        inputs = [i.as_dict() for i in spec.inputs]
        result.mapping = (
            InstrumentMapping.from_dict(saved) if saved else guess_instrument_mapping(table, inputs)
        )
    m = result.mapping
    if not m.sample:
        return fail("请指定样品编号所在的列 (map the column naming the sample)", "mapped")
    wanted = {"sample": m.sample, "replicate": m.replicate, "analyte": m.analyte}
    wanted.update({f"reading {n}": c for n, c in m.readings.items()})
    for role, column in wanted.items():
        if column and column not in table.columns:
            result.errors.append(_missing_column(table, role, column))
    for name in spec.required_readings:
        if name not in m.readings:
            label = spec.input(name).label or name
            result.errors.append(
                RowError(
                    HEADER_ROW,
                    "—",
                    "mapped",
                    f"请指定读数 {name}（{label}）所在的列 (map a column to the reading {name})",
                )
            )
    if result.errors:
        return result
    _read_rows(db, result, table, run, version, spec.replicates, spec.reading_names)
    if result.errors or not result.readings:
        if not result.errors:
            fail("文件中没有本批样品的数据行 (no rows for this run)", "not_empty")
        return result
    result.plan = plan_readings(db, run_id, result.readings)
    for item in result.plan.items:
        if item.error:
            row = result.rows.get(item.label, [HEADER_ROW])[0]
            result.errors.append(
                RowError(row, table.column_ref(m.sample), "calculation", item.error)
            )
    for message in result.plan.errors:
        result.errors.append(RowError(HEADER_ROW, "—", "run", message))
    return result


def _read_rows(
    db: Store,
    result: InstrumentImport,
    table: ImportTable,
    run: dict[str, Any],
    version: dict[str, Any],
    replicates: int,
    reading_names: tuple[str, ...],
) -> None:
    m = result.mapping
    assert m.sample is not None
    labels = {str(i["label"]) for i in run_items(db, int(run["id"]))}
    analyte = _element(str(version["analyte"] or version["item_code"] or ""))
    frame = table.frame
    seen_rows: dict[tuple[str, ...], int] = {}
    seen_rep: dict[tuple[str, int], int] = {}
    collected: dict[str, dict[int, dict[str, str]]] = {}
    # Rows as plain dicts: `frame.iloc[i]` built a pandas Series per row (~90 µs each).
    for index, record in enumerate(frame.to_dict("records")):
        row_no = table.excel_row(index)
        cells = [str(record[c]).strip() for c in table.columns]
        if not any(cells):
            result.skipped += 1
            continue
        if m.analyte and analyte and _element(str(record[m.analyte])) != analyte:
            result.skipped += 1
            continue
        label = str(record[m.sample]).strip()

        def fail(column: str, rule: str, message: str, row_no: int = row_no) -> None:
            result.errors.append(RowError(row_no, table.column_ref(column), rule, message))

        if not label:
            fail(m.sample, "required", "样品编号为空 (the sample cell is empty)")
            continue
        if label not in labels:
            fail(
                m.sample,
                "known_sample",
                f"本批没有样品或质控样“{label}” (not a sample or QC label of run {run['run_no']})",
            )
            continue
        key = tuple(
            str(record[c]).strip() for c in (m.sample, m.replicate, *m.readings.values()) if c
        )
        if key in seen_rows:
            fail(
                m.sample,
                "duplicate_row",
                f"与第 {seen_rows[key]} 行重复 (duplicated row: same as row {seen_rows[key]})",
            )
            continue
        seen_rows[key] = row_no
        taken = collected.setdefault(label, {})
        if m.replicate:
            text = str(record[m.replicate]).strip()
            number = int(text) if text.isdigit() else 0
            if not 1 <= number <= replicates:
                fail(
                    m.replicate,
                    "replicate",
                    f"平行测定号“{text}”应为 1～{replicates} "
                    f"(determination number 1 to {replicates})",
                )
                continue
        else:
            number = len(taken) + 1
        earlier = seen_rep.get((label, number))
        if earlier is not None:
            fail(
                m.replicate or m.sample,
                "duplicate_row",
                f"{label} 的第 {number} 次测定已在第 {earlier} 行 "
                f"(determination {number} of {label} is already in row {earlier})",
            )
            continue
        if number > replicates:
            fail(
                m.sample,
                "replicates",
                f"{label} 的行数多于方法要求的 {replicates} 次平行测定 "
                "(more rows than determinations)",
            )
            continue
        seen_rep[(label, number)] = row_no
        values: dict[str, str] = {}
        bad = False
        for name, column in m.readings.items():
            if name not in reading_names:
                continue
            text = str(record[column]).strip()
            if not text:
                continue  # a default or the blank may stand in; compute_item says if not
            try:
                parse_value(text, name)
            except LabDeskError:
                fail(column, "decimal", f"读数“{text}”不是数字 ({name}: not a number)")
                bad = True
                continue
            values[name] = text
        if bad:
            continue
        taken[number] = values
        result.rows.setdefault(label, []).append(row_no)
    for label, by_number in collected.items():
        if not by_number:
            continue
        if len(by_number) != replicates:
            first = result.rows.get(label, [HEADER_ROW])[0]
            result.errors.append(
                RowError(
                    first,
                    table.column_ref(m.sample),
                    "replicates",
                    f"{label} 有 {len(by_number)} 次测定，方法要求 {replicates} 次 "
                    f"({len(by_number)} of {replicates} determinations)",
                )
            )
            continue
        result.readings[label] = [by_number[n] for n in sorted(by_number)]


@retried_when_busy
def commit_import(ctx: ServiceContext, imported: InstrumentImport, reason: str = "") -> list[int]:
    """Writes a checked import (all or nothing) with the raw file; returns the result ids."""
    if not imported.ok or imported.plan is None:
        raise ValidationError(
            "file",
            "no_errors",
            f"{len(imported.errors)} 处错误，未导入任何数据 (nothing imported)",
        )
    return commit_readings(
        ctx,
        imported.plan,
        reason=reason,
        raw=RawFile(imported.source, imported.content, imported.sha256, imported.encoding),
        mapping=imported.mapping.as_dict(),
    )
