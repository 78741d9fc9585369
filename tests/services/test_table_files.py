"""The shared reading layer of result files (services.table_files) on any text: it reads a
table or refuses the file with a ValidationError naming the rule — never the parser's
own exception — and a row it names is a row of the file."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from labdesk.core.errors import ValidationError
from labdesk.services.excel_import import read_table
from labdesk.services.table_files import NotATable, decode_text

_CELLS = st.text(alphabet=st.sampled_from('ab1.0,;\t"镉 -'), max_size=12)
_LINES = st.lists(_CELLS, min_size=1, max_size=8)


@settings(max_examples=150, deadline=None)
@given(_LINES)
def test_any_text_reads_or_is_refused_by_rule(lines: list[str]) -> None:
    text = "\n".join(lines) + "\n"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "f.csv"
        path.write_bytes(text.encode("utf-8"))
        try:
            table = read_table(path)
        except NotATable as exc:
            assert exc.rule == "table" and exc.field == "file"
            if exc.row is not None:
                assert 1 <= exc.row <= len(lines), (exc.row, lines)
                assert f"第 {exc.row} 行" in str(exc)
        except ValidationError as exc:
            assert exc.field == "file" and exc.rule in ("not_empty", "text_encoding")
        else:
            assert len(table.columns) >= 2 or not table.columns


@settings(max_examples=100, deadline=None)
@given(
    # No control characters: UTF-16 LE text that began with NUL would begin like a UTF-32
    # mark — the ambiguity of the marks themselves, and no text file begins so.
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=40),
    st.sampled_from(["utf-8-sig", "utf-16", "utf-16-le", "utf-32"]),
)
def test_a_byte_order_mark_decides_the_encoding(text: str, encoding: str) -> None:
    # utf-16-le writes no mark of its own: one is put in front, as Windows does.
    raw = (b"\xff\xfe" if encoding == "utf-16-le" else b"") + text.encode(encoding)
    decoded, named = decode_text(raw, "f.csv")
    assert decoded == text
    assert (
        named
        == {
            "utf-8-sig": "UTF-8 (BOM)",
            "utf-16": "UTF-16",
            "utf-16-le": "UTF-16",
            "utf-32": "UTF-32",
        }[encoding]
    )
