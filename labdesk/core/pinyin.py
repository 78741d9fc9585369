"""Pinyin initials of a class name, for search by keyboard ("dm" → 大米).

pypinyin chooses readings by phrase (调味品 → twp, 蛤蜊 → gl, 干制 → gz), which a
per-character table cannot; it is loaded only here, when classes are stored, never on
a keystroke (the initials are kept with the class).
"""

from __future__ import annotations


def initials(name: str) -> str:
    """Lower-case initials of the Chinese characters; ASCII letters and digits kept."""
    from pypinyin import Style, lazy_pinyin

    parts = lazy_pinyin(name, style=Style.FIRST_LETTER, errors="default")
    return "".join(ch for part in parts for ch in part.lower() if ch.isascii() and ch.isalnum())
