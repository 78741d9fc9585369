"""Read and write the standards library as one flat table (CSV or Excel .xlsx).

One row per test item; the standard and category columns repeat on every row of that
standard version / category. The layout is documented in docs/standards-library.md.

Every cell is read as text: CSV through the `csv` module, Excel through pandas with
``dtype=str`` so that a limit of "0.50" is never turned into the float 0.5 (a cell the
author stored as a *number* in Excel has already lost its trailing zero; the docs say to
format those columns as text). A bad file raises `LibraryFileError` listing every problem
with the row number as Excel shows it (the header is row 1) and the column name.
"""

from __future__ import annotations

import csv
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from labdesk.core.cells import append_xlsx_row, csv_row, formula_cells, restore
from labdesk.core.errors import ValidationError
from labdesk.core.limit_rules import read_rule_cells
from labdesk.core.standards import (
    METHODS,
    LibraryError,
    ProductCategory,
    Standard,
    StandardsLibrary,
    TestItemDef,
    check_decimals,
    check_interval,
    check_limit,
    check_plain_decimal,
)

COLUMNS = (
    "standard_number",
    "standard_year",
    "standard_title",
    "effective_from",
    "abolished_from",
    "sample_data",
    "category_code",
    "category_name_zh",
    "category_name_en",
    "item_code",
    "item_name_zh",
    "item_name_en",
    "unit",
    "limit",
    "method",
    "interval",
    "decimals",
    "lod",
    "loq",
    "test_method",
    "note",
)
"""Column order written by `write_library_csv` / `write_library_excel`."""
RULE_COLUMNS = ("factor", "rounding", "screening")
"""The item's rule (issue 14): optional on reading, written after `COLUMNS` when some
item states one."""
_KNOWN = frozenset(COLUMNS + RULE_COLUMNS)

REQUIRED_COLUMNS = (
    "standard_number",
    "standard_year",
    "category_code",
    "category_name_zh",
    "item_code",
    "item_name_zh",
    "limit",
    "method",
)
"""Columns a file must have; the others may be left out (read as empty)."""

_TRUE = {"true", "yes", "y", "1", "是"}
_FALSE = {"false", "no", "n", "0", "否", ""}
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00:00)?$")

# Problem fields from `standards` → the file column the user should look at.
_FIELD_COLUMN = {
    "category": "category_code",
    "code": "item_code",
    "name_zh": "item_name_zh",
    "standard": "standard_number",
    "effective_from": "effective_from",
    "abolished_from": "abolished_from",
    "category_code": "category_code",
    "category_standard": "standard_number",
}


@dataclass(frozen=True)
class FileProblem:
    """One problem in a library file: `row` as Excel numbers it (header = 1; 0 = whole file)."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}" if self.row else "file"
        return f"{where}, {self.column or '-'}: {self.message}"


class LibraryFileError(ValidationError):
    """A library file could not be loaded; `problems` lists every problem found."""

    def __init__(self, path: Path | str, problems: Sequence[FileProblem]) -> None:
        self.path = Path(path)
        self.problems: tuple[FileProblem, ...] = tuple(problems)
        lines = "\n".join(f"  {p}" for p in self.problems)
        count = len(self.problems)
        message = f"{self.path.name}: {count} problem{'s' if count != 1 else ''}\n{lines}"
        first = self.problems[0].column if self.problems else "file"
        super().__init__(first or "file", "standards library file", message)


# ---------------------------------------------------------------------------------------
# Reading


# Bounds checked before a file is read whole (issue 21.7). Measured (docs/robustness.md):
# a 20,000-item CSV (4.4 MB) imports in 2.2 s at 114 MB peak; at these bounds an import,
# replacing an equally large library, stays under 200 MB. A real library (GB 2763 with
# its companions) is a few thousand rows. An .xlsx is compressed, hence its lower bound.
MAX_LIBRARY_CSV_BYTES = 8 * 1024 * 1024
MAX_LIBRARY_XLSX_BYTES = 5 * 512 * 1024  # 2.5 MB
MAX_LIBRARY_ROWS = 25_000


def _check_size(path: Path, limit: int) -> None:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise LibraryFileError(path, [FileProblem(0, "", "file not found")]) from None
    except OSError as exc:
        raise LibraryFileError(path, [FileProblem(0, "", f"cannot read the file: {exc}")]) from None
    if size > limit:
        raise LibraryFileError(
            path,
            [
                FileProblem(
                    0,
                    "",
                    f"the file is {size / 1048576:.1f} MB, above the {limit / 1048576:g} MB a "
                    f"library file may have (at most {MAX_LIBRARY_ROWS:,} items): split it",
                )
            ],
        )


def load_library(path: Path | str) -> StandardsLibrary:
    """Load a `.csv` or `.xlsx` library file (chosen by extension)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return load_library_csv(path)
    if suffix in {".xlsx", ".xlsm"}:
        return load_library_excel(path)
    raise LibraryFileError(
        path, [FileProblem(0, "", f"unsupported file type {suffix!r}; use .csv or .xlsx")]
    )


def load_library_csv(path: Path | str) -> StandardsLibrary:
    """Load a UTF-8 CSV (with or without BOM)."""
    path = Path(path)
    _check_size(path, MAX_LIBRARY_CSV_BYTES)
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = []
            for record in csv.reader(handle):
                rows.append(record)
                if len(rows) > MAX_LIBRARY_ROWS + 1:
                    raise LibraryFileError(
                        path,
                        [FileProblem(0, "", f"more than {MAX_LIBRARY_ROWS:,} items: split it")],
                    )
    except UnicodeDecodeError as exc:
        raise LibraryFileError(
            path,
            [FileProblem(0, "", f"not UTF-8 text (byte {exc.start}); save the file as UTF-8 CSV")],
        ) from None
    except FileNotFoundError:
        raise LibraryFileError(path, [FileProblem(0, "", "file not found")]) from None
    except OSError as exc:
        raise LibraryFileError(path, [FileProblem(0, "", f"cannot read the file: {exc}")]) from None
    except csv.Error as exc:
        raise LibraryFileError(
            path, [FileProblem(0, "", f"not a readable CSV file: {exc}")]
        ) from None
    return _from_rows(path, [[restore(cell) for cell in record] for record in rows])


def load_library_excel(path: Path | str) -> StandardsLibrary:
    """Load the first sheet of an .xlsx workbook, every cell as text."""
    import pandas as pd  # heavy; only needed for Excel
    from openpyxl.utils.exceptions import InvalidFileException

    path = Path(path)
    _check_size(path, MAX_LIBRARY_XLSX_BYTES)
    try:
        frame = pd.read_excel(
            path,
            sheet_name=0,
            header=None,
            nrows=MAX_LIBRARY_ROWS + 2,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            engine="openpyxl",
        )
    except FileNotFoundError:
        raise LibraryFileError(path, [FileProblem(0, "", "file not found")]) from None
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, InvalidFileException) as exc:
        # a damaged or foreign workbook: zipfile and openpyxl raise these
        raise LibraryFileError(
            path, [FileProblem(0, "", f"not a readable .xlsx workbook: {exc}")]
        ) from None
    formulas = formula_cells(path)
    if formulas:
        # A formula's value is whatever Excel last computed (or nothing), not what was typed.
        raise LibraryFileError(
            path,
            [FileProblem(0, ref, "a formula cell; type the value itself") for ref in formulas],
        )
    if len(frame) > MAX_LIBRARY_ROWS + 1:
        raise LibraryFileError(
            path, [FileProblem(0, "", f"more than {MAX_LIBRARY_ROWS:,} items: split it")]
        )
    rows = [
        ["" if _missing(cell) else restore(str(cell)) for cell in record]
        for record in frame.itertuples(index=False)
    ]
    return _from_rows(path, rows)


def _missing(cell: object) -> bool:
    return cell is None or (isinstance(cell, float) and cell != cell)


def _parse_date(text: str) -> date | None:
    match = _ISO_DATE.match(text)
    if not match:
        raise ValueError(f"{text!r} is not a date written YYYY-MM-DD")
    year, month, day = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"{text!r} is not a real date") from None


def _from_rows(path: Path, rows: list[list[str]]) -> StandardsLibrary:
    problems: list[FileProblem] = []
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise LibraryFileError(path, [FileProblem(1, "", "the first row must be the column names")])
    header = [cell.strip().lstrip("\ufeff") for cell in rows[0]]
    position: dict[str, int] = {}
    for index, name in enumerate(header):
        if not name:
            continue
        if name in position:
            problems.append(FileProblem(1, name, "column appears twice"))
        elif name not in _KNOWN:
            listed = ", ".join(COLUMNS + RULE_COLUMNS)
            problems.append(FileProblem(1, name, f"unknown column (known: {listed})"))
        position.setdefault(name, index)
    for name in REQUIRED_COLUMNS:
        if name not in position:
            problems.append(FileProblem(1, name, "required column is missing"))
    if problems:
        raise LibraryFileError(path, problems)

    standards: dict[str, Standard] = {}
    standard_row: dict[str, int] = {}
    categories: dict[str, ProductCategory] = {}
    category_row: dict[str, int] = {}
    items: list[TestItemDef] = []
    item_rows: list[int] = []
    seen_items: dict[tuple[str, str, str], int] = {}

    for offset, record in enumerate(rows[1:]):
        row_no = offset + 2
        if not any(cell.strip() for cell in record):
            continue  # blank line

        def cell(name: str, record: list[str] = record) -> str:
            index = position.get(name)
            if index is None or index >= len(record):
                return ""
            return record[index].strip()

        before = len(problems)

        def bad(column: str, message: str, row_no: int = row_no) -> None:
            problems.append(FileProblem(row_no, column, message))

        for name in REQUIRED_COLUMNS:
            if not cell(name):
                bad(name, "must not be empty")

        # -- the standard version on this row
        dates: dict[str, date | None] = {}
        for name in ("effective_from", "abolished_from"):
            text = cell(name)
            try:
                dates[name] = _parse_date(text) if text else None
            except ValueError as exc:
                bad(name, str(exc))
                dates[name] = None
        flag = cell("sample_data").lower()
        if flag not in _TRUE | _FALSE:
            bad("sample_data", f"{cell('sample_data')!r} is not true/false")
        year = cell("standard_year")
        if year and not re.fullmatch(r"\d{4}", year):
            bad("standard_year", f"{year!r} is not a four-digit year")
        std = Standard(
            number=cell("standard_number"),
            year=year,
            title=cell("standard_title"),
            effective_from=dates["effective_from"],
            abolished_from=dates["abolished_from"],
            sample_data=flag in _TRUE,
        )
        if (
            std.effective_from is not None
            and std.abolished_from is not None
            and std.abolished_from <= std.effective_from
        ):
            bad("abolished_from", "abolished_from must be after effective_from")

        # -- the item's own cells
        limit = cell("limit")
        if limit:
            message = check_limit(limit)
            if message:
                bad("limit", message)
        method = cell("method")
        if method and method not in METHODS:
            bad("method", f"{method!r} is not one of: {', '.join(METHODS)}")
        interval = cell("interval") or None
        if interval is not None and (message := check_interval(interval)):
            bad("interval", message)
        decimals_text = cell("decimals")
        if decimals_text and (message := check_decimals(decimals_text)):
            bad("decimals", message)
        for name in ("lod", "loq"):
            text = cell(name)
            if text and (message := check_plain_decimal(text)):
                bad(name, message)

        if len(problems) > before:
            continue  # a broken row is not compared with the others

        if std.key in standards:
            known = standards[std.key]
            for name, attr in (
                ("standard_title", "title"),
                ("effective_from", "effective_from"),
                ("abolished_from", "abolished_from"),
                ("sample_data", "sample_data"),
            ):
                if getattr(known, attr) != getattr(std, attr):
                    bad(
                        name,
                        f"differs from row {standard_row[std.key]} for {std.key} "
                        f"({getattr(known, attr)!r} there, {getattr(std, attr)!r} here)",
                    )
        else:
            standards[std.key] = std
            standard_row[std.key] = row_no

        code = cell("category_code")
        category = ProductCategory(
            code=code,
            name_zh=cell("category_name_zh"),
            name_en=cell("category_name_en"),
            standard=std.number,
        )
        if code in categories:
            known_cat = categories[code]
            for name, attr in (("category_name_zh", "name_zh"), ("category_name_en", "name_en")):
                if getattr(known_cat, attr) != getattr(category, attr):
                    bad(
                        name,
                        f"differs from row {category_row[code]} for category {code} "
                        f"({getattr(known_cat, attr)!r} there, {getattr(category, attr)!r} here)",
                    )
        else:
            categories[code] = category
            category_row[code] = row_no

        item_code = cell("item_code")
        triple = (code, std.key, item_code)
        if triple in seen_items:
            bad(
                "item_code",
                f"item code {item_code} already used in category {code} under {std.key} "
                f"(row {seen_items[triple]})",
            )
            continue
        seen_items[triple] = row_no
        if len(problems) > before:
            continue
        rule, rule_found = read_rule_cells(
            limit, cell("unit"), cell("factor"), cell("rounding"), cell("screening")
        )
        for column, _rule, message in rule_found:
            bad(column, message)
        if rule_found:
            continue
        items.append(
            TestItemDef(
                category=code,
                code=item_code,
                name_zh=cell("item_name_zh"),
                name_en=cell("item_name_en"),
                unit=cell("unit"),
                limit=limit,
                method=method,
                interval=interval,
                decimals=int(decimals_text) if decimals_text else None,
                lod=cell("lod") or None,
                loq=cell("loq") or None,
                test_method=cell("test_method"),
                standard=std.key,
                note=cell("note"),
                factor=rule[0],
                rounding=rule[1] or "gb8170",
                screening=rule[2],
            )
        )
        item_rows.append(row_no)

    if not item_rows and not problems:
        problems.append(FileProblem(0, "", "the file has no test items"))
    if problems:
        raise LibraryFileError(path, problems)
    try:
        return StandardsLibrary(standards.values(), categories.values(), items)
    except LibraryError as exc:
        mapped = [
            FileProblem(
                item_rows[p.index] if p.index is not None else 0,
                _FIELD_COLUMN.get(p.field, p.field),
                p.message,
            )
            for p in exc.problems
        ]
        raise LibraryFileError(path, mapped) from None


# ---------------------------------------------------------------------------------------
# Writing


def library_rows(library: StandardsLibrary) -> list[list[str]]:
    """The flat table for `library`, header first, every cell as text."""
    # The rule columns only when some item states a rule: a library without any keeps
    # the file it was read from, byte for byte.
    ruled = any(
        i.factor is not None or i.rounding != "gb8170" or i.screening for i in library.items
    )
    columns = COLUMNS + RULE_COLUMNS if ruled else COLUMNS
    table = [list(columns)]
    cats = {c.code: c for c in library.categories}
    for item in library.items:
        std = library.standard(item.standard)
        cat = cats[item.category]
        values = {
            "standard_number": std.number,
            "standard_year": std.year,
            "standard_title": std.title,
            "effective_from": std.effective_from.isoformat() if std.effective_from else "",
            "abolished_from": std.abolished_from.isoformat() if std.abolished_from else "",
            "sample_data": "true" if std.sample_data else "false",
            "category_code": cat.code,
            "category_name_zh": cat.name_zh,
            "category_name_en": cat.name_en,
            "item_code": item.code,
            "item_name_zh": item.name_zh,
            "item_name_en": item.name_en,
            "unit": item.unit,
            "limit": item.limit,
            "method": item.method,
            "interval": item.interval or "",
            "decimals": "" if item.decimals is None else str(item.decimals),
            "lod": item.lod or "",
            "loq": item.loq or "",
            "test_method": item.test_method,
            "note": item.note,
            "factor": item.factor or "",
            "rounding": "" if item.rounding == "gb8170" else item.rounding,
            "screening": "true" if item.screening else "",
        }
        table.append([values[name] for name in columns])
    return table


def write_library_csv(library: StandardsLibrary, path: Path | str) -> None:
    """Write UTF-8 CSV with a BOM (so Excel on Windows opens the Chinese text correctly)."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerows(csv_row(row) for row in library_rows(library))
    tmp.replace(path)


def write_library_excel(library: StandardsLibrary, path: Path | str) -> None:
    """Write an .xlsx with every cell stored as a string cell in the text format "@", so
    "0.50" stays "0.50" and no text is ever a formula (`core.cells`)."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    path = Path(path)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "library"
    for row in library_rows(library):
        append_xlsx_row(sheet, row, text_format=True)
    for index, name in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, len(name) + 2)
    sheet.freeze_panes = "A2"
    tmp = path.with_name(path.name + ".tmp")
    book.save(tmp)
    tmp.replace(path)


def sample_library_path() -> Path:
    from labdesk.paths import resources_dir

    return resources_dir() / "standards" / "sample-library.csv"


def load_sample_library() -> StandardsLibrary:
    """The shipped demonstration library (every standard flagged sample_data)."""
    return load_library_csv(sample_library_path())
