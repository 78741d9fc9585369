"""What a result file really is, before any of it is read as a table (Qt-free).

`services.excel_import.read_table` asks here first, so a bad file is refused with a clear
message before it is parsed (and nothing is written, since nothing has been read yet):

- `inspect_file(path)`: the file exists, is not empty and is at most `MAX_FILE_BYTES`
  (checked from its size, before reading it); its SHA-256 (streamed) for the audit; what
  its first bytes say it is — an .xlsx (a ZIP), an .xls (an OLE2 compound file) or text.
  A file whose content contradicts its name (instruments write tab-separated text named
  .xls) is read by its content, and the table says so.
- `decode_text(raw)`: the text encoding of a CSV detected, never guessed silently: a BOM
  (UTF-8, UTF-16, UTF-32 — Excel's "Unicode text" is UTF-16), else strict UTF-8, else GBK,
  else GB18030 (what Excel on Chinese Windows writes); the name of the encoding read goes
  into the preview and the audit. Bytes none of them read, or NUL bytes, make a file
  "not text".
- `refuse_one_column(name, columns)`: a sheet of one column is no table to import (a CSV
  split by a separator it does not use reads as one column; no mapping can work).
- A CSV whose rows do not split into the header's columns (a decimal comma, a stray
  separator, a quote never closed) is refused naming the row (`NotATable.row`), never
  with the parser's own trace.
- `read_xls(path)`: the first sheet of a legacy .xls through xlrd, every cell as text,
  with its formula cells (xlrd reads only cached values, so the sheet's BIFF records are
  scanned for FORMULA records) and merged ranges, which the import refuses.
- `xlsx_merged_ranges(book, sheet)`: merged ranges of an .xlsx's first sheet, streamed
  from its XML (openpyxl's read-only mode does not expose them).
- `_read_xlsx`, `_read_xls`, `read_csv_bytes`: each kind of file as a header and text rows
  (`_cell_text` gives the text a cell shows), for `excel_import.read_table`.

Both imports read through here: the general result import (`services.result_import`) and
an analytical run's instrument file (`services.instrument_import`).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import struct
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from labdesk.core.errors import ValidationError

#: Largest result file read (bytes). Instrument exports are a few hundred KB; anything
#: above this is refused from its size alone, before a byte is read.
MAX_FILE_BYTES = 20 * 1024 * 1024
#: Largest number of data rows taken from one file.
MAX_ROWS = 100_000

FileKind = Literal["xlsx", "xls", "text"]
_ZIP = b"PK\x03\x04"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_CHUNK = 1 << 20
# Byte-order marks, longest first (a UTF-32 LE mark begins with UTF-16 LE's).
_BOMS = (
    (b"\xef\xbb\xbf", "utf-8", "UTF-8 (BOM)"),
    (b"\xff\xfe\x00\x00", "utf-32", "UTF-32"),
    (b"\x00\x00\xfe\xff", "utf-32", "UTF-32"),
    (b"\xff\xfe", "utf-16", "UTF-16"),
    (b"\xfe\xff", "utf-16", "UTF-16"),
)
_WIDE_BOMS = tuple(bom for bom, codec, _label in _BOMS if codec != "utf-8")


class NotATable(ValidationError):
    """A file that does not read as a table (field "file", rule "table"). `row` is the
    row it went wrong at as the user counts them (the header is row 1), when known."""

    def __init__(self, message: str, row: int | None = None) -> None:
        super().__init__("file", "table", message)
        self.row = row


@dataclass(frozen=True)
class FileFacts:
    """Size, SHA-256 and kind (by content) of a file about to be imported."""

    size: int
    sha256: str
    kind: FileKind


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def inspect_file(path: Path) -> FileFacts:
    """Refuses a missing, empty, too large or binary-but-not-Excel file; else its facts."""
    if not path.is_file():
        raise ValidationError("file", "exists", f"文件不存在: {path}")
    size = path.stat().st_size
    if size == 0:
        raise ValidationError("file", "not_empty", f"{path.name}: 文件为空 (the file is empty)")
    if size > MAX_FILE_BYTES:
        raise ValidationError(
            "file",
            "max_size",
            f"{path.name}: 文件 {_mb(size)}，超过结果文件上限 {_mb(MAX_FILE_BYTES)}；请按样品或批次"
            f"拆分后导入 (the file is {_mb(size)}, above the {_mb(MAX_FILE_BYTES)} limit)",
        )
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        head = handle.read(_CHUNK)
        digest.update(head)
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    kind: FileKind
    if head.startswith(_ZIP):
        kind = "xlsx"
    elif head.startswith(_OLE2):
        kind = "xls"
    elif b"\x00" in head and not head.startswith(_WIDE_BOMS):
        raise NotATable(
            f"{path.name}: 不是表格文件（既不是 Excel 工作簿也不是文本）"
            "(not a table: neither an Excel workbook nor text)"
        )
    else:
        kind = "text"
    return FileFacts(size, digest.hexdigest(), kind)


_ENCODINGS = (("utf-8", "UTF-8"), ("gbk", "GBK"), ("gb18030", "GB18030"))


def decode_text(raw: bytes, name: str) -> tuple[str, str]:
    """(text, the encoding it was read in). A BOM decides; else the first of strict UTF-8,
    GBK, GB18030 that reads every byte. Pure ASCII is reported as such."""
    for bom, codec, label in _BOMS:
        if raw.startswith(bom):
            # The utf-16 / utf-32 codecs read the mark to know the byte order.
            body = raw[len(bom) :] if codec == "utf-8" else raw
            return _decode(body, codec, name), label
    if raw.isascii():
        return raw.decode("ascii"), "ASCII"
    for codec, label in _ENCODINGS:
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text, label
    raise ValidationError(
        "file",
        "text_encoding",
        f"{name}: 无法识别的文本编码（不是 UTF-8、GBK 或 GB18030）"
        "(the text is not UTF-8, GBK or GB18030)",
    )


def _decode(raw: bytes, codec: str, name: str) -> str:
    try:
        return raw.decode(codec)
    except UnicodeDecodeError as exc:
        raise ValidationError(
            "file",
            "text_encoding",
            f"{name}: 第 {exc.start} 字节不是有效的 {codec.upper()} 文本 (not valid {codec} text)",
        ) from None


# -- .xlsx -------------------------------------------------------------------------------

_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)"')


def xlsx_merged_ranges(book: Any, sheet: Any, *, limit: int = 10) -> list[str]:
    """Merged ranges ("A1:B1") of an openpyxl read-only sheet, from its XML."""
    archive = getattr(book, "_archive", None)
    member = getattr(sheet, "_worksheet_path", None)
    if not isinstance(archive, zipfile.ZipFile) or not member:
        return []
    found: list[str] = []
    tail = b""
    with archive.open(member) as stream:
        while chunk := stream.read(_CHUNK):
            data = tail + chunk
            for match in _MERGE.finditer(data):
                ref = match.group(1).decode("ascii")
                if ref not in found:
                    found.append(ref)
                if len(found) >= limit:
                    return found
            tail = data[-200:]
    return found


# -- .xls --------------------------------------------------------------------------------

_FORMULA_RECORDS = frozenset({0x0006, 0x0206, 0x0406})
_BOF, _EOF = 0x0809, 0x000A


@dataclass(frozen=True)
class XlsSheet:
    rows: list[list[str]]
    formulas: int
    merged: list[str]


def _formula_records(book: Any, index: int) -> int:
    """FORMULA records in the BIFF substream of sheet `index` (xlrd keeps only values)."""
    mem = getattr(book, "mem", None)
    starts = getattr(book, "_sh_abs_posn", None)
    if mem is None or not starts:
        return 0
    pos, depth, count = int(starts[index]), 0, 0
    while pos + 4 <= len(mem):
        code, length = struct.unpack_from("<HH", mem, pos)
        if code in _FORMULA_RECORDS:
            count += 1
        elif code == _BOF:
            depth += 1
        elif code == _EOF:
            depth -= 1
            if depth <= 0:
                break
        pos += 4 + length
    return count


def read_xls(path: Path) -> XlsSheet:
    """The first sheet of an .xls, every cell as the text it shows (`_cell_text`)."""
    import xlrd

    try:
        book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=True)
    except Exception as exc:  # xlrd raises its own XLRDError and struct/IndexError alike
        raise ValidationError(
            "file", "readable_xls", f"无法读取 Excel 97-2003 文件 {path.name}: {exc}"
        ) from exc
    try:
        if book.nsheets < 1:
            return XlsSheet([], 0, [])
        formulas = _formula_records(book, 0)
        sheet = book.sheet_by_index(0)
        merged = [f"{_ref(r0, c0)}:{_ref(r1 - 1, c1 - 1)}" for r0, r1, c0, c1 in sheet.merged_cells]
        rows: list[list[str]] = []
        for r in range(min(sheet.nrows, MAX_ROWS + 2)):
            line = []
            for c in range(sheet.ncols):
                cell = sheet.cell(r, c)
                xf = book.xf_list[sheet.cell_xf_index(r, c)]
                fmt = book.format_map.get(xf.format_key)
                value: Any = cell.value
                if cell.ctype == xlrd.XL_CELL_EMPTY or cell.ctype == xlrd.XL_CELL_BLANK:
                    value = None
                elif cell.ctype == xlrd.XL_CELL_DATE:
                    value = datetime(*xlrd.xldate_as_tuple(cell.value, book.datemode))
                elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                    value = bool(cell.value)
                elif cell.ctype == xlrd.XL_CELL_ERROR:
                    value = xlrd.error_text_from_code.get(cell.value, "#ERR")
                line.append(_cell_text(value, fmt.format_str if fmt else ""))
            rows.append(line)
        return XlsSheet(rows, formulas, merged)
    finally:
        book.release_resources()


def _ref(row: int, column: int) -> str:
    letters = ""
    index = column + 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return f"{letters}{row + 1}"


# -- cells and sheets as text -------------------------------------------------------------

_DECIMALS_FORMAT = re.compile(r"^[#0,]*0\.(0+)$")


def _cell_text(value: Any, number_format: str) -> str:
    """The text a cell shows. openpyxl hands numbers over as int/float: we go through
    repr (the shortest text that gives back the same double, i.e. what was typed) into a
    Decimal and pad to the cell's fixed-decimals format, so a typed 0.30 stays "0.30"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        try:
            number = Decimal(repr(value))
        except InvalidOperation:
            return repr(value)
        match = _DECIMALS_FORMAT.match(number_format or "")
        if match:
            number = number.quantize(Decimal(1).scaleb(-len(match.group(1))))
        text = format(number, "f")
        if "." in text and not match:
            text = text.rstrip("0").rstrip(".")
        return text
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _refuse_cells(path: Path, formulas: Sequence[str], merged: Sequence[str]) -> None:
    """Formula and merged cells are refused: a formula's value is whatever Excel last
    computed (not what was measured), and a merged cell leaves its other cells empty."""
    if formulas:
        shown = "、".join(formulas[:5]) + (" …" if len(formulas) > 5 else "")
        raise ValidationError(
            "file",
            "no_formulas",
            f"{path.name}: 单元格 {shown} 是公式；请粘贴为数值后再导入 "
            "(formula cells: paste them as values first)",
        )
    if merged:
        shown = "、".join(merged[:5]) + (" …" if len(merged) > 5 else "")
        raise ValidationError(
            "file",
            "no_merged_cells",
            f"{path.name}: 合并单元格 {shown}；请取消合并，使每列有自己的标题、每行有自己的值 "
            "(merged cells: unmerge them so every column has its own title)",
        )


def _too_many_rows(path: Path) -> ValidationError:
    return ValidationError(
        "file",
        "max_rows",
        f"{path.name}: 超过 {MAX_ROWS} 行数据；请拆分后导入 (more than {MAX_ROWS} data rows)",
    )


def _read_xlsx(path: Path) -> tuple[list[str], list[list[str]]]:
    import openpyxl

    try:
        # data_only=False: a formula cell reads as a formula (refused), not as its cache.
        book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise ValidationError(
            "file", "readable_xlsx", f"无法读取 Excel 文件 {path.name}: {exc}"
        ) from exc
    try:
        if not book.worksheets:
            return [], []
        sheet = book.worksheets[0]
        rows: list[list[str]] = []
        formulas: list[str] = []
        for row in sheet.iter_rows():
            if len(rows) > MAX_ROWS:
                raise _too_many_rows(path)
            line = []
            for cell in row:
                if getattr(cell, "data_type", "") == "f":
                    formulas.append(f"{cell.column_letter}{cell.row}")
                    line.append("")
                else:
                    line.append(_cell_text(cell.value, getattr(cell, "number_format", "")))
            rows.append(line)
        _refuse_cells(path, formulas, xlsx_merged_ranges(book, sheet))
    finally:
        book.close()
    if not rows:
        return [], []
    return rows[0], rows[1:]


def _read_xls(path: Path) -> tuple[list[str], list[list[str]]]:
    sheet = read_xls(path)
    if sheet.formulas:
        _refuse_cells(path, [f"{sheet.formulas} 个 (cells)"], [])
    _refuse_cells(path, [], sheet.merged)
    if len(sheet.rows) > MAX_ROWS + 1:
        raise _too_many_rows(path)
    if not sheet.rows:
        return [], []
    return sheet.rows[0], sheet.rows[1:]


def _read_csv(path: Path) -> pd.DataFrame:
    """A CSV/TSV file as text cells (its encoding detected: `table_files.decode_text`)."""
    return read_csv_bytes(path, path.read_bytes())[0]


# The codec pandas decodes with, for each encoding `decode_text` names (the BOM codecs read
# and drop their mark, as `decode_text` does).
_PARSE_CODECS = {
    "UTF-8 (BOM)": "utf-8-sig",
    "UTF-32": "utf-32",
    "UTF-16": "utf-16",
    "ASCII": "ascii",
    **{label: codec for codec, label in _ENCODINGS},
}


def read_csv_bytes(path: Path, raw: bytes) -> tuple[pd.DataFrame, str]:
    """(the file's text cells, the encoding it was read in). Every byte is checked by
    `decode_text` first; the parser then decodes the same bytes itself, chunk by chunk. Why:
    holding the whole decoded text beside the parse cost 39 MB of a results import at its
    20 MB bound — over the 200 MB ceiling (docs/robustness.md)."""
    text, label = decode_text(raw, path.name)
    head = text[:4096]
    del text
    try:
        dialect = csv.Sniffer().sniff(head, delimiters=",;\t")
        sep = dialect.delimiter
    except csv.Error:
        sep = "\t" if "\t" in head.partition("\n")[0] else ","
    try:
        frame = pd.read_csv(
            io.BytesIO(raw),
            encoding=_PARSE_CODECS[label],
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            sep=sep,
            skip_blank_lines=True,
            nrows=MAX_ROWS + 1,
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, csv.Error) as exc:
        raise _not_regular(path.name, exc) from None
    if len(frame) > MAX_ROWS:
        raise _too_many_rows(path)
    return frame, label


# What pandas' C tokenizer says (its line numbers count from 1, header included, blank
# lines too — as an editor or Excel numbers the rows; its "row" of a quote from 0).
_TOO_MANY_CELLS = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")
_OPEN_QUOTE = re.compile(r"EOF inside string starting at row (\d+)")


def _not_regular(name: str, exc: Exception) -> NotATable:
    """The parser's complaint as a row-level message (the parser's trace is no message)."""
    detail = " ".join(str(exc).split())
    found = _TOO_MANY_CELLS.search(detail)
    if found:
        header, row, cells = (int(g) for g in found.groups())
        return NotATable(
            f"{name}: 第 {row} 行有 {cells} 个单元格，而表头只有 {header} 列（小数逗号或多余的"
            f"分隔符？）(row {row} has {cells} cells, the header {header}: a decimal comma "
            "or a stray separator?)",
            row,
        )
    found = _OPEN_QUOTE.search(detail)
    if found:
        row = int(found.group(1)) + 1
        return NotATable(
            f"{name}: 第 {row} 行的引号没有闭合 (the quote opened in row {row} is never closed)",
            row,
        )
    return NotATable(
        f"{name}: 不是规整的表格（各行列数不一致或无法分列）"
        f"(not a table: the rows do not split into columns — {detail})"
    )


def refuse_one_column(name: str, columns: Sequence[str]) -> None:
    """A sheet with a single column cannot be mapped (a sample, an item and a result, or a
    sample and its readings): most often a CSV split by a separator it does not use."""
    if len(columns) == 1:
        raise NotATable(
            f"{name}: 不是表格 — 只有一列“{columns[0]}”，请检查分隔符（逗号、分号或制表符）"
            "(not a table: one column only — check the separator: comma, semicolon or tab)"
        )
