"""The Chinese half of a limit's syntax error (issue 21.8: wholly Chinese, no "应为 a number").

`LimitSyntaxError` says in English what was expected, then the same in Chinese. The
English phrases are the reader's (core/limits.py); this table gives each its Chinese.
Phrases with values in them are matched by pattern. A phrase added to the reader without
a Chinese one falls back to a whole-Chinese generic wording (never the English), and
tests/core/test_message_catalogue.py fails until it is added here.
"""

from __future__ import annotations

import re

EXPECTED_ZH: dict[str, str] = {
    "a number": "数字",
    "a power of ten from 10⁻³⁰ to 10³⁰, such as 10³ or 10^3": (
        "10⁻³⁰ 至 10³⁰ 之间的 10 的幂，如 10³ 或 10^3"
    ),
    "the end of the limit or a basis such as /25 g": "限量结束，或计量基准如 /25 g",
    "到 (从A到B)": "“到”（从A到B）",
    "及以上 or 及以下 (a bare 以上/以下 is ambiguous under GB/T 8170)": (
        "“及以上”或“及以下”（按 GB/T 8170，单独的“以上/以下”含义不明）"
    ),
    "a comparison before the number (≤ ≥ < > = or 不大于…) or a range": (
        "数字前的比较符（≤ ≥ < > = 或 不大于…）或一个范围"
    ),
    "及以上, 及以下, a range separator (～ ~ - 至) or ±": (
        "“及以上”“及以下”、范围分隔符（～ ~ - 至）或 ±"
    ),
    "a tolerance Δ without sign, e.g. 10.0±0.5": "不带符号的允差 Δ，如 10.0±0.5",
    "不含Δ, 不含+Δ or 不含−Δ": "“不含Δ”“不含+Δ”或“不含−Δ”",
    "Δ, +Δ or −Δ after 不含": "“不含”后的 Δ、+Δ 或 −Δ",
    "Δ, +Δ, −Δ or the tolerance's number after 不含": "“不含”后的 Δ、+Δ、−Δ 或允差数值",
    "a closing bracket": "右括号",
    "a tolerance greater than 0 when an end is excluded": "不含端点时大于 0 的允差",
    "the end of the limit (a note goes in brackets, （以Pb计）; a footnote as ᵃ or ^a)": (
        "限量结束（注释写在括号内，如（以Pb计）；脚注写作 ᵃ 或 ^a）"
    ),
    "limit text": "限量文字",
}

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"the same unit on both numbers \((.*) then (.*)\)"),
        "两个数字使用相同单位（先是 {0}，后是 {1}）",
    ),
    (
        re.compile(r"a range whose lower end \((.*)\) is below its upper end \((.*)\)"),
        "下限（{0}）小于上限（{1}）的范围",
    ),
    (
        re.compile(r"the tolerance itself \((.*)\) after 不含, not (.*)"),
        "“不含”后应是允差本身（{0}），而不是 {1}",
    ),
    (
        re.compile(r"a limit \(.*\)"),
        "限量（≤ ≥ < > =、不大于/不小于…、数字、A～B、X±Δ、不得检出、阴性/符合…、实测）",
    ),
)

GENERIC_ZH = "符合限量写法的内容"


def expected_zh(expected: str) -> str:
    """The Chinese for what the limit reader expected at the error's position."""
    found = EXPECTED_ZH.get(expected)
    if found is not None:
        return found
    for pattern, template in _PATTERNS:
        match = pattern.fullmatch(expected)
        if match:
            return template.format(*match.groups())
    return GENERIC_ZH
