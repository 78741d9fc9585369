"""Barcode and QR module patterns, from libraries that encode them (Qt-free).

A label or a report draws these patterns as rectangles; the encoding itself is never
written here. Code 128 comes from python-barcode (`barcode.codex.Code128`: it picks code
sets A/B/C, adds the check symbol and the stop pattern), QR from segno (ISO/IEC 18004,
with its own version and mask selection). Both are pure Python with no dependencies.

A pattern is a plain value: `Code128Pattern.modules` is a string of "1" (bar) and "0"
(space), one character per module, without the quiet zones; `QrPattern.rows` a tuple of
rows of booleans (dark = True), without the quiet zone.
"""

from __future__ import annotations

from dataclasses import dataclass

from labdesk.core.errors import ValidationError

#: Quiet zones the standards ask for, in modules: Code 128 (ISO/IEC 15417) 10 modules
#: each side; QR (ISO/IEC 18004) 4 modules all round.
CODE128_QUIET = 10
QR_QUIET = 4


@dataclass(frozen=True)
class Code128Pattern:
    text: str
    modules: str

    @property
    def width(self) -> int:
        return len(self.modules)

    def bars(self) -> list[tuple[int, int]]:
        """(first module, width in modules) of each bar: what a painter fills."""
        runs: list[tuple[int, int]] = []
        start = -1
        for index, module in enumerate(self.modules + "0"):
            if module == "1" and start < 0:
                start = index
            elif module == "0" and start >= 0:
                runs.append((start, index - start))
                start = -1
        return runs


@dataclass(frozen=True)
class QrPattern:
    text: str
    rows: tuple[tuple[bool, ...], ...]
    version: int
    error: str

    @property
    def size(self) -> int:
        return len(self.rows)

    def dark_runs(self) -> list[tuple[int, int, int]]:
        """(row, first column, length) of each horizontal run of dark modules."""
        runs: list[tuple[int, int, int]] = []
        for y, row in enumerate(self.rows):
            start = -1
            for x, dark in enumerate((*row, False)):
                if dark and start < 0:
                    start = x
                elif not dark and start >= 0:
                    runs.append((y, start, x - start))
                    start = -1
        return runs


def code128(text: str) -> Code128Pattern:
    """The Code 128 modules of `text` (printable ASCII only: what a scanner can type)."""
    from barcode.codex import Code128
    from barcode.errors import IllegalCharacterError

    if not text:
        raise ValidationError("code", "required", "a barcode needs text (条码内容为空)")
    if not all(" " <= ch <= "~" for ch in text):
        raise ValidationError(
            "code",
            "code128_ascii",
            f"{text!r}: Code 128 carries printable ASCII only (条码只能包含英文字母、数字和符号)",
        )
    try:
        built = Code128(text).build()
    except IllegalCharacterError as exc:  # the check above should make this unreachable
        raise ValidationError("code", "code128_ascii", str(exc)) from exc
    return Code128Pattern(text, "".join(built))


def qr(text: str, *, error: str = "m") -> QrPattern:
    """The QR modules of `text` (UTF-8 byte mode where needed), error level at least `error`.

    segno raises the error-correction level when that costs no extra version (its
    default `boost_error`), so a short text gets more redundancy for free.
    """
    import segno

    if not text:
        raise ValidationError("code", "required", "a QR code needs text (二维码内容为空)")
    symbol = segno.make_qr(text, error=error, encoding="utf-8" if not text.isascii() else None)
    rows = tuple(tuple(bool(m) for m in row) for row in symbol.matrix_iter(scale=1, border=0))
    return QrPattern(text, rows, int(symbol.version), str(symbol.error))
