"""Conditions a limit's note puts on the foods it applies to, beyond their class.

GB 2762-2022's tin limit (表5) reads "食品（饮料类、婴幼儿配方食品、婴幼儿辅助食品除外）
250 mg/kg" with the footnote "仅限于采用镀锡薄钢板容器包装的食品": it is composed for
every food class but applies only to food in tinplate containers, which nothing on the
sampling form (散装 / 预包装) says. Such an item is applicable, so it stays addable at
registration, but it is not proposed by default: a rice or a cabbage sample would
otherwise be registered with a tin test that does not apply to it, and each one would
need a reason to take it off (food_library.proposed_items). The standards word the
condition "仅限于采用…包装的食品"; anything else in a note is not read as one.
"""

from __future__ import annotations

import re

# "仅限于采用镀锡薄钢板容器包装的食品" → "镀锡薄钢板容器"
_CONTAINER = re.compile(r"仅限于采用\s*(?P<container>[^，,。；;（）()]+?)\s*包装的食品")


def container_condition(note: str | None) -> str | None:
    """The container a limit applies to only ("镀锡薄钢板容器"), from its note; None if
    the note puts no such condition on it."""
    if not note:
        return None
    found = _CONTAINER.search(note)
    return found.group("container") if found else None
