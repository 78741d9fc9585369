"""The rule columns of a limit file (issue 14): an item's 以…计 factor, its rounding rule
and its screening flag, read from their cells and checked as the rule a sample item
frozen from the row would be judged by (a factor needs a numeric limit, a minimum is
not screened …), so a file is refused at import rather than a sample at entry."""

from __future__ import annotations

from labdesk.core.errors import ValidationError
from labdesk.core.judgement import ItemRule, compile_rule
from labdesk.core.limit_tables import FALSE_WORDS, RULE_FIELDS, TRUE_WORDS

_ROUNDING_WORDS = {"": "", "gb8170": "gb8170", "gb/t8170": "gb8170", "gb4789.2": "gb4789.2"}


def read_rule_cells(
    limit_text: str, unit: str, factor: str, rounding: str, screening: str
) -> tuple[tuple[str | None, str, bool], list[tuple[str, str, str]]]:
    """An item's rule cells, checked as the rule a sample item would be judged by."""
    found: list[tuple[str, str, str]] = []
    rule_name = _ROUNDING_WORDS.get(rounding.replace(" ", "").casefold())
    if rule_name is None:
        found.append(
            ("rounding", "rounding", f"{rounding!r}: give GB/T 8170 or GB 4789.2 (修约规则)")
        )
        rule_name = ""
    flag = screening.casefold()
    if flag not in TRUE_WORDS and flag not in FALSE_WORDS:
        found.append(("screening", "boolean", f"{screening!r} is not true/false (是/否)"))
    screened = flag in TRUE_WORDS
    stated = (factor or None, rule_name, screened)
    if found or stated == (None, "", False):
        return stated, found
    try:
        compile_rule(
            ItemRule(
                limit=limit_text,
                unit=unit,
                factor=stated[0],
                rounding=rule_name or "gb8170",
                screening=screened,
            )
        )
    except ValidationError as exc:
        column = exc.field if exc.field in RULE_FIELDS else "factor"
        found.append((column, exc.rule, str(exc)))
    return stated, found
