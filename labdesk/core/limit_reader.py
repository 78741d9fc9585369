"""Reading limit tables (CSV / .xlsx) and validating every row: see `core.limit_tables`
for the layouts, the model and the rules.

A CSV is read row by row (bounded memory); a file above `MAX_FILE_BYTES` is refused
before it is read. Every distinct cell (class, limit, version declaration) is parsed
once: printed tables repeat them on most rows.
"""

from __future__ import annotations

import csv
import dataclasses
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date
from pathlib import Path

from labdesk.core.food_limits import (
    MARKS,
    CellError,
    parse_explicit_cell,
    parse_max_cell,
    split_exclusions,
    standard_kind,
)
from labdesk.core.foods import FoodTree
from labdesk.core.limit_rules import read_rule_cells
from labdesk.core.limit_tables import (
    CARRY_DOWN,
    FALSE_WORDS,
    HEADER_INDEX,
    HEADERS,
    ISO_DATE,
    KINDS,
    MAX_FILE_BYTES,
    MAX_ROWS,
    RULE_FIELDS,
    STANDARD_KEY,
    TRUE_WORDS,
    LimitFileError,
    LimitRow,
    LimitTable,
    Problem,
    StoredVersion,
    Version,
)
from labdesk.core.plan_rows import plan_records

# ---------------------------------------------------------------------------------------
# Reading


def read_limit_table(
    path: Path | str,
    tree: FoodTree,
    stored: Iterable[StoredVersion] = (),
    *,
    max_bytes: int = MAX_FILE_BYTES,
) -> LimitTable:
    """Read and validate a limit file (.csv / .xlsx) against the classification."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise LimitFileError(path, [Problem(0, "", "file", "file not found")]) from None
    except OSError as exc:
        raise LimitFileError(path, [Problem(0, "", "file", f"cannot read: {exc}")]) from None
    if size > max_bytes:
        raise LimitFileError(
            path,
            [
                Problem(
                    0,
                    "",
                    "max_size",
                    f"the file is {size:,} bytes; limit files above {max_bytes:,} bytes are "
                    "refused (split it by standard)",
                )
            ],
        )
    suffix = path.suffix.lower()
    # GB 29921 prints plans as n / c / m / M columns: folded into one 指标 cell first.
    if suffix == ".csv":
        return _validate(path, plan_records(_csv_rows(path)), tree, stored)
    if suffix in (".xlsx", ".xlsm"):
        return _validate(path, plan_records(_xlsx_rows(path)), tree, stored)
    raise LimitFileError(
        path, [Problem(0, "", "file_type", f"unsupported file type {suffix!r}; use .csv or .xlsx")]
    )


def _csv_rows(path: Path) -> Iterator[list[str]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            yield from csv.reader(handle)
    except UnicodeDecodeError as exc:
        raise LimitFileError(
            path,
            [Problem(0, "", "encoding", f"not UTF-8 (byte {exc.start}); save as UTF-8 CSV")],
        ) from None
    except csv.Error as exc:
        raise LimitFileError(path, [Problem(0, "", "csv", f"not a readable CSV: {exc}")]) from None


def _xlsx_rows(path: Path) -> Iterator[list[str]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile, InvalidFileException) as exc:
        raise LimitFileError(
            path, [Problem(0, "", "xlsx", f"not a readable .xlsx workbook: {exc}")]
        ) from None
    try:
        sheet = book.worksheets[0]
        for record in sheet.iter_rows(values_only=True):
            yield [_cell_text(v) for v in record]
    finally:
        book.close()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()[:10]
    if isinstance(value, float):
        # A number Excel stored as a number: its shortest repr is what was typed, minus
        # trailing zeros (docs/standards-library.md: format limit columns as text).
        text = repr(value)
        return text[:-2] if text.endswith(".0") else text
    return str(value)


def _header_key(text: str) -> tuple[str, str]:
    """(canonical field or '', unit from the header's brackets)."""
    norm = re.sub(r"\s", "", unicodedata.normalize("NFKC", text)).lstrip("\ufeff")
    unit = ""
    groups = re.findall(r"\(([^()]*)\)", norm)
    base = re.sub(r"/?\([^()]*\)", "", norm).rstrip("/")
    for group in groups:
        if "/" in group or re.fullmatch(r"[μµu]?g|mg|kg|%|CFU.*|MPN.*", group):
            unit = group
    name = HEADER_INDEX.get(base.casefold(), "")
    if not name:
        name = HEADER_INDEX.get(norm.casefold(), "")
    return name, unit


def _parse_date(text: str) -> date:
    match = ISO_DATE.match(text)
    if not match:
        raise ValueError(f"{text!r} is not a date written YYYY-MM-DD")
    try:
        return date(*(int(g) for g in match.groups()))
    except ValueError:
        raise ValueError(f"{text!r} is not a real date") from None


def _split_key(text: str) -> tuple[str, str] | None:
    match = STANDARD_KEY.match(" ".join(unicodedata.normalize("NFKC", text).split()))
    if not match:
        return None
    return match.group(1).strip(), match.group(2)


def _raw(record: Sequence[str], index: int) -> str:
    return record[index].strip() if index < len(record) else ""


def _overlap(a: tuple[date | None, date | None], b: tuple[date | None, date | None]) -> bool:
    a0, a1 = a[0] or date.min, a[1] or date.max
    b0, b1 = b[0] or date.min, b[1] or date.max
    return a0 < b1 and b0 < a1


def _validate(
    path: Path, records: Iterator[list[str]], tree: FoodTree, stored: Iterable[StoredVersion]
) -> LimitTable:
    problems: list[Problem] = []
    header = next(records, None)
    if header is None or not any(c.strip() for c in header):
        raise LimitFileError(
            path, [Problem(1, "", "header", "the first row must be the column headers")]
        )
    position: dict[str, int] = {}
    header_units: dict[str, str] = {}
    for index, title in enumerate(header):
        if not title.strip():
            continue
        name, unit = _header_key(title)
        if not name:
            problems.append(
                Problem(1, title.strip(), "unknown_column", "unknown column (see HEADERS)")
            )
            continue
        if name in position:
            problems.append(Problem(1, title.strip(), "duplicate_column", "column appears twice"))
            continue
        position[name] = index
        if unit:
            header_units[name] = unit
    if "max" in position and "limit" in position:
        problems.append(
            Problem(
                1, "", "limit_column", "give either an MRL/限量 column or a 指标 column, not both"
            )
        )
    for required in ("standard", "item"):
        if required not in position:
            problems.append(Problem(1, HEADERS[required][0], "required", "required column missing"))
    if "food_class" not in position and "class_code" not in position:
        problems.append(Problem(1, "食品类别", "required", "required column missing"))
    if "max" not in position and "limit" not in position:
        problems.append(Problem(1, "最大残留限量 / 限量 / 指标", "required", "no limit column"))
    if problems:
        raise LimitFileError(path, problems)
    titles = {name: header[i].strip() for name, i in position.items()}
    limit_field = "max" if "max" in position else "limit"

    versions: dict[str, Version] = {}
    version_row: dict[str, int] = {}
    rows: list[LimitRow] = []
    seen: dict[tuple[str, str, str, str], int] = {}
    row_no = 1
    # Printed tables repeat their cells (the same class on hundreds of rows, the same
    # few MRLs, the standard on every row): each distinct cell is read once.
    Found = list[tuple[str, str, str]]
    version_memo: dict[tuple[str, ...], tuple[Version | None, str, bool, Found]] = {}
    class_memo: dict[
        tuple[str, str], tuple[tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...]], Found]
    ] = {}
    limit_memo: dict[str, tuple[str, str, Found]] = {}
    version_fields = [
        n
        for n in ("title", "effective_from", "abolished_from", "kind", "replaces", "sample_data")
        if n in position
    ]
    limit_title = titles.get("limit", "")
    default_unit = header_units.get(limit_field, "")
    plain_units: set[str] = set()

    # the columns read on every row, by position (-1: not in the file)
    blank = len(header)  # a padded empty cell stands for a column the file lacks

    def at(name: str) -> int:
        return position.get(name, blank)

    i_standard, i_item, i_table = at("standard"), at("item"), at("table")
    i_class, i_code, i_limit = at("food_class"), at("class_code"), at(limit_field)
    i_unit, i_item_code, i_grade = at("unit"), at("item_code"), at("grade")
    i_item_en, i_method, i_note, i_source = (
        at("item_en"),
        at("test_method"),
        at("note"),
        at("source"),
    )
    rule_index = [position.get(n, blank) for n in RULE_FIELDS]
    has_rules = any(n in position for n in RULE_FIELDS)
    rule_memo: dict[tuple[str, ...], tuple[tuple[str | None, str, bool], Found]] = {}
    # the rule each (version, item, class node) was given first, and on which row
    item_rules: dict[tuple[str, str, str], tuple[tuple[str | None, str, bool], int]] = {}
    version_index = [(n, position[n]) for n in version_fields]
    carried_version: dict[str, str] = {}
    carried_item = carried_table = carried_standard = ""

    def bad(found: Found, row_no: int) -> None:
        for column, rule, message in found:
            problems.append(Problem(row_no, titles.get(column, column), rule, message))

    for record in records:
        row_no += 1
        if row_no > MAX_ROWS + 1:
            problems.append(
                Problem(row_no, "", "max_rows", f"more than {MAX_ROWS:,} rows; split the file")
            )
            break
        # every cell is read stripped: all of a row's at once (in C), each once
        r = list(map(str.strip, record))
        if not any(r):
            continue
        if len(r) <= blank:
            r += [""] * (blank + 1 - len(r))

        # merged cells come out blank: the standard's columns, the table and the item
        # carry down until the standard changes
        standard = r[i_standard]
        if standard and standard != carried_standard:
            carried_standard, carried_version = standard, {}
            carried_item = carried_table = ""
        elif not standard:
            standard = carried_standard
        declared = []
        for name, index in version_index:
            value = r[index]
            if value and name in CARRY_DOWN:
                carried_version[name] = value
            elif not value and name in CARRY_DOWN:
                value = carried_version.get(name, "")
            declared.append(value)
        item_name = r[i_item] or carried_item
        carried_item = item_name
        table_ref = r[i_table] or carried_table
        carried_table = table_ref
        found: Found = []

        # -- the standard version (read once per distinct declaration)
        version_key = (standard, *declared)
        memo = version_memo.get(version_key)
        if memo is None:
            cells: dict[str, str] = dict(zip(version_fields, declared, strict=True))
            cells["standard"] = standard
            version, sample, version_found = _read_version(cells)
            memo = version_memo[version_key] = (
                version,
                version.key if version is not None else "",
                sample,
                version_found,
            )
        version, key, sample, version_found = memo
        if version_found:
            found.extend(version_found)
        if version is None:
            bad(found, row_no)
            continue

        # -- the item and the class
        if not item_name:
            found.append(("item", "required", "the item is empty"))
        class_key = (r[i_code], r[i_class])
        class_hit = class_memo.get(class_key)
        if class_hit is None:
            class_hit = class_memo[class_key] = _read_class(tree, *class_key)
        (class_name, excluded, class_codes, excluded_codes), class_found = class_hit
        if class_found:
            found.extend(class_found)

        # -- the limit
        limit_cell = r[i_limit]
        limit_hit = limit_memo.get(limit_cell)
        if limit_hit is None:
            limit_hit = limit_memo[limit_cell] = _read_limit(limit_cell, limit_field, limit_title)
        limit_text, mark, limit_found = limit_hit
        if limit_found:
            found.extend(limit_found)
        unit = r[i_unit] or default_unit
        if unit and unit not in plain_units:
            if any(m in unit for m in MARKS):
                found.append(("unit", "unit", f"{unit!r}: a mark is not a unit"))
            else:
                plain_units.add(unit)

        item_code = r[i_item_code] or item_name
        grade = r[i_grade]
        rule: tuple[str | None, str, bool] = (None, "", False)
        if has_rules and not limit_found:
            cells_key = (limit_text, unit, *(r[i] for i in rule_index))
            rule_hit = rule_memo.get(cells_key)
            if rule_hit is None:
                rule_hit = rule_memo[cells_key] = read_rule_cells(*cells_key)
            rule, rule_found = rule_hit
            if rule_found:
                found.extend(rule_found)
            elif rule != (None, "", False):
                # Rows for other classes may state another rule (a class rule, issue
                # 15.2); two rows for one class (graded rows) must agree.
                for class_code in class_codes:
                    stated = item_rules.get((key, item_code, class_code))
                    if stated is None:
                        item_rules[(key, item_code, class_code)] = (rule, row_no)
                    elif stated[0] != rule:
                        found.append(
                            (
                                "factor",
                                "rule_agrees",
                                f"{item_name}: the rule differs from row {stated[1]} for the "
                                "same food class: one rule (factor, rounding, screening) per "
                                "item and class in a version",
                            )
                        )
                        break
        if not found:
            known = versions.get(key)
            if known is None:
                versions[key] = version
                version_row[key] = row_no
            elif known is not version and known != version:
                for name in ("title", "effective_from", "abolished_from", "kind", "replaces"):
                    if getattr(known, name) != getattr(version, name):
                        found.append(
                            (
                                name,
                                "version_agrees",
                                f"differs from row {version_row[key]} for {key}",
                            )
                        )
            for code in class_codes:
                dup = (key, code, item_code, grade)
                first = seen.get(dup)
                if first is not None:
                    found.append(
                        (
                            "food_class",
                            "duplicate_row",
                            f"{key} already has a row for {item_name} in {tree.get(code).name} "
                            f"(row {first}): one row per class and item in a version",
                        )
                    )
                else:
                    seen[dup] = row_no
        if found:
            bad(found, row_no)
            continue
        rows.append(
            LimitRow(
                row_no,
                key,
                table_ref,
                item_code,
                item_name,
                r[i_item_en],
                class_name,
                excluded,
                class_codes,
                excluded_codes,
                limit_text,
                unit,
                mark,
                grade,
                r[i_method],
                r[i_note],
                r[i_source],
                sample,
                *rule,
            )
        )
    if not rows and not problems:
        problems.append(Problem(0, "", "empty", "the file has no limit rows"))
    versions = _close_replaced(versions)
    problems.extend(version_problems(versions, version_row, stored))
    if problems:
        raise LimitFileError(path, problems)
    # the row fields read only from a column the file lacks (a blank cell: always "")
    unset = frozenset(
        row_field
        for row_field, column in _COLUMN_ONLY_FIELDS.items()
        if column not in position and not (row_field == "unit" and default_unit)
    )
    return LimitTable(path, versions, rows, unset)


# LimitRow fields taken from one column's cell and nothing else (the unit also from the
# limit column's header), by that column.
_COLUMN_ONLY_FIELDS = {
    "table": "table",
    "item_en": "item_en",
    "unit": "unit",
    "grade": "grade",
    "test_method": "test_method",
    "note": "note",
    "source": "source",
}


def _read_version(
    cells: Mapping[str, str],
) -> tuple[Version | None, bool, list[tuple[str, str, str]]]:
    """The version a row declares (None when its standard cell does not read)."""
    found: list[tuple[str, str, str]] = []
    key_parts = _split_key(cells["standard"])
    if key_parts is None:
        found.append(
            (
                "standard",
                "standard_key",
                f"{cells['standard']!r} is not a standard with its year (e.g. GB 2763-2021)",
            )
        )
        return None, False, found
    number, year = key_parts
    dates: dict[str, date | None] = {}
    for name in ("effective_from", "abolished_from"):
        text = cells.get(name, "")
        try:
            dates[name] = _parse_date(text) if text else None
        except ValueError as exc:
            found.append((name, "date", str(exc)))
            dates[name] = None
    kind = cells.get("kind", "") or standard_kind(number)
    if kind not in KINDS:
        found.append(("kind", "kind", f"{kind!r} is not one of {', '.join(KINDS)}"))
    replaces: list[str] = []
    for part in re.split(r"[、,;；]", cells.get("replaces", "")):
        if not part.strip():
            continue
        parts = _split_key(part)
        if parts is None:
            found.append(
                ("replaces", "standard_key", f"{part.strip()!r} is not a standard with its year")
            )
        else:
            replaces.append(f"{parts[0]}-{parts[1]}")
    version = Version(
        number=number,
        year=year,
        title=cells.get("title", ""),
        kind=kind,
        effective_from=dates["effective_from"],
        abolished_from=dates["abolished_from"],
        replaces=tuple(replaces),
    )
    if (
        version.effective_from
        and version.abolished_from
        and version.abolished_from <= version.effective_from
    ):
        found.append(("abolished_from", "date_order", "废止日期 must be after 实施日期"))
    flag = cells.get("sample_data", "").lower()
    if flag not in TRUE_WORDS | FALSE_WORDS:
        found.append(
            ("sample_data", "boolean", f"{cells['sample_data']!r} is not true/false (是/否)")
        )
    return version, flag in TRUE_WORDS, found


def _read_class(
    tree: FoodTree, code_given: str, class_cell: str
) -> tuple[
    tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...]], list[tuple[str, str, str]]
]:
    """(class name, exclusions, class codes, excluded codes) of a row's class cells."""
    found: list[tuple[str, str, str]] = []
    class_codes: tuple[str, ...] = ()
    class_name = ""
    excluded: tuple[str, ...] = ()
    excluded_codes: list[str] = []
    if code_given:
        if code_given not in tree:
            found.append(
                (
                    "class_code",
                    "class_exists",
                    f"food class code {code_given} does not exist in the classification",
                )
            )
        else:
            class_codes = (code_given,)
            class_name = tree.get(code_given).name
    if class_cell:
        try:
            name_cell, excluded = split_exclusions(class_cell)
        except CellError as exc:
            found.append(("food_class", "class_cell", str(exc)))
        else:
            if not class_codes:
                class_name = name_cell
                class_codes = tuple(tree.resolve(name_cell))
                if not class_codes:
                    found.append(
                        (
                            "food_class",
                            "unknown_class",
                            f"unknown food class {name_cell!r}: not a class or alias of the "
                            "classification (add it to the classification first)",
                        )
                    )
            for name in excluded:
                hits = tree.resolve(name)
                if not hits:
                    found.append(
                        (
                            "food_class",
                            "unknown_class",
                            f"unknown food class {name!r} in the exclusions (…除外)",
                        )
                    )
                excluded_codes.extend(hits)
    elif not code_given:
        found.append(("food_class", "required", "the food class is empty"))
    return (class_name, excluded, class_codes, tuple(excluded_codes)), found


def _read_limit(
    cell: str, limit_field: str, title: str
) -> tuple[str, str, list[tuple[str, str, str]]]:
    try:
        if limit_field == "max":
            limit, mark = parse_max_cell(cell)
            return limit, mark, []
        return parse_explicit_cell(cell, title), "", []
    except CellError as exc:
        rule = "bare_number" if "bare number" in str(exc) else "limit"
        return "", "", [(limit_field, rule, str(exc))]


def _close_replaced(versions: dict[str, Version]) -> dict[str, Version]:
    """A version named in another's 代替标准 ends on that one's 实施日期 (if open-ended)."""
    closed = dict(versions)
    for v in versions.values():
        for key in v.replaces:
            old = closed.get(key)
            if old is not None and old.abolished_from is None and v.effective_from is not None:
                closed[key] = dataclasses.replace(old, abolished_from=v.effective_from)
    return closed


def version_problems(
    versions: Mapping[str, Version], first_row: Mapping[str, int], stored: Iterable[StoredVersion]
) -> list[Problem]:
    """Versions of one standard number may not be in force at the same time."""
    problems: list[Problem] = []
    replaced = {key for v in versions.values() for key in v.replaces}
    entries: list[tuple[str, str, tuple[date | None, date | None], int]] = []
    for key, v in versions.items():
        entries.append((v.number, key, (v.effective_from, v.abolished_from), first_row[key]))
    for old in stored:
        if old.key in versions:
            continue  # re-imported: the file's declaration replaces it
        end = old.abolished_from
        if old.key in replaced:
            # closed by the new version's 实施日期 (done on import)
            new = next(v for v in versions.values() if old.key in v.replaces)
            end = new.effective_from
        entries.append((old.number, old.key, (old.effective_from, end), 0))
    for index, (number, key, when, row) in enumerate(entries):
        for number_b, key_b, when_b, row_b in entries[index + 1 :]:
            if number == number_b and _overlap(when, when_b):
                where = row or row_b
                problems.append(
                    Problem(
                        where,
                        "实施日期",
                        "version_overlap",
                        f"{key} and {key_b} would both be in force at the same time: give the "
                        f"older one a 废止日期, or name it in 代替标准",
                    )
                )
    for v in versions.values():
        for key in v.replaces:
            if v.effective_from is None:
                problems.append(
                    Problem(
                        first_row[v.key],
                        "代替标准",
                        "replaces_date",
                        f"{v.key} replaces {key} but has no 实施日期 to replace it from",
                    )
                )
    return problems
