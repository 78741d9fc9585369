"""The sampling form (抽样单), grouped as on paper.

Groups: header (form number, task, product category, sampling date) · sampled unit
(被抽样单位) · nominal producer (标称生产者) · sample (样品) · samplers and sealing.
Beside them: the standard's items in force on the sampling date for the chosen
category — exactly what will be frozen onto the sample when it is saved.

Validation happens as you type, next to the field: the 统一社会信用代码 shows the rule it
breaks (`core.uscc.validate_uscc`), dates must be real YYYY-MM-DD dates, quantities
plain non-negative decimals, at least two different samplers. Saving goes through the
services, and a `ValidationError` from them is shown next to the field it names.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from PySide6.QtCore import QCoreApplication, QStringListModel, Qt, QTimer
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from labdesk.core.errors import LabDeskError, ValidationError
from labdesk.core.uscc import validate_uscc
from labdesk.ui.labels import chinese_ui, method_text
from labdesk.ui.session import UiSession

REGION_TYPES = ("城市", "乡村", "景点", "其他")
PLACE_TYPES = (
    "原辅料库",
    "生产线",
    "成品库",
    "批发市场",
    "农贸市场",
    "商场",
    "超市",
    "小食杂店",
    "网购",
    "餐饮",
    "其他",
)
PACKAGING_CHOICES = ("", "散装", "预包装")

ERROR_STYLE = "color: #b00020;"


def parse_date(text: str) -> date | None:
    """A YYYY-MM-DD date, or None for empty text; ValueError when not a real date."""
    text = text.strip()
    if not text:
        return None
    parts = text.split("-")
    if len(parts) != 3 or not all(p.isdigit() for p in parts) or len(parts[0]) != 4:
        raise ValueError("format")
    return date(int(parts[0]), int(parts[1]), int(parts[2]))


def decimal_problem(text: str) -> str:
    """'' if `text` is empty or a plain non-negative decimal, else the rule it breaks."""
    value = text.strip()
    if not value:
        return ""
    if "e" in value.lower():
        return "plain"
    try:
        number = Decimal(value)
    except InvalidOperation:
        return "number"
    if not number.is_finite():
        return "plain"
    if number < 0:
        return "negative"
    return ""


class Field(QWidget):
    """An input with its error line right under it."""

    def __init__(self, editor: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(1)
        layout.addWidget(editor)
        layout.addWidget(self.error)

    def set_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))


class SamplingForm(QWidget):
    """The form itself (embeddable: the dialog wraps it, screenshots render it)."""

    def __init__(self, session: UiSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName("sampling_form")
        self.fields: dict[str, Field] = {}
        self._enterprise_hits: dict[str, dict[str, Any]] = {}

        columns = QHBoxLayout(self)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        body = QWidget()
        grid = QGridLayout(body)
        grid.addWidget(self._header_group(), 0, 0)
        grid.addWidget(self._unit_group(), 1, 0)
        grid.addWidget(self._producer_group(), 2, 0)
        grid.addWidget(self._sample_group(), 0, 1, 2, 1)
        grid.addWidget(self._samplers_group(), 2, 1)
        grid.setRowStretch(3, 1)
        scroll.setWidget(body)
        columns.addWidget(scroll, 3)
        columns.addWidget(self._items_panel(), 2)

        self._load_choices()
        self._wire_validation()
        self._suggest_form_number()
        self.update_items()

    # ----- building -------------------------------------------------------------------

    def _line(self, key: str, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(f"form_{key}")
        if placeholder:
            edit.setPlaceholderText(placeholder)
        self.fields[key] = Field(edit)
        return edit

    def _combo(self, key: str, items: tuple[str, ...], editable: bool = False) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(f"form_{key}")
        combo.setEditable(editable)
        combo.addItems(list(items))
        self.fields[key] = Field(combo)
        return combo

    def _row(self, form: QFormLayout, label: str, key: str) -> None:
        form.addRow(label, self.fields[key])

    def _header_group(self) -> QGroupBox:
        box = QGroupBox(self.tr("Form"))
        form = QFormLayout(box)
        self.sample_no = self._line("sample_no")
        self.task = self._combo("task_no", ())
        self.category = self._combo("category_code", ())
        self.sampling_date = self._line("sampling_date", "YYYY-MM-DD")
        self.sampling_date.setText(date.today().isoformat())
        self._row(form, self.tr("Form number"), "sample_no")
        self._row(form, self.tr("Task"), "task_no")
        self._row(form, self.tr("Product category"), "category_code")
        self._row(form, self.tr("Sampling date"), "sampling_date")
        return box

    def _unit_group(self) -> QGroupBox:
        box = QGroupBox(self.tr("Sampled unit"))
        form = QFormLayout(box)
        self.uscc = self._line("enterprise_uscc", self.tr("18 characters, e.g. 914403001922038216"))
        self.uscc.setMaxLength(24)
        self.unit_name = self._line("enterprise_name", self.tr("type to search registered units"))
        self.unit_address = self._line("enterprise_address")
        self.legal_rep = self._line("legal_rep")
        self.contact = self._line("contact")
        self.phone = self._line("phone")
        self.region_type = self._combo("region_type", REGION_TYPES, editable=True)
        self.place_type = self._combo("place_type", PLACE_TYPES, editable=True)
        self._row(form, self.tr("Unified social credit code"), "enterprise_uscc")
        self._row(form, self.tr("Name"), "enterprise_name")
        self._row(form, self.tr("Address"), "enterprise_address")
        self._row(form, self.tr("Legal representative"), "legal_rep")
        self._row(form, self.tr("Contact"), "contact")
        self._row(form, self.tr("Phone"), "phone")
        self._row(form, self.tr("Region type"), "region_type")
        self._row(form, self.tr("Sampling place"), "place_type")
        self._completer_model = QStringListModel(self)
        completer = QCompleter(self._completer_model, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        # QLineEdit puts the whole completion ("name · code") into the field when it is
        # chosen; fill the unit's fields after that, from the chosen enterprise.
        completer.activated.connect(
            lambda text: QTimer.singleShot(0, lambda: self._enterprise_chosen(text))
        )
        self.unit_name.setCompleter(completer)
        self._lookup_timer = QTimer(self)
        self._lookup_timer.setSingleShot(True)
        self._lookup_timer.setInterval(150)
        self._lookup_timer.timeout.connect(self._lookup_enterprises)
        return box

    def _producer_group(self) -> QGroupBox:
        box = QGroupBox(self.tr("Nominal producer"))
        form = QFormLayout(box)
        self.producer_name = self._line("producer_name")
        self.producer_address = self._line("producer_address")
        self.producer_phone = self._line("producer_phone")
        self._row(form, self.tr("Name"), "producer_name")
        self._row(form, self.tr("Address"), "producer_address")
        self._row(form, self.tr("Phone"), "producer_phone")
        return box

    def _sample_group(self) -> QGroupBox:
        box = QGroupBox(self.tr("Sample"))
        form = QFormLayout(box)
        self.sample_name = self._line("sample_name")
        self.brand = self._line("brand")
        self.spec_model = self._line("spec_model")
        self.batch_no = self._line("batch_no")
        self.production_date = self._line("production_date", "YYYY-MM-DD")
        self.shelf_life = self._line("shelf_life")
        self.executive_standard = self._line("executive_standard")
        self.quality_grade = self._line("quality_grade")
        self.licence_no = self._line("licence_no")
        self.lot_size = self._line("lot_size")
        self.sample_qty = self._line("sample_qty")
        self.reserve_qty = self._line("reserve_qty")
        self.qty_unit = self._line("qty_unit", self.tr("e.g. kg, 件, 袋"))
        self.packaging = self._combo("packaging", PACKAGING_CHOICES)
        self.unit_price = self._line("unit_price")
        for key, label in (
            ("sample_name", self.tr("Sample name")),
            ("brand", self.tr("Brand")),
            ("spec_model", self.tr("Specification / model")),
            ("batch_no", self.tr("Batch number")),
            ("production_date", self.tr("Production date")),
            ("shelf_life", self.tr("Shelf life")),
            ("executive_standard", self.tr("Executive standard")),
            ("quality_grade", self.tr("Quality grade")),
            ("licence_no", self.tr("Production licence no.")),
            ("lot_size", self.tr("Lot size (sampling base)")),
            ("sample_qty", self.tr("Sample quantity")),
            ("reserve_qty", self.tr("Reserve quantity")),
            ("qty_unit", self.tr("Quantity unit")),
            ("packaging", self.tr("Form / packaging")),
            ("unit_price", self.tr("Unit price (yuan)")),
        ):
            self._row(form, label, key)
        return box

    def _samplers_group(self) -> QGroupBox:
        box = QGroupBox(self.tr("Samplers and sealing"))
        form = QFormLayout(box)
        self.sampler1 = QLineEdit()
        self.sampler1.setObjectName("form_sampler1")
        self.sampler2 = QLineEdit()
        self.sampler2.setObjectName("form_sampler2")
        self.more_samplers = QLineEdit()
        self.more_samplers.setObjectName("form_more_samplers")
        self.more_samplers.setPlaceholderText(self.tr("more, separated by commas"))
        samplers = QWidget()
        row = QHBoxLayout(samplers)
        row.setContentsMargins(0, 0, 0, 0)
        for edit in (self.sampler1, self.sampler2, self.more_samplers):
            row.addWidget(edit)
        self.fields["samplers"] = Field(samplers)
        self.sampling_org = self._line("sampling_org")
        self.sealed = QCheckBox(self.tr("Sample sealed (封样)"))
        self.sealed.setObjectName("form_sealed")
        self.acknowledged = QCheckBox(self.tr("Sampled unit acknowledged and signed"))
        self.acknowledged.setObjectName("form_acknowledged")
        self._row(form, self.tr("Samplers (at least two)"), "samplers")
        self._row(form, self.tr("Sampling organisation"), "sampling_org")
        form.addRow(self.sealed)
        form.addRow(self.acknowledged)
        return box

    def _items_panel(self) -> QWidget:
        panel = QGroupBox(self.tr("Test items to be frozen onto this sample"))
        layout = QVBoxLayout(panel)
        self.items_note = QLabel()
        self.items_note.setObjectName("form_items_note")
        self.items_note.setWordWrap(True)
        self.items_table = QTableWidget(0, 5)
        self.items_table.setObjectName("form_items")
        self.items_table.setHorizontalHeaderLabels(
            [
                self.tr("Item"),
                self.tr("Limit"),
                self.tr("Unit"),
                self.tr("Judged by"),
                self.tr("Standard"),
            ]
        )
        self.items_table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.items_table.horizontalHeader().setStretchLastSection(True)
        self.items_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for column, width in enumerate((130, 90, 60, 70)):
            self.items_table.horizontalHeader().resizeSection(column, width)
        layout.addWidget(self.items_note)
        layout.addWidget(self.items_table, 1)
        return panel

    def _load_choices(self) -> None:
        from labdesk.services import library, tasks

        self.task.clear()
        for task in tasks.list_tasks(self.session.db):
            self.task.addItem(
                f"{task['task_no']} · {task['category']} · {task['source']}", task["task_no"]
            )
        self.category.clear()
        for cat in library.categories(self.session.db):
            name = cat.get("name_en") if not chinese_ui() and cat.get("name_en") else cat["name"]
            label = f"{name} ({cat['code']})"
            if cat.get("sample_data"):
                label += " " + self.tr("[sample data]")
            self.category.addItem(label, cat["code"])

    def _suggest_form_number(self) -> None:
        from labdesk.services import auth

        centre = auth.centre(self.session.db) or {}
        year = date.today().year
        prefix = f"{centre.get('code', 'LD')}{year}"
        count = int(
            self.session.db.scalar(
                "SELECT count(*) FROM samples WHERE sample_no LIKE ?", (f"{prefix}%",)
            )
            or 0
        )
        serial = count + 1
        while self.session.db.scalar(
            "SELECT 1 FROM samples WHERE sample_no = ?", (f"{prefix}{serial:05d}",)
        ):
            serial += 1
        self.sample_no.setText(f"{prefix}{serial:05d}")

    # ----- validation as you type -----------------------------------------------------

    def _wire_validation(self) -> None:
        self.uscc.textChanged.connect(self._check_uscc)
        self.sampling_date.textChanged.connect(self._check_dates)
        self.production_date.textChanged.connect(self._check_dates)
        for key in ("lot_size", "sample_qty", "reserve_qty", "unit_price"):
            edit = self.fields[key].editor
            assert isinstance(edit, QLineEdit)
            edit.textChanged.connect(lambda _t, k=key: self._check_decimal(k))
        for edit in (self.sampler1, self.sampler2, self.more_samplers):
            edit.textChanged.connect(self._check_samplers)
        self.unit_name.textEdited.connect(lambda _t: self._lookup_timer.start())
        self.category.currentIndexChanged.connect(lambda _i: self.update_items())
        self.sampling_date.editingFinished.connect(self.update_items)

    def _check_uscc(self) -> None:
        text = self.uscc.text()
        if not text.strip():
            self.fields["enterprise_uscc"].set_error("")
            return
        check = validate_uscc(text)
        if not check.valid:
            self.fields["enterprise_uscc"].set_error(check.reason)
            return
        from labdesk.services import enterprises

        found = enterprises.enterprise_by_uscc(self.session.db, check.normalized)
        if found is not None:
            self._fill_enterprise(found)
            self.fields["enterprise_uscc"].set_error("")
        else:
            self.fields["enterprise_uscc"].set_error("")
            self.fields["enterprise_name"].set_error(
                self.tr("New unit: it is registered when the form is saved.")
            )

    def _check_dates(self) -> None:
        sampled: date | None = None
        for key, edit in (
            ("sampling_date", self.sampling_date),
            ("production_date", self.production_date),
        ):
            try:
                value = parse_date(edit.text())
            except ValueError:
                self.fields[key].set_error(
                    self.tr("Not a date: write YYYY-MM-DD, e.g. 2026-03-18.")
                )
                continue
            message = ""
            if key == "sampling_date":
                sampled = value
                if value is not None and value > date.today():
                    message = self.tr("The sampling date is in the future.")
            elif value is not None and sampled is not None and value > sampled:
                message = self.tr("The production date is after the sampling date.")
            self.fields[key].set_error(message)

    def _check_decimal(self, key: str) -> None:
        edit = self.fields[key].editor
        assert isinstance(edit, QLineEdit)
        problem = decimal_problem(edit.text())
        messages = {
            "number": self.tr("Not a number: write a decimal such as 2 or 1.5."),
            "plain": self.tr("Write a plain decimal (no exponent)."),
            "negative": self.tr("A quantity cannot be negative."),
        }
        self.fields[key].set_error(messages.get(problem, ""))

    def samplers(self) -> list[str]:
        names = [self.sampler1.text(), self.sampler2.text()]
        names += self.more_samplers.text().replace("，", ",").replace("、", ",").split(",")
        return [n.strip() for n in names if n.strip()]

    def _check_samplers(self) -> None:
        names = self.samplers()
        if len(names) < 2:
            self.fields["samplers"].set_error(self.tr("At least two samplers, each named."))
        elif len(set(names)) != len(names):
            self.fields["samplers"].set_error(self.tr("The samplers must be different people."))
        else:
            self.fields["samplers"].set_error("")

    # ----- enterprise look-up ---------------------------------------------------------

    def _lookup_enterprises(self) -> None:
        from labdesk.services import enterprises

        hits = enterprises.find_enterprises(self.session.db, self.unit_name.text(), limit=20)
        self._enterprise_hits = {f"{h['name']} · {h['uscc']}": h for h in hits}
        self._completer_model.setStringList(list(self._enterprise_hits))
        completer = self.unit_name.completer()
        if hits and self.unit_name.hasFocus():
            completer.complete()

    def _enterprise_chosen(self, text: str) -> None:
        hit = self._enterprise_hits.get(text)
        if hit is not None:
            self._fill_enterprise(hit)
            self.uscc.setText(str(hit["uscc"]))

    def _fill_enterprise(self, hit: dict[str, Any]) -> None:
        self.unit_name.setText(str(hit.get("name", "")))
        self.unit_address.setText(str(hit.get("address", "")))
        self.legal_rep.setText(str(hit.get("legal_rep", "")))
        self.contact.setText(str(hit.get("contact", "")))
        self.phone.setText(str(hit.get("phone", "")))
        self.fields["enterprise_name"].set_error("")

    # ----- the standard's items -------------------------------------------------------

    def update_items(self) -> None:
        from labdesk.services import library

        code = self.category.currentData()
        try:
            on = parse_date(self.sampling_date.text()) or date.today()
        except ValueError:
            on = date.today()
        self.items_table.setRowCount(0)
        if not code:
            self.items_note.setText(self.tr("Choose a product category."))
            return
        try:
            items = library.items_for(self.session.db, str(code), on)
        except LabDeskError as exc:
            self.items_note.setText(str(exc))
            return
        standards = sorted({f"{i['standard_no']}-{i['standard_year']}".strip("-") for i in items})
        self.items_note.setText(
            self.tr("{0} items in force on {1}: {2}").format(
                len(items), on.isoformat(), ", ".join(standards)
            )
        )
        self.items_table.setRowCount(len(items))
        for row, item in enumerate(items):
            values = (
                item["name"],
                item["limit_text"],
                item["unit"],
                method_text(str(item["method"])),
                f"{item['standard_no']}-{item['standard_year']}".strip("-"),
            )
            for column, value in enumerate(values):
                self.items_table.setItem(row, column, QTableWidgetItem(str(value)))

    # ----- saving ---------------------------------------------------------------------

    def clear_errors(self) -> None:
        for field in self.fields.values():
            field.set_error("")

    def show_error(self, exc: ValidationError) -> bool:
        """Show `exc` next to its field; False if the field is not on the form."""
        key = {
            "enterprise_id": "enterprise_uscc",
            "uscc": "enterprise_uscc",
            "name": "enterprise_name",
            "task_id": "task_no",
        }.get(exc.field, exc.field)
        field = self.fields.get(key)
        if field is None:
            return False
        field.set_error(str(exc))
        field.editor.setFocus()
        return True

    def form_errors(self) -> bool:
        """Re-run the as-you-type checks; True if any field shows an error."""
        self._check_uscc()
        self._check_dates()
        for key in ("lot_size", "sample_qty", "reserve_qty", "unit_price"):
            self._check_decimal(key)
        self._check_samplers()
        blocking = [k for k, f in self.fields.items() if f.error.text() and k != "enterprise_name"]
        return bool(blocking)

    def _require_sample_fields(self, form: Any) -> None:
        """The fields the service requires of a registered (not draft) sample."""
        for key, value in (
            ("sample_no", form.sample_no),
            ("task_no", form.task_no),
            ("category_code", form.category_code),
            ("sample_name", form.sample_name),
        ):
            if not str(value).strip():
                raise ValidationError(key, "required", _required_message())
        if form.sampling_date is None:
            raise ValidationError("sampling_date", "required", _required_message())

    def save(self) -> int:
        """Register the enterprise if new, then the sample. Raises LabDeskError."""
        from labdesk.services import enterprises, samples

        ctx = self.session.context
        check = validate_uscc(self.uscc.text())
        if not self.uscc.text().strip():
            raise ValidationError(
                "enterprise_uscc", "required", self.tr("The sampled unit's code is required.")
            )
        if not check.valid:
            raise ValidationError("enterprise_uscc", "uscc", check.reason)
        sampling = parse_date(self.sampling_date.text())
        production = parse_date(self.production_date.text())
        form = samples.SampleForm(
            sample_no=self.sample_no.text(),
            sample_name=self.sample_name.text(),
            category_code=str(self.category.currentData() or ""),
            sampling_date=sampling,
            enterprise_uscc=check.normalized,
            task_no=str(self.task.currentData() or ""),
            region_type=self.region_type.currentText(),
            place_type=self.place_type.currentText(),
            producer_name=self.producer_name.text(),
            producer_address=self.producer_address.text(),
            producer_phone=self.producer_phone.text(),
            brand=self.brand.text(),
            spec_model=self.spec_model.text(),
            batch_no=self.batch_no.text(),
            production_date=production,
            shelf_life=self.shelf_life.text(),
            executive_standard=self.executive_standard.text(),
            quality_grade=self.quality_grade.text(),
            licence_no=self.licence_no.text(),
            lot_size=self.lot_size.text(),
            sample_qty=self.sample_qty.text(),
            reserve_qty=self.reserve_qty.text(),
            qty_unit=self.qty_unit.text(),
            packaging=self.packaging.currentText(),
            unit_price=self.unit_price.text(),
            samplers=self.samplers(),
            sampling_org=self.sampling_org.text(),
            sealed=self.sealed.isChecked(),
            unit_acknowledged=self.acknowledged.isChecked(),
        )
        # A new sampled unit is registered first (its own audited record), then the
        # sample. The required sample fields are checked before that, so a form that is
        # obviously incomplete registers nothing at all.
        self._require_sample_fields(form)
        if enterprises.enterprise_by_uscc(self.session.db, check.normalized) is None:
            if not self.unit_name.text().strip():
                raise ValidationError(
                    "enterprise_name", "required", self.tr("The sampled unit's name is required.")
                )
            enterprises.register_enterprise(
                ctx,
                enterprises.EnterpriseForm(
                    uscc=check.normalized,
                    name=self.unit_name.text(),
                    address=self.unit_address.text(),
                    legal_rep=self.legal_rep.text(),
                    contact=self.contact.text(),
                    phone=self.phone.text(),
                ),
            )
        sample_id = samples.register_sample(ctx, form)
        self.session.notify_changed("samples")
        return sample_id


def _required_message() -> str:
    return QCoreApplication.translate("SamplingForm", "Required.")


class SamplingFormDialog(QDialog):
    """The sampling form in a dialog: Save registers the sample and closes."""

    def __init__(self, session: UiSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sampling_form_dialog")
        self.setWindowTitle(self.tr("Sampling form"))
        self.sample_id: int | None = None
        self.form = SamplingForm(session, self)
        self.message = QLabel()
        self.message.setObjectName("form_message")
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("form_save")
        self.save_button.setToolTip(self.tr("Save the form (Ctrl+S)"))
        # Enter in a field moves to the next field, as on a paper form; it must not
        # submit a half-filled form. Saving is Ctrl+S (or Ctrl+Enter) or the button.
        for button in buttons.buttons():
            if isinstance(button, QPushButton):
                button.setAutoDefault(False)
                button.setDefault(False)
        for sequence in (QKeySequence(QKeySequence.StandardKey.Save), QKeySequence("Ctrl+Return")):
            shortcut = QShortcut(sequence, self)
            shortcut.activated.connect(self.save)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.form, 1)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.resize(1240, 780)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers():
            self.focusNextChild()
            return
        super().keyPressEvent(event)

    def save(self) -> None:
        self.message.setText("")
        if self.form.form_errors():
            self.message.setText(self.tr("Please correct the fields marked in red."))
            return
        self.form.clear_errors()
        try:
            self.sample_id = self.form.save()
        except ValidationError as exc:
            if not self.form.show_error(exc):
                self.message.setText(str(exc))
            else:
                self.message.setText(self.tr("Please correct the fields marked in red."))
            return
        except ValueError:
            self.message.setText(self.tr("Please correct the fields marked in red."))
            self.form.form_errors()
            return
        except LabDeskError as exc:
            self.message.setText(str(exc))
            return
        self.accept()
