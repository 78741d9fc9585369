"""What the replay of the journal at sign-in did, sample by sample (issue 18.5, part 5).

After a crash the journal (services/pending_journal.py) may hold values of several
samples. Result entry opens the first one; the message line names each value once, and
is then overwritten by each answer of the queue. So this panel, above the message line,
lists every sample whose values are written again, with how many were written again,
refused (which and why), replaced by a value typed since or still waiting, as the retry
queue's answers come in; double-click, Enter or "Open sample" opens one. It stays until
closed: a refused value needs the user's eyes even after the queue is done.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from labdesk.services.pending_journal import PendingWrite
    from labdesk.ui.grid_retry import RetryQueue, Waiting

WAITING, SAVED, REFUSED, REPLACED = "waiting", "saved", "refused", "replaced"
SAMPLE_ROLE = Qt.ItemDataRole.UserRole


@dataclass
class Replayed:
    pending: PendingWrite
    outcome: str = WAITING
    why: str = ""

    def answers(self, waiting: Waiting) -> bool:
        """Whether the queue's `waiting` is this value (its journal token; a value the
        journal could not take again waits without one: its item and text)."""
        if waiting.pending is not None:
            return waiting.pending.token == self.pending.token
        return waiting.item_id == self.pending.item_id and waiting.text == self.pending.shown()


class ReplaySummary(QFrame):
    """The samples of the values replayed at sign-in, each openable from here."""

    openSample = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("entry_replay")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.title = QLabel(
            self.tr(
                "Values not saved at your last session are being written again. Open each "
                "sample to check its values:"
            )
        )
        self.title.setWordWrap(True)
        self.samples = QListWidget()
        self.samples.setObjectName("entry_replay_samples")
        self.samples.setWordWrap(True)
        self.samples.setToolTip(self.tr("Double-click or Enter opens the sample"))
        self.samples.setMaximumHeight(self.fontMetrics().height() * 8)
        self.samples.itemActivated.connect(self._activated)
        self.open_button = QPushButton(self.tr("Open sample"))
        self.open_button.setObjectName("entry_replay_open")
        self.open_button.clicked.connect(lambda: self._activated(self.samples.currentItem()))
        self.close_button = QPushButton(self.tr("Close"))
        self.close_button.setObjectName("entry_replay_close")
        self.close_button.clicked.connect(self.hide)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.title)
        layout.addWidget(self.samples)
        layout.addLayout(buttons)
        self.replayed: list[Replayed] = []
        self._followed: RetryQueue | None = None
        self.hide()

    def follow(self, queue: RetryQueue) -> None:
        """Listens to `queue`'s answers. Called before the values enter it: an answer the
        worker sends before anyone listens reaches nobody."""
        if queue is self._followed:
            return
        queue.savedLater.connect(lambda waiting, _outcome: self._answered(waiting, SAVED, ""))
        queue.refusedLater.connect(lambda waiting, why: self._answered(waiting, REFUSED, why))
        queue.replaced.connect(lambda waiting: self._answered(waiting, REPLACED, ""))
        self._followed = queue

    def show_replay(self, restored: Sequence[PendingWrite]) -> None:
        self.replayed = [Replayed(p) for p in restored]
        self._render()
        self.samples.setCurrentRow(0)
        self.setVisible(bool(restored))

    def _answered(self, waiting: Waiting, outcome: str, why: str) -> None:
        for replayed in self.replayed:
            # The latest answer counts: a replaced value the worker had in hand is
            # still written, and then says so.
            if replayed.answers(waiting) and not (
                outcome == REPLACED and replayed.outcome != WAITING
            ):
                replayed.outcome, replayed.why = outcome, why
                self._render()
                return

    def _render(self) -> None:
        groups: dict[tuple[int | None, str], list[Replayed]] = {}
        for replayed in self.replayed:
            key = (replayed.pending.sample_id, replayed.pending.sample_no)
            groups.setdefault(key, []).append(replayed)
        current = self.samples.currentRow()
        self.samples.clear()
        for (sample_id, number), values in groups.items():
            item = QListWidgetItem(self._line(number, values))
            item.setData(SAMPLE_ROLE, sample_id)
            if sample_id is None:  # an old record without its sample: named, not opened
                item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.samples.addItem(item)
        self.samples.setCurrentRow(max(current, 0) if self.samples.count() else -1)

    def _line(self, number: str, values: list[Replayed]) -> str:
        words = {
            SAVED: self.tr("{0} written again"),
            REFUSED: self.tr("{0} refused"),
            REPLACED: self.tr("{0} replaced by a value typed since"),
            WAITING: self.tr("{0} still waiting"),
        }
        counts = {k: sum(1 for v in values if v.outcome == k) for k in words}
        said = [words[k].format(n) for k, n in counts.items() if n]
        refused = [
            self.tr("refused: {0} = {1} ({2})").format(
                v.pending.item_name, v.pending.shown(), v.why
            )
            for v in values
            if v.outcome == REFUSED
        ]
        return self.tr("{0}: {1} value(s) — {2}").format(
            number or self.tr("(sample number not kept)"), len(values), " · ".join(said)
        ) + "".join("\n    " + r for r in refused)  # under its sample, indented

    def _activated(self, item: QListWidgetItem | None) -> None:
        sample_id = None if item is None else item.data(SAMPLE_ROLE)
        if isinstance(sample_id, int):
            self.openSample.emit(sample_id)
