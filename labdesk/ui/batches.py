"""Batches: the pending batch and every exported one, with their summaries; sign-off,
export to the outbox, rewriting a lost file, and the signing key's fingerprint.

The manager reads the pending batch's summary (counts, pass rate, failing items, who
approved), signs it off in the export dialog (a confirmation plus the key passphrase) and
exports it. The export runs off the GUI thread on the single writer pool with progress
and cancel; `labdesk.batch.export` makes it all-or-nothing. Who may export is decided by
the service: a technician pressing Export is told plainly that they may not.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QItemSelection, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from labdesk.core.errors import LabDeskError
from labdesk.core.rates import MIN_SAMPLES
from labdesk.services import summary
from labdesk.services.summary import BatchSummary, Counts
from labdesk.store.engine import DbTarget
from labdesk.ui.errors import error_text
from labdesk.ui.manager_queries import exported_batch_rows
from labdesk.ui.manager_widgets import MessageBanner, RowsModel, make_table, titled
from labdesk.ui.operations import Operation, TaskState, run_operation
from labdesk.ui.server_notice import ReadNotice
from labdesk.ui.session import UiSession

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BatchEntry:
    """A row of the batch list: the pending batch (`batch_id` None) or an exported one."""

    batch_id: int | None
    sequence: int | None
    file_name: str
    created_at: str
    created_by: str
    counts: Counts


@dataclass(frozen=True)
class BatchesLoad:
    pending: BatchSummary | None
    entries: list[BatchEntry]


def load_batches(db_path: DbTarget) -> BatchesLoad:
    """The worker: the pending batch's summary and the exported batches' list, read over
    a read-only connection. An exported batch's full summary is read when selected."""
    from labdesk.store.db import open_reader

    reader = open_reader(db_path)
    try:
        pending = summary.batch_summary(reader, None)
        rows = exported_batch_rows(reader)
    finally:
        reader.close()
    entries = []
    if pending.counts.samples:
        entries.append(BatchEntry(None, None, "", "", "", pending.counts))
    for r in rows:
        entries.append(
            BatchEntry(
                r.batch_id,
                r.sequence,
                r.file_name,
                r.created_at,
                r.created_by,
                Counts(r.samples, r.passed, r.failed, r.not_judged),
            )
        )
    return BatchesLoad(pending if pending.counts.samples else None, entries)


class ExportDialog(QDialog):
    """Sign-off and passphrase: the manager confirms the summary, then unlocks the key."""

    def __init__(self, pending: BatchSummary, out_dir: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("export_dialog")
        self.setWindowTitle(self.tr("Sign off and export batch"))
        c = pending.counts
        layout = QVBoxLayout(self)
        text = self.tr(
            "{0} samples: {1} passed, {2} failed, {3} not judged. Pass rate {4}, "
            "non-conformity rate {5}."
        ).format(
            c.samples,
            c.passed,
            c.failed,
            c.not_judged,
            c.pass_rate.percent_text(),
            c.nonconformity_rate.percent_text(),
        )
        summary_label = QLabel(text, self)
        summary_label.setWordWrap(True)
        layout.addWidget(summary_label)
        if pending.failing_items:
            failing = "、".join(f"{i.name} ({i.failed})" for i in pending.failing_items)
            failing_label = QLabel(self.tr("Failing items: {0}").format(failing), self)
            failing_label.setWordWrap(True)
            layout.addWidget(failing_label)
        self.sign_off = QCheckBox(
            self.tr("I have checked this batch summary and sign the batch off for export"), self
        )
        self.sign_off.setObjectName("sign_off")
        layout.addWidget(self.sign_off)
        form = QFormLayout()
        self.passphrase = QLineEdit(self)
        self.passphrase.setObjectName("passphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.tr("Key passphrase:"), self.passphrase)
        folder_row = QHBoxLayout()
        self.folder = QLineEdit(out_dir, self)
        self.folder.setObjectName("export_folder")
        browse = QPushButton(self.tr("Browse…"), self)
        browse.clicked.connect(self._browse)
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(browse)
        form.addRow(self.tr("Write to folder:"), folder_row)
        layout.addLayout(form)
        # Why the last export did not happen (a server away), shown when reopened.
        self.error = QLabel(self)
        self.error.setObjectName("export_error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("Export"))
        self.ok_button.setObjectName("export_ok")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        for signal in (self.sign_off.toggled, self.passphrase.textChanged, self.folder.textChanged):
            signal.connect(self._update_ok)
        self._update_ok()

    def _browse(self) -> None:
        chosen = QFileDialog.getExistingDirectory(
            self, self.tr("Export folder"), self.folder.text()
        )
        if chosen:
            self.folder.setText(chosen)

    def _update_ok(self) -> None:
        self.ok_button.setEnabled(
            self.sign_off.isChecked()
            and bool(self.passphrase.text())
            and bool(self.folder.text().strip())
        )


class BatchesScreen(QWidget):
    """Pending and exported batches; sign-off, export, rewrite; key fingerprint."""

    # Emitted after the batch list has been (re)loaded (tests wait on it).
    refreshed = Signal()
    # Emitted after an export or rewrite finished (success or not).
    exportFinished = Signal()

    def __init__(self, session: UiSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName("screen_batches")
        self.batches: list[BatchEntry] = []
        self._pending: BatchSummary | None = None
        self._summaries: dict[int, BatchSummary] = {}
        self.export_dialog: ExportDialog | None = None
        self.export_operation: Operation[Any] | None = None
        self._loading = False

        outer = QVBoxLayout(self)
        outer.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        self.banner = MessageBanner(self)
        self.read_notice = ReadNotice(self.banner)
        outer.addWidget(self.banner)

        info = QFormLayout()
        self.key_label = QLabel(self)
        self.key_label.setObjectName("key_label")
        self.key_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        info.addRow(self.tr("Signing key:"), self.key_label)
        outbox_row = QHBoxLayout()
        self.outbox_label = QLabel(self)
        self.outbox_label.setObjectName("outbox_label")
        self.outbox_button = QPushButton(self.tr("Change…"), self)
        self.outbox_button.setObjectName("outbox_button")
        self.outbox_button.clicked.connect(self._choose_outbox)
        outbox_row.addWidget(self.outbox_label, 1)
        outbox_row.addWidget(self.outbox_button)
        info.addRow(self.tr("Outbox folder:"), outbox_row)
        outer.addLayout(info)

        buttons = QHBoxLayout()
        self.export_button = QPushButton(self.tr("Sign off and export…"), self)
        self.export_button.setObjectName("export_button")
        self.export_button.clicked.connect(self.start_export)
        self.rewrite_button = QPushButton(self.tr("Write lost batch file again…"), self)
        self.rewrite_button.setObjectName("rewrite_button")
        self.rewrite_button.clicked.connect(self._choose_rewrite)
        self.refresh_button = QPushButton(self.tr("Refresh"), self)
        self.refresh_button.clicked.connect(self.refresh)
        for button in (self.export_button, self.rewrite_button, self.refresh_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        outer.addLayout(buttons)

        splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.list_model = RowsModel(
            [
                self.tr("Batch"),
                self.tr("File"),
                self.tr("Created"),
                self.tr("By"),
                self.tr("Samples"),
                self.tr("Passed"),
                self.tr("Failed"),
                self.tr("Pass rate"),
            ],
            (4, 5, 6, 7),
            self,
        )
        self.list_table = make_table(self.list_model, self)
        self.list_table.setObjectName("batch_list")
        for column, width in ((0, 210), (1, 200), (2, 150)):
            self.list_table.setColumnWidth(column, width)
        self.list_table.selectionModel().selectionChanged.connect(self._on_selection)
        splitter.addWidget(titled(self.tr("Batches"), self.list_table))

        details = QWidget(self)
        details_layout = QVBoxLayout(details)
        details_layout.setContentsMargins(0, 0, 0, 0)
        self.detail_label = QLabel(details)
        self.detail_label.setObjectName("detail_label")
        self.detail_label.setWordWrap(True)
        details_layout.addWidget(self.detail_label)
        row = QHBoxLayout()
        self.items_model = RowsModel(
            [self.tr("Failing item"), self.tr("Tested"), self.tr("Failed")], (1, 2), self
        )
        self.items_table = make_table(self.items_model, details)
        self.items_table.setObjectName("batch_items")
        self.samples_model = RowsModel(
            [
                self.tr("Sample no."),
                self.tr("Sample"),
                self.tr("Enterprise"),
                self.tr("Conclusion"),
                self.tr("Failing items"),
            ],
            parent=self,
        )
        self.samples_table = make_table(self.samples_model, details)
        self.samples_table.setObjectName("batch_samples")
        row.addWidget(titled(self.tr("Failing items"), self.items_table), 1)
        row.addWidget(titled(self.tr("Samples in the batch"), self.samples_table), 2)
        details_layout.addLayout(row)
        splitter.addWidget(details)
        outer.addWidget(splitter, 1)
        self.refresh()

    # ----- loading --------------------------------------------------------------------

    def refresh(self) -> None:
        """Reload the key, the outbox and the batch summaries (off the GUI thread)."""
        if not self.read_notice.read(self._show_key_and_outbox):
            self.refreshed.emit()
            return
        if self._loading:
            return
        self._loading = True
        db_path = self.session.db_path

        def work(state: TaskState) -> BatchesLoad:
            return load_batches(db_path)

        run_operation(
            self,
            work,
            label=self.tr("Reading batches…"),
            on_success=self._on_loaded,
            on_failure=self._on_load_failed,
        )

    def _show_key_and_outbox(self) -> None:
        from labdesk.services import auth, keys

        key = keys.active_key(self.session.db)
        if key is None:
            self.key_label.setText(
                self.tr("No signing key yet: create one with `labdesk keys init`.")
            )
        else:
            self.key_label.setText(
                self.tr("{0}, fingerprint {1} (created {2})").format(
                    key.algorithm.upper(), grouped(key.fingerprint), key.created_at[:10]
                )
            )
        centre = auth.centre(self.session.db) or {}
        outbox = str(centre.get("outbox_dir") or "")
        self.outbox_label.setText(outbox or self.tr("(not set)"))

    def outbox_dir(self) -> str:
        from labdesk.services import auth

        centre = auth.centre(self.session.db) or {}
        return str(centre.get("outbox_dir") or "")

    def _on_load_failed(self, exc: BaseException) -> None:
        self._loading = False
        self._show_failure(exc)
        self.refreshed.emit()

    def _on_loaded(self, load: BatchesLoad) -> None:
        self._loading = False
        self.batches = load.entries
        self._pending = load.pending
        self._summaries = {}
        rows = []
        for b in self.batches:
            c = b.counts
            rows.append(
                (
                    self.tr("Pending (approved, not exported)")
                    if b.batch_id is None
                    else self.tr("No. {0}").format(b.sequence),
                    b.file_name,
                    b.created_at[:19].replace("T", " "),
                    b.created_by,
                    c.samples,
                    c.passed,
                    c.failed,
                    c.pass_rate.percent_text(),
                )
            )
        self.list_model.set_rows(rows, [b.batch_id for b in self.batches])
        self.export_button.setEnabled(load.pending is not None)
        if self.batches:
            self.list_table.selectRow(0)
        else:
            self._show_details(None)
        self.refreshed.emit()

    def pending(self) -> BatchSummary | None:
        return self._pending

    # ----- details --------------------------------------------------------------------

    def _on_selection(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        entry = self.selected_batch()
        if entry is None:
            self._show_details(None)
            return
        try:
            self._show_details(self.summary_of(entry))
        except LabDeskError as exc:
            self._show_failure(exc)

    def selected_batch(self) -> BatchEntry | None:
        rows = self.list_table.selectionModel().selectedRows()
        return self.batches[rows[0].row()] if rows else None

    def summary_of(self, entry: BatchEntry) -> BatchSummary:
        """The full summary of a listed batch (read on first selection, then kept)."""
        if entry.batch_id is None:
            assert self._pending is not None
            return self._pending
        found = self._summaries.get(entry.batch_id)
        if found is None:
            found = summary.batch_summary(self.session.db, entry.batch_id)
            self._summaries[entry.batch_id] = found
        return found

    def _show_details(self, batch: BatchSummary | None) -> None:
        self.rewrite_button.setEnabled(batch is not None and batch.batch_id is not None)
        if batch is None:
            self.detail_label.setText(self.tr("Nothing approved is waiting for export."))
            self.items_model.set_rows([])
            self.samples_model.set_rows([])
            return
        c = batch.counts
        approvers = "、".join(
            self.tr("{0} ({1} samples)").format(name, n) for name, n in batch.approvers
        )
        text = self.tr(
            "{0}: {1} samples — {2} passed, {3} failed, {4} not judged; pass rate {5}, "
            "non-conformity rate {6}. Approved by: {7}."
        ).format(
            self.tr("Pending batch") if batch.batch_id is None else batch.file_name,
            c.samples,
            c.passed,
            c.failed,
            c.not_judged,
            c.pass_rate.percent_text(),
            c.nonconformity_rate.percent_text(),
            approvers or "—",
        )
        if c.pass_rate.few():
            text += " " + self.tr(
                "Fewer than {0} judged samples: the rate says little (95 % interval {1}–{2} %)."
            ).format(MIN_SAMPLES, *(c.pass_rate.interval() or ("—", "—")))
        self.detail_label.setText(text)
        self.items_model.set_rows([(i.name, i.tested, i.failed) for i in batch.failing_items])
        self.samples_model.set_rows(
            [
                (s.sample_no, s.sample_name, s.enterprise, s.conclusion, s.failing_items)
                for s in batch.samples
            ]
        )

    # ----- outbox ---------------------------------------------------------------------

    def _choose_outbox(self) -> None:
        chosen = QFileDialog.getExistingDirectory(
            self, self.tr("Outbox folder for batch files"), self.outbox_dir()
        )
        if chosen:
            self.set_outbox(chosen)

    def set_outbox(self, folder: str) -> None:
        """Save the centre's outbox folder (the service decides who may)."""
        from labdesk.services import auth

        self.banner.clear_message()
        if self.session.context is None:
            self.banner.show_error(self.tr("Sign in first."))
            return
        try:
            auth.set_outbox_dir(self.session.context, folder)  # manager or admin
        except LabDeskError as exc:
            self.banner.show_error(error_text(exc))
            return
        self.session.notify_changed("centre")
        self._show_key_and_outbox()

    # ----- export ---------------------------------------------------------------------

    def start_export(self) -> None:
        """Open the sign-off dialog for the pending batch (non-blocking)."""
        self.banner.clear_message()
        pending = self.pending()
        if pending is None:
            self.banner.show_error(self.tr("Nothing approved is waiting for export."))
            return
        dialog = ExportDialog(pending, self.outbox_dir(), self)
        dialog.accepted.connect(
            lambda: self.export(dialog.folder.text().strip(), dialog.passphrase.text())
        )
        # Kept while its export runs: a server away reopens it as it was (_export_failed).
        dialog.rejected.connect(dialog.deleteLater)
        self.export_dialog = dialog
        dialog.open()

    def _export_ended(self, exc: BaseException | None) -> None:
        """The sign-off dialog after its export: gone when done; reopened with what was
        typed and why when the server was away or busy (nothing was exported), so the
        manager sends the same export again with one click."""
        from labdesk.ui.server_notice import notice, retryable

        dialog, self.export_dialog = self.export_dialog, None
        if dialog is None:
            return
        if exc is not None and retryable(exc):
            dialog.error.setText(notice(exc))
            self.export_dialog = dialog
            dialog.open()
            return
        dialog.deleteLater()

    def export(self, folder: str, passphrase: str) -> None:
        """Export the pending batch to `folder` off the GUI thread, with progress/cancel."""
        from labdesk.batch.export import ExportResult, export_batch

        self.banner.clear_message()
        ctx = self.session.context
        if ctx is None:
            self.banner.show_error(self.tr("Sign in first."))
            return

        def work(state: TaskState) -> ExportResult:
            return export_batch(
                ctx, folder, passphrase, progress=state.set_progress, cancel=state.is_cancelled
            )

        def done(result: ExportResult) -> None:
            self.banner.show_info(
                self.tr("Batch {0} ({1} samples) written to {2}").format(
                    result.sequence, result.sample_count, result.path
                )
            )
            self.session.notify_changed("batches")
            self._export_ended(None)
            self.refresh()
            self.exportFinished.emit()

        def failed(exc: BaseException) -> None:
            self._show_failure(exc)
            self._export_ended(exc)
            self.refresh()
            self.exportFinished.emit()

        self.export_operation = run_operation(
            self,
            work,
            label=self.tr("Exporting the batch…"),
            on_success=done,
            on_failure=failed,
            writes=True,
        )

    def _choose_rewrite(self) -> None:
        batch = self.selected_batch()
        if batch is None or batch.sequence is None:
            return
        chosen = QFileDialog.getExistingDirectory(
            self, self.tr("Write the batch file into"), self.outbox_dir()
        )
        if chosen:
            self.rewrite(batch.sequence, chosen)

    def rewrite(self, sequence: int, folder: str) -> None:
        """Write an exported batch again, byte-identical, from the database."""
        from labdesk.batch.export import rewrite_batch

        self.banner.clear_message()
        try:
            path = rewrite_batch(self.session.db, sequence, folder)
        except LabDeskError as exc:
            self.banner.show_error(error_text(exc))
        except OSError as exc:
            self.banner.show_error(
                self.tr("Could not write the batch file: {0}").format(error_text(exc))
            )
        else:
            self.banner.show_info(self.tr("Batch {0} written again to {1}").format(sequence, path))
        self.exportFinished.emit()

    def _show_failure(self, exc: BaseException) -> None:
        from labdesk.ui.errors import user_message

        if not isinstance(exc, LabDeskError):
            log.error("batches screen failed", exc_info=(type(exc), exc, exc.__traceback__))
        self.banner.show_error(user_message(exc))


def grouped(fingerprint: str, size: int = 4) -> str:
    """A hex fingerprint in groups of four, easy to read out over the phone."""
    return " ".join(fingerprint[i : i + size] for i in range(0, len(fingerprint), size))
