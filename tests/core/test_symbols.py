"""Code 128 and QR patterns: what is drawn decodes back to the text (ZXing reads them)."""

from __future__ import annotations

import numpy as np
import pytest
import zxingcpp
from hypothesis import given, settings
from hypothesis import strategies as st

from labdesk.core import symbols
from labdesk.core.errors import ValidationError
from tests.decoders import decode

# Code 128's start symbols (A, B, C) and its stop pattern, from ISO/IEC 15417 table 1:
# written here to check the library's output, never used to draw.
STARTS = {"11010000100", "11010010000", "11010011100"}
STOP = "1100011101011"


def code128_image(pattern: symbols.Code128Pattern, module: int = 3) -> np.ndarray:
    quiet = "0" * symbols.CODE128_QUIET
    row = np.array(
        [0 if m == "1" else 255 for m in quiet + pattern.modules + quiet], dtype=np.uint8
    ).repeat(module)
    return np.tile(row, (60, 1))


def qr_image(pattern: symbols.QrPattern, module: int = 4) -> np.ndarray:
    size = pattern.size + 2 * symbols.QR_QUIET
    grid = np.full((size, size), 255, dtype=np.uint8)
    for y, row in enumerate(pattern.rows):
        for x, dark in enumerate(row):
            if dark:
                grid[y + symbols.QR_QUIET, x + symbols.QR_QUIET] = 0
    assert (
        grid[symbols.QR_QUIET : -symbols.QR_QUIET, symbols.QR_QUIET : -symbols.QR_QUIET].tobytes()
        == pattern.pixels
    )
    return grid.repeat(module, axis=0).repeat(module, axis=1)


def decoded(image: np.ndarray, fmt: zxingcpp.BarcodeFormat) -> list[str]:
    """What both decoders (zxing-cpp, and ZBar when installed) read."""
    return decode(image).get({"QRCode": "QRCode", "Code128": "Code128"}[fmt.name], [])


@pytest.mark.parametrize("text", ["AH202600001", "DEMO2026000001/J", "HF01-S00001/B", "a b~"])
def test_code128_decodes_to_its_text(text: str) -> None:
    pattern = symbols.code128(text)
    assert pattern.modules[:11] in STARTS and pattern.modules.endswith(STOP)
    assert decoded(code128_image(pattern), zxingcpp.BarcodeFormat.Code128) == [text]


@settings(max_examples=60, deadline=None)
@given(
    st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), min_size=1, max_size=24)
)
def test_any_printable_ascii_round_trips_through_code128(text: str) -> None:
    pattern = symbols.code128(text)
    # Symbols are 11 modules, the stop 13; bars and spaces alternate starting with a bar.
    assert (pattern.width - 13) % 11 == 0
    assert sum(run for _start, run in pattern.bars()) == pattern.modules.count("1")
    assert decoded(code128_image(pattern), zxingcpp.BarcodeFormat.Code128) == [text]


@pytest.mark.parametrize("text", ["", "青菜", "AH2026\n01", "é"])
def test_code128_refuses_what_it_cannot_carry(text: str) -> None:
    with pytest.raises(ValidationError) as info:
        symbols.code128(text)
    assert info.value.field == "code"


@pytest.mark.parametrize(
    "text", ["AH202600001/F", "LDR/1\ncentre=HF01\nproduct=青菜\nconclusion=不合格", "x" * 300]
)
def test_qr_decodes_to_its_text(text: str) -> None:
    pattern = symbols.qr(text)
    assert pattern.size == 17 + 4 * pattern.version  # ISO/IEC 18004: 21 modules at version 1
    assert decoded(qr_image(pattern), zxingcpp.BarcodeFormat.QRCode) == [text]


def test_qr_runs_cover_exactly_the_dark_modules() -> None:
    pattern = symbols.qr("DEMO2026000001")
    dark = {(y, x) for y, row in enumerate(pattern.rows) for x, d in enumerate(row) if d}
    covered = {(y, x + i) for y, x, run in pattern.dark_runs() for i in range(run)}
    assert covered == dark and pattern.error in ("M", "Q", "H")


def test_qr_refuses_empty_text() -> None:
    with pytest.raises(ValidationError):
        symbols.qr("")
