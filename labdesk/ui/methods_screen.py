"""Test methods (检测方法) and their versions, QC materials, and trying a formula.

The table lists each method's current version (formula, n determinations, permitted
difference, LOD, U). New method… and Revise… open one form: a revision with any change
writes the next version (past results keep theirs); the inputs are one per line,
``name | label | unit | default | blank of`` (``rho0 | 空白 | μg/L | | rho``). Try computes
the selected method's formula on typed test values (``rho=12.3 m=0.5012``) without
writing anything, as SENAITE lets an author try a calculation before saving it.
Keeping methods and materials is the technical manager's (`services.methods`).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from labdesk.core.errors import LabDeskError, ValidationError
from labdesk.services import methods
from labdesk.ui.entry import InlineMessage
from labdesk.ui.errors import error_text
from labdesk.ui.run_dialogs import _ServiceDialog
from labdesk.ui.server_notice import ReadNotice
from labdesk.ui.session import UiSession

INPUT_FIELDS = ("name", "label", "unit", "default", "blank_of")


def inputs_from_text(text: str) -> list[dict[str, str]]:
    """``name | label | unit | default | blank_of`` per line → the inputs of a version."""
    out: list[dict[str, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        cells = [c.strip() for c in line.split("|")]
        if len(cells) > len(INPUT_FIELDS) or not cells[0]:
            raise ValidationError(
                "inputs", "line", f"inputs, line {number}: name | label | unit | default | blank of"
            )
        out.append({k: v for k, v in zip(INPUT_FIELDS, cells, strict=False) if v})
    return out


def inputs_to_text(inputs: list[dict[str, str]]) -> str:
    lines = []
    for item in inputs:
        cells = [str(item.get(k, "") or "") for k in INPUT_FIELDS]
        while cells and not cells[-1]:
            cells.pop()
        lines.append(" | ".join(cells))
    return "\n".join(lines)


class MethodsScreen(QWidget):
    def __init__(self, session: UiSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName("screen_methods")
        self.dialog: _ServiceDialog | None = None
        self._rows: list[dict[str, Any]] = []
        self.table = QTableWidget(0, 8)
        self.table.setObjectName("methods_table")
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Code"),
                self.tr("Name"),
                self.tr("Item"),
                self.tr("Version"),
                self.tr("Formula"),
                self.tr("Determinations"),
                self.tr("Permitted difference %"),
                self.tr("LOD / U"),
            ]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        buttons = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for key, text, slot in (
            ("new", self.tr("New method…"), self.start_new),
            ("revise", self.tr("Revise…"), self.start_revise),
            ("material", self.tr("Add QC material…"), self.start_material),
        ):
            button = QPushButton(text)
            button.setObjectName(f"methods_{key}")
            button.clicked.connect(lambda _=False, s=slot: s())
            self.buttons[key] = button
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.try_values = QLineEdit()
        self.try_values.setObjectName("methods_try_values")
        self.try_values.setPlaceholderText(self.tr("Test values, e.g. rho=12.3 rho0=0.3 m=0.5012"))
        self.try_values.returnPressed.connect(self.try_formula)
        try_button = QPushButton(self.tr("Try"))
        try_button.setObjectName("methods_try")
        try_button.clicked.connect(self.try_formula)
        self.try_result = QLabel()
        self.try_result.setObjectName("methods_try_result")
        self.try_result.setWordWrap(True)
        trying = QHBoxLayout()
        trying.addWidget(QLabel(self.tr("Try the selected formula:")))
        trying.addWidget(self.try_values, 1)
        trying.addWidget(try_button)
        self.message = InlineMessage(self)
        self.read_notice = ReadNotice(self.message)
        self.message.setObjectName("methods_message")
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addLayout(trying)
        layout.addWidget(self.try_result)
        layout.addWidget(self.message)
        self.refresh()

    def refresh(self) -> None:
        """Read again; a server away leaves what is shown and says so (server_notice)."""
        self.read_notice.read(self._read_rows)

    def _read_rows(self) -> None:
        self._rows = methods.list_methods(self.session.db)
        self.table.setRowCount(len(self._rows))
        for row, method in enumerate(self._rows):
            cells = (
                method["code"],
                method["name"] + (self.tr(" (sample data)") if method["sample_data"] else ""),
                method["item_code"],
                str(method["version"]),
                method["formula"],
                str(method["replicates"]),
                method["max_rel_diff"] or "",
                f"{method['lod'] or '—'} / {method['uncertainty'] or '—'}",
            )
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(str(text)))

    def selected(self) -> dict[str, Any] | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            self.message.show_message(self.tr("Select a method first."), True)
            return None
        return self._rows[rows[0].row()]

    # ----- forms --------------------------------------------------------------------

    def _open(self, dialog: _ServiceDialog, done: str) -> _ServiceDialog:
        if self.dialog is not None:
            self.dialog.setParent(None)
        self.dialog = dialog

        def finished() -> None:
            self.message.show_message(done, False)
            self.session.notify_changed("methods")
            self.refresh()

        dialog.accepted.connect(finished)
        dialog.open()
        return dialog

    def _line(self, dialog: _ServiceDialog, key: str, label: str, text: str = "") -> QLineEdit:
        edit = QLineEdit(text)
        edit.setObjectName(f"method_{key}")
        dialog.form.addRow(label, edit)
        return edit

    def _version_fields(
        self, dialog: _ServiceDialog, current: dict[str, Any] | None
    ) -> dict[str, Any]:
        import json

        c = current or {}
        fields: dict[str, Any] = {
            "formula": self._line(dialog, "formula", self.tr("Formula:"), c.get("formula", "")),
        }
        inputs = QPlainTextEdit(inputs_to_text(json.loads(c["inputs"])) if c else "")
        inputs.setObjectName("method_inputs")
        inputs.setTabChangesFocus(True)
        inputs.setFixedHeight(90)
        dialog.form.addRow(self.tr("Inputs (name | label | unit | default | blank of):"), inputs)
        fields["inputs"] = inputs
        fields["unit"] = self._line(dialog, "unit", self.tr("Result unit:"), c.get("unit", ""))
        places = QSpinBox()
        places.setObjectName("method_places")
        places.setRange(0, 20)
        stored = c.get("places")
        places.setValue(3 if stored is None else int(stored))
        dialog.form.addRow(self.tr("Decimal places of the result:"), places)
        fields["places"] = places
        replicates = QSpinBox()
        replicates.setObjectName("method_replicates")
        replicates.setRange(1, 20)
        replicates.setValue(int(c.get("replicates", 2)))
        dialog.form.addRow(self.tr("Parallel determinations:"), replicates)
        fields["replicates"] = replicates
        for key, label in (
            ("max_rel_diff", self.tr("Permitted difference, % of the mean:")),
            ("lod", self.tr("LOD:")),
            ("loq", self.tr("LOQ:")),
            ("uncertainty", self.tr("U (k = 2), e.g. 10% or ≤0.1:20%; *:10%:")),
            ("spike_low", self.tr("Spike recovery from %:")),
            ("spike_high", self.tr("Spike recovery to %:")),
            ("analyte", self.tr("Analyte as the instrument names it:")),
        ):
            fields[key] = self._line(dialog, key, label, str(c.get(key) or ""))
        return fields

    @staticmethod
    def _version_form(fields: dict[str, Any]) -> methods.VersionForm:
        def text(key: str) -> str:
            return str(fields[key].text()).strip()

        return methods.VersionForm(
            formula=text("formula"),
            inputs=inputs_from_text(fields["inputs"].toPlainText()),
            unit=text("unit"),
            places=int(fields["places"].value()),
            replicates=int(fields["replicates"].value()),
            max_rel_diff=text("max_rel_diff") or None,
            lod=text("lod") or None,
            loq=text("loq") or None,
            uncertainty=text("uncertainty"),
            spike_low=text("spike_low") or None,
            spike_high=text("spike_high") or None,
            analyte=text("analyte"),
        )

    def start_new(self) -> _ServiceDialog:
        dialog = _ServiceDialog(self.tr("New test method"), self)
        dialog.setObjectName("method_dialog")
        code = self._line(dialog, "code", self.tr("Method code:"))
        name = self._line(dialog, "name", self.tr("Name:"))
        item = self._line(dialog, "item_code", self.tr("Item code it measures (e.g. PB):"))
        standard = self._line(dialog, "test_method", self.tr("Standard (as on the items):"))
        fields = self._version_fields(dialog, None)

        def submit() -> int:
            return methods.create_method(
                self.session.context,
                methods.MethodForm(
                    code.text(),
                    name.text(),
                    item.text(),
                    self._version_form(fields),
                    test_method=standard.text(),
                ),
            )

        dialog.submit = submit
        return self._open(dialog, self.tr("Method created (version 1)."))

    def start_revise(self) -> _ServiceDialog | None:
        row = self.selected()
        if row is None:
            return None
        dialog = _ServiceDialog(self.tr("Revise {0}").format(row["code"]), self)
        dialog.setObjectName("method_dialog")
        fields = self._version_fields(dialog, row)
        reason = self._line(dialog, "reason", self.tr("Reason (required):"))
        code = str(row["code"])
        dialog.submit = lambda: methods.revise_method(
            self.session.context, code, self._version_form(fields), reason.text()
        )
        return self._open(dialog, self.tr("Saved: a change makes the next version."))

    def start_material(self) -> _ServiceDialog | None:
        row = self.selected()
        if row is None:
            return None
        dialog = _ServiceDialog(self.tr("QC material for {0}").format(row["code"]), self)
        dialog.setObjectName("material_dialog")
        code = self._line(dialog, "material_code", self.tr("Material code:"))
        name = self._line(dialog, "material_name", self.tr("Name:"))
        kind = QComboBox()
        kind.setObjectName("material_kind")
        kind.addItem(self.tr("Certified reference material"), "crm")
        kind.addItem(self.tr("Control material (chart)"), "control")
        dialog.form.addRow(self.tr("Kind:"), kind)
        values = {
            key: self._line(dialog, f"material_{key}", label)
            for key, label in (
                ("certified", self.tr("Certified value:")),
                ("certified_u", self.tr("Its U:")),
                ("mean", self.tr("Control mean:")),
                ("sd", self.tr("Control SD:")),
                ("unit", self.tr("Unit:")),
                ("lot", self.tr("Lot:")),
            )
        }
        method_code = str(row["code"])

        def submit() -> int:
            return methods.add_qc_material(
                self.session.context,
                methods.QcMaterialForm(
                    code.text(),
                    name.text(),
                    method_code,
                    str(kind.currentData()),
                    certified=values["certified"].text().strip() or None,
                    certified_u=values["certified_u"].text().strip() or None,
                    mean=values["mean"].text().strip() or None,
                    sd=values["sd"].text().strip() or None,
                    unit=values["unit"].text(),
                    lot=values["lot"].text(),
                ),
            )

        dialog.submit = submit
        return self._open(dialog, self.tr("QC material added."))

    # ----- trying -------------------------------------------------------------------

    def try_formula(self) -> None:
        from labdesk.core.method_calc import compute_item

        row = self.selected()
        if row is None:
            return
        given: dict[str, str] = {}
        for part in self.try_values.text().replace(",", " ").split():
            name, _, value = part.partition("=")
            given[name.strip()] = value.strip()
        spec = methods.spec_of(row)
        try:  # the same values for every determination; a blank input is typed too
            done = compute_item(spec, [given] * spec.replicates)
        except LabDeskError as exc:
            self.try_result.setText(error_text(exc))
            return
        steps = "; ".join(f"{n} = {v}" for n, v in done.replicates[0].intermediates)
        self.try_result.setText(
            self.tr("Result: {0} {1} (unrounded {2}){3}").format(
                done.text, spec.unit, done.check.mean, f"; {steps}" if steps else ""
            )
        )
