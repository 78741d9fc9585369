"""Barcode and QR module patterns, from a library that encodes them (Qt-free).

A label or a report draws these patterns as rectangles; the encoding itself is never
written here. Both symbologies come from zxing-cpp (`zxingcpp.create_barcode`, the C++
port of ZXing): Code 128 with its code-set choice, check symbol and stop pattern; QR
(ISO/IEC 18004) with its version choice and the standard's mask evaluation. segno (pure
Python) was the first choice for QR and gives the same symbols, but its mask evaluation
costs ~7 ms a code against zxing-cpp's ~0.3 ms: 500 labels would take 3.5 s of it alone
(docs/performance.md, `labels`).

A pattern is a plain value: `Code128Pattern.modules` is a string of "1" (bar) and "0"
(space), one character per module, without the quiet zones; `QrPattern.rows` a tuple of
rows of booleans (dark = True), without the quiet zone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import zxingcpp

from labdesk.core.errors import ValidationError

#: Quiet zones the standards ask for, in modules: Code 128 (ISO/IEC 15417) 10 modules
#: each side; QR (ISO/IEC 18004) 4 modules all round.
CODE128_QUIET = 10
QR_QUIET = 4
_BAR_RUN = re.compile("1+")
_DARK_RUN = re.compile(b"\x00+")
# One byte a module as zxing-cpp renders it: 0 dark, 255 light.
_AS_MODULE = bytes.maketrans(b"\x00\xff", b"10")


@dataclass(frozen=True)
class Code128Pattern:
    text: str
    modules: str

    @property
    def width(self) -> int:
        return len(self.modules)

    def bars(self) -> list[tuple[int, int]]:
        """(first module, width in modules) of each bar: what a painter fills."""
        return [(m.start(), m.end() - m.start()) for m in _BAR_RUN.finditer(self.modules)]


@dataclass(frozen=True)
class QrPattern:
    text: str
    size: int
    pixels: bytes  # size × size bytes, row by row: 0 dark, 255 light
    version: int
    error: str

    @property
    def rows(self) -> tuple[tuple[bool, ...], ...]:
        n = self.size
        return tuple(tuple(p == 0 for p in self.pixels[y * n : (y + 1) * n]) for y in range(n))

    def dark_runs(self) -> list[tuple[int, int, int]]:
        """(row, first column, length) of each horizontal run of dark modules."""
        n = self.size
        runs: list[tuple[int, int, int]] = []
        for y in range(n):
            row = self.pixels[y * n : (y + 1) * n]
            runs.extend((y, m.start(), m.end() - m.start()) for m in _DARK_RUN.finditer(row))
        return runs


def _modules(text: str, symbology: str, **options: str) -> tuple[int, int, bytes]:
    """(height, width, one byte per module: 0 dark) of the symbol, without quiet zones."""
    symbol = zxingcpp.create_barcode(text, getattr(zxingcpp.BarcodeFormat, symbology), **options)
    view = memoryview(symbol.to_image(scale=1, add_quiet_zones=False))  # type: ignore[arg-type]
    height, width = view.shape or (0, 0)
    return height, width, view.tobytes()


def check_code128(text: str) -> None:
    """Refuses text Code 128 cannot carry, naming the rule (before anything is drawn)."""
    if not text:
        raise ValidationError("code", "required", "a barcode needs text (条码内容为空)")
    if not all(" " <= ch <= "~" for ch in text):
        raise ValidationError(
            "code",
            "code128_ascii",
            f"{text!r}: Code 128 carries printable ASCII only (条码只能包含英文字母、数字和符号)",
        )


def code128(text: str) -> Code128Pattern:
    """The Code 128 modules of `text` (printable ASCII only: what a scanner can type)."""
    check_code128(text)
    try:
        _height, width, pixels = _modules(text, "Code128")
    except ValueError as exc:  # check_code128 should make this unreachable
        raise ValidationError("code", "code128_ascii", str(exc)) from exc
    return Code128Pattern(text, pixels[:width].translate(_AS_MODULE).decode("ascii"))


def qr(text: str, *, error: str = "M") -> QrPattern:
    """The QR modules of `text` (UTF-8 where needed), error-correction level `error`."""
    if not text:
        raise ValidationError("code", "required", "a QR code needs text (二维码内容为空)")
    height, width, pixels = _modules(text, "QRCode", ec_level=error)
    assert height == width, "a QR symbol is square"
    return QrPattern(text, width, pixels, (width - 17) // 4, error)
