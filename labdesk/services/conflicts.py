"""Two people editing the same record: the second is told, and nothing is overwritten.

A screen remembers what it showed (for a result: the id of the current result row) and
hands it to the service with the edit. Inside the write — where writers are serialized,
on a server by the audit chain's head row — the service compares it with what is
current now; if someone else changed it meanwhile, the edit is refused with their name
and the time: "changed by 张三 at 10:42 — reload".
"""

from __future__ import annotations

from datetime import datetime

from labdesk.core.errors import LabDeskError
from labdesk.store.audit import Writer

# "Do not check": for callers (imports, the demo, scripts) that saw no screen.
UNCHECKED = -1


class EditConflict(LabDeskError):
    """The record changed since the user loaded it; reload and decide again."""

    def __init__(self, what: str, who: str, at: str) -> None:
        self.who = who
        self.at = at
        super().__init__(
            f"{what} was changed by {who} at {at} — reload; your value was not saved "
            f"(已被{who}于{at}修改，请刷新；您的输入未保存)"
        )


def _local_time(at_utc: str) -> str:
    try:
        moment = datetime.fromisoformat(at_utc.replace("Z", "+00:00"))
    except ValueError:
        return at_utc
    return moment.astimezone().strftime("%H:%M")


def ensure_current_result(w: Writer, sample_item_id: int, seen_result_id: int | None) -> None:
    """Refuses (EditConflict) when the item's current result is not the one the user saw
    (`None`: they saw no result); `UNCHECKED` skips the check."""
    if seen_result_id == UNCHECKED:
        return
    row = w.conn.execute(
        "SELECT r.id, r.entered_at, u.display_name, u.username, si.name FROM sample_items si "
        "LEFT JOIN results r ON r.sample_item_id = si.id AND r.superseded_by IS NULL "
        "LEFT JOIN users u ON u.id = r.entered_by WHERE si.id = ? ORDER BY r.id DESC LIMIT 1",
        (sample_item_id,),
    ).fetchone()
    if row is None:
        return  # no such item: the service's own check says so
    current = None if row[0] is None else int(row[0])
    if current == seen_result_id:
        return
    if current is None:  # the result the user saw was withdrawn (never happens today)
        raise EditConflict(str(row[4]), "someone", "")
    who = str(row[2] or row[3])
    raise EditConflict(str(row[4]), who, _local_time(str(row[1])))
