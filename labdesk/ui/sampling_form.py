"""The sampling form (抽样单), grouped as on paper.

Groups: header (form number, task, product category, sampling date) · sampled unit
(被抽样单位) · nominal producer (标称生产者) · sample (样品) · samplers and sealing.
Beside them: the standard's items in force on the sampling date for the chosen
category — exactly what will be frozen onto the sample when it is saved. A food sample
is registered against a leaf of the food classification instead (search by name or
pinyin initials, `food_picker`): its items are composed from every applicable standard
(services.food_library), each with where it came from; unticking a proposed item or
ticking an available one needs a reason: its own, typed in its row (F2), or the common
one under the table for the changed items without their own (issue 15.3).

Validation happens as you type, next to the field: the 统一社会信用代码 shows the rule it
breaks (`core.uscc.validate_uscc`), dates must be real YYYY-MM-DD dates, quantities
plain non-negative decimals, at least two different samplers. Saving goes through the
services, and a `ValidationError` from them is shown next to the field it names.

A new form is registered (Save) or kept as a draft ("Save as draft": only the form
number is required). `SamplingFormDialog(session, parent, sample_id=...)` reopens a
stored sample: the changed fields go to `services.samples.update_sample` (which decides
that a received sample needs a reason, typed under the form), and a draft can be
registered (`complete_draft`, which freezes its items). Once registered, the category
and sampling date are read-only: the service never re-freezes items.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from PySide6.QtCore import QCoreApplication, QSize, QStringListModel, Qt, QTimer
from PySide6.QtGui import QGuiApplication, QHideEvent, QKeyEvent, QKeySequence, QShortcut
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
from labdesk.store.schema import live_item
from labdesk.ui.errors import user_message
from labdesk.ui.labels import chinese_ui, method_text, state_title
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
INFO_STYLE = "color: #1d3a57;"
# Fields whose content has a known length: wide enough to show it whole (the credit code's
# 18 characters, a date, a form number, a phone number, a production licence number).
FIXED_WIDTH_SAMPLES = {
    "enterprise_uscc": "MMWW0000000000000000",
    "sample_no": "WWWW00000000000000",
    "sampling_date": "0000-00-00MM",
    "production_date": "0000-00-00MM",
    "phone": "0000-00000000000",
    "producer_phone": "0000-00000000000",
    "licence_no": "SC000000000000000",
}


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


COL_REASON = 6  # the items table's column of a changed food item's own reason


class Field(QWidget):
    """An input with its error line right under it (red), and an information line (not
    red: information is not an error, and never blocks saving)."""

    def __init__(self, editor: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        self.info = QLabel()
        self.info.setStyleSheet(INFO_STYLE)
        self.info.setWordWrap(True)
        self.info.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(1)
        layout.addWidget(editor)
        layout.addWidget(self.error)
        layout.addWidget(self.info)

    def set_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

    def set_info(self, text: str) -> None:
        self.info.setText(text)
        self.info.setVisible(bool(text))


class SamplingForm(QWidget):
    """The form itself (embeddable: the dialog wraps it, screenshots render it)."""

    def __init__(self, session: UiSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName("sampling_form")
        self.fields: dict[str, Field] = {}
        self._enterprise_hits: dict[str, dict[str, Any]] = {}
        # Set by `load` when a stored sample is reopened for correction.
        self.sample_id: int | None = None
        self.state = ""
        self._original: Any = None

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

    def hideEvent(self, event: QHideEvent) -> None:
        # A look-up still pending when the form closes has nobody to show its hits to
        # (and the database may be closed by then).
        self._lookup_timer.stop()
        super().hideEvent(event)

    # ----- building -------------------------------------------------------------------

    def _line(self, key: str, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(f"form_{key}")
        if placeholder:
            edit.setPlaceholderText(placeholder)
        sample = FIXED_WIDTH_SAMPLES.get(key)
        if sample is not None:
            # Frame and text margins (~12 px) on top of the widest text the field holds.
            edit.setMinimumWidth(edit.fontMetrics().horizontalAdvance(sample) + 12)
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
        from labdesk.ui.food_picker import FoodClassPicker

        self.food_class = FoodClassPicker(self.session)
        self.food_class.setObjectName("form_food_class")
        self.fields["food_class_code"] = Field(self.food_class)
        self.sampling_date = self._line("sampling_date", "YYYY-MM-DD")
        self.sampling_date.setText(date.today().isoformat())
        self._row(form, self.tr("Form number"), "sample_no")
        self._row(form, self.tr("Task"), "task_no")
        self._row(form, self.tr("Product category"), "category_code")
        self._row(form, self.tr("Food class"), "food_class_code")
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
        # Or the sampled unit refused to sign: the refusal is noted with a witness.
        self.refused = QCheckBox(self.tr("Sampled unit refused to sign"))
        self.refused.setObjectName("form_refused")
        self.witness = QLineEdit()
        self.witness.setObjectName("form_refusal_witness")
        self.witness.setPlaceholderText(self.tr("witness (not one of the samplers)"))
        self.witness.setEnabled(False)
        self.fields["sealed"] = Field(self.sealed)
        self.fields["unit_acknowledged"] = Field(self.acknowledged)
        self.fields["refusal_witness"] = Field(self.witness)
        refusal = QWidget()
        refusal_row = QHBoxLayout(refusal)
        refusal_row.setContentsMargins(0, 0, 0, 0)
        refusal_row.addWidget(self.refused)
        refusal_row.addWidget(self.fields["refusal_witness"], 1)
        self.acknowledged.toggled.connect(self._acknowledged_toggled)
        self.refused.toggled.connect(self._refused_toggled)
        self._row(form, self.tr("Samplers (at least two)"), "samplers")
        self._row(form, self.tr("Sampling organisation"), "sampling_org")
        form.addRow(self.fields["sealed"])
        form.addRow(self.fields["unit_acknowledged"])
        form.addRow(refusal)
        note = QLabel(
            self.tr(
                "A registered form needs the seal and the sampled unit's signature, or its "
                "refusal noted with a witness. A draft needs neither yet."
            )
        )
        note.setObjectName("form_sealing_note")
        note.setStyleSheet(INFO_STYLE)
        note.setWordWrap(True)
        form.addRow(note)
        return box

    def _acknowledged_toggled(self, checked: bool) -> None:
        if checked:
            self.refused.setChecked(False)

    def _refused_toggled(self, checked: bool) -> None:
        if checked:
            self.acknowledged.setChecked(False)
        self.witness.setEnabled(checked)

    def _items_panel(self) -> QWidget:
        panel = QGroupBox(self.tr("Test items to be frozen onto this sample"))
        layout = QVBoxLayout(panel)
        self.items_note = QLabel()
        self.items_note.setObjectName("form_items_note")
        self.items_note.setWordWrap(True)
        self.items_table = QTableWidget(0, 7)
        self.items_table.setObjectName("form_items")
        self.items_table.setHorizontalHeaderLabels(
            [
                self.tr("Item"),
                self.tr("Limit"),
                self.tr("Unit"),
                self.tr("Judged by"),
                self.tr("Standard"),
                self.tr("Source"),
                self.tr("Reason for adding or removing it"),
            ]
        )
        self.items_table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.items_table.horizontalHeader().setStretchLastSection(True)
        # Only a food item's reason cell is editable (F2 or a double click; Space ticks).
        self.items_table.setEditTriggers(
            QTableWidget.EditTrigger.DoubleClicked | QTableWidget.EditTrigger.EditKeyPressed
        )
        for column, width in enumerate((130, 90, 60, 70)):
            self.items_table.horizontalHeader().resizeSection(column, width)
        layout.addWidget(self.items_note)
        layout.addWidget(self.items_table, 1)
        # Why the technician changed the proposed items: each item's own reason in its
        # row, or this one for those without (the service requires one per change).
        self.items_reason = QLineEdit()
        self.items_reason.setObjectName("form_items_reason")
        self.items_reason.setPlaceholderText(
            self.tr("Reason for the changed items without their own (required then)")
        )
        self.fields["items_reason"] = Field(self.items_reason)
        # only the service judges the reason: typing one clears its refusal
        self.items_reason.textChanged.connect(lambda _t: self.fields["items_reason"].set_error(""))
        layout.addWidget(self.fields["items_reason"])
        self._food_keys: list[str] = []
        self._proposed_keys: list[str] = []
        return panel

    def _load_choices(self) -> None:
        from labdesk.services import library, tasks

        self.task.clear()
        for task in tasks.list_tasks(self.session.db):
            self.task.addItem(
                f"{task['task_no']} · {task['category']} · {task['source']}", task["task_no"]
            )
        self.category.clear()
        # a food sample has no flat category: the blank entry (chosen with a food class)
        self.category.addItem("—", "")
        for cat in library.categories(self.session.db):
            name = cat.get("name_en") if not chinese_ui() and cat.get("name_en") else cat["name"]
            label = f"{name} ({cat['code']})"
            if cat.get("sample_data"):
                label += " " + self.tr("[sample data]")
            self.category.addItem(label, cat["code"])
        self.category.setCurrentIndex(1 if self.category.count() > 1 else 0)

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
        self.category.currentIndexChanged.connect(self._category_changed)
        self.food_class.chosen.connect(self._food_class_chosen)
        self.sampling_date.editingFinished.connect(self.update_items)
        self.production_date.editingFinished.connect(self.update_items)
        self.quality_grade.editingFinished.connect(self.update_items)
        self.executive_standard.editingFinished.connect(self.update_items)

    def _check_uscc(self) -> None:
        text = self.uscc.text()
        self.fields["enterprise_name"].set_info("")
        if not text.strip():
            self.fields["enterprise_uscc"].set_error("")
            return
        check = validate_uscc(text)
        if check.problem is not None:
            from labdesk.ui.uscc_text import uscc_message

            self.fields["enterprise_uscc"].set_error(uscc_message(check.problem))
            return
        from labdesk.services import enterprises

        found = enterprises.enterprise_by_uscc(self.session.db, check.normalized)
        if found is not None:
            self._fill_enterprise(found)
            self.fields["enterprise_uscc"].set_error("")
        else:
            self.fields["enterprise_uscc"].set_error("")
            self.fields["enterprise_name"].set_error("")
            self.fields["enterprise_name"].set_info(
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

        if self.sample_id is not None and self.state != "draft":
            self._show_frozen_items()
            return
        code = self.category.currentData()
        try:
            on = parse_date(self.sampling_date.text()) or date.today()
        except ValueError:
            on = date.today()
        self.items_table.setRowCount(0)
        self._food_keys, self._proposed_keys = [], []
        if self.food_class.code():
            self._show_food_items()
            return
        if not code:
            self.items_note.setText(self.tr("Choose a product category or a food class."))
            return
        try:
            items = library.items_for(self.session.db, str(code), on)
        except LabDeskError as exc:
            self.items_note.setText(user_message(exc))
            return
        standards = sorted({f"{i['standard_no']}-{i['standard_year']}".strip("-") for i in items})
        self.items_note.setText(
            self.tr("{0} items in force on {1}: {2}").format(
                len(items), on.isoformat(), ", ".join(standards)
            )
        )
        self._fill_items_table(items)

    def _fill_items_table(self, items: Sequence[Any], checked: Sequence[bool] = ()) -> None:
        """Items as dicts or sqlite3.Row: anything indexed by column name. With `checked`
        the first cell is a tick box (food items: ticked = frozen onto the sample)."""
        self.items_table.setRowCount(len(items))
        sample_text = self.tr("[sample data]")
        for row, item in enumerate(items):
            keys = item.keys()
            source = str(item["source"]) if "source" in keys else ""
            if "sample_data" in keys and item["sample_data"] and source:
                source = f"{source} {sample_text}"
            limit = str(item["limit_text"])
            if "mark" in keys and item["mark"]:
                limit += f" {item['mark']}"
            values = (
                item["name"],
                limit,
                item["unit"],
                method_text(str(item["method"])),
                f"{item['standard_no']}-{item['standard_year']}".strip("-"),
                source,
            )
            for column, value in enumerate((*values, "")):
                cell = QTableWidgetItem(str(value))
                if column != COL_REASON or not checked:
                    cell.setFlags(cell.flags() & ~Qt.ItemFlag.ItemIsEditable)
                else:
                    cell.setToolTip(self.tr("Why this item is added or removed (F2 to type)"))
                if column == 5 and "mark_meaning" in keys and item["mark_meaning"]:
                    cell.setToolTip(str(item["mark_meaning"]))
                if column == 0 and checked:
                    cell.setFlags(cell.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                    cell.setCheckState(
                        Qt.CheckState.Checked if checked[row] else Qt.CheckState.Unchecked
                    )
                self.items_table.setItem(row, column, cell)

    # ----- food samples ---------------------------------------------------------------

    def _category_changed(self, _index: int) -> None:
        if self.category.currentData() and self.food_class.code():
            self.food_class.set_code("")
        self.update_items()

    def _food_class_chosen(self, code: str) -> None:
        if code:
            blank = self.category.findData("")
            self.category.blockSignals(True)
            self.category.setCurrentIndex(blank)
            self.category.blockSignals(False)
        self.update_items()

    def _show_food_items(self) -> None:
        """The items proposed for the food class (ticked) and the other applicable ones
        (unticked), each with its source, for the versions the lab's date rule picks."""
        from labdesk.services import food_library

        try:
            sampled = parse_date(self.sampling_date.text()) or date.today()
            produced = parse_date(self.production_date.text())
        except ValueError:
            sampled, produced = date.today(), None
        try:
            basis, on = food_library.items_date(self.session.db, sampled, produced)
            assert on is not None
            proposal = food_library.proposed_items(
                self.session.db,
                self.food_class.code(),
                on,
                grade=self.quality_grade.text().strip(),
                executive_standard=self.executive_standard.text().strip(),
            )
        except LabDeskError as exc:
            self.items_note.setText(user_message(exc))
            return
        items = proposal.items + proposal.available
        self._food_keys = [i["key"] for i in items]
        self._proposed_keys = [i["key"] for i in proposal.items]
        self._fill_items_table(
            items, [True] * len(proposal.items) + [False] * len(proposal.available)
        )
        basis_text = (
            self.tr("production date") if basis == "production_date" else self.tr("sampling date")
        )
        note = self.tr(
            "{0} items proposed, {1} more applicable; versions in force on {2} ({3}): {4}"
        ).format(
            len(proposal.items),
            len(proposal.available),
            on.isoformat(),
            basis_text,
            ", ".join(proposal.composed.versions),
        )
        if proposal.composed.needs_grade:
            note += " " + self.tr("Graded limits of {0} need the quality grade.").format(
                ", ".join(proposal.composed.needs_grade)
            )
        if proposal.composed.unnamed_products:
            note += " " + self.tr("Product standards not on the label: {0}.").format(
                ", ".join(proposal.composed.unnamed_products)
            )
        if any(i["sample_data"] for i in items):
            note += " " + self.tr("SAMPLE DATA limits are marked: not authoritative.")
        self.items_note.setText(note)

    def chosen_item_keys(self) -> list[str] | None:
        """The ticked food items, or None when they are exactly the proposal."""
        if not self._food_keys:
            return None
        keys = []
        for row, key in enumerate(self._food_keys):
            cell = self.items_table.item(row, 0)
            if cell is not None and cell.checkState() == Qt.CheckState.Checked:
                keys.append(key)
        return None if keys == self._proposed_keys else keys

    def item_reasons(self) -> dict[str, str]:
        """The reasons typed beside the food items, by key (the service reads those of
        the items added or removed)."""
        reasons = {}
        for row, key in enumerate(self._food_keys):
            cell = self.items_table.item(row, COL_REASON)
            if cell is not None and cell.text().strip():
                reasons[key] = cell.text().strip()
        return reasons

    def _show_frozen_items(self) -> None:
        """A registered sample's items are those frozen at registration, not the
        library's current ones."""
        assert self.sample_id is not None
        items = self.session.db.query(
            "SELECT name, limit_text, unit, method, standard_no, standard_year, source, mark, "
            "mark_meaning, sample_data FROM sample_items "
            f"WHERE sample_id = ? AND {live_item()} ORDER BY seq",
            [self.sample_id],
        )
        self.items_note.setText(self.tr("{0} items frozen onto this sample").format(len(items)))
        self._fill_items_table(items)

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
        field.set_error(user_message(exc))  # a refused code in the interface language
        field.editor.setFocus()
        return True

    def form_errors(self, *, draft: bool = False) -> bool:
        """Re-run the as-you-type checks; True if any field shows an error. A draft may
        name no samplers yet (the service checks any it names). Errors the service gave
        at an earlier attempt are cleared first: the service judges the form again."""
        self.clear_errors()
        self._check_uscc()
        self._check_dates()
        for key in ("lot_size", "sample_qty", "reserve_qty", "unit_price"):
            self._check_decimal(key)
        self._check_samplers()
        if draft and not self.samplers():
            self.fields["samplers"].set_error("")
        blocking = [k for k, f in self.fields.items() if f.error.text()]
        return bool(blocking)

    def _require_sample_fields(self, form: Any) -> None:
        """The fields the service requires of a registered (not draft) sample."""
        for key, value in (
            ("sample_no", form.sample_no),
            ("task_no", form.task_no),
            ("category_code", form.category_code or form.food_class_code),
            ("sample_name", form.sample_name),
        ):
            if not str(value).strip():
                raise ValidationError(key, "required", _required_message())
        if form.sampling_date is None:
            raise ValidationError("sampling_date", "required", _required_message())
        from labdesk.services.samples import check_acknowledgement

        # Before any enterprise is registered: a refused form writes nothing at all.
        check_acknowledgement(form, self.samplers())

    def build_form(self) -> Any:
        """The typed form as a `services.samples.SampleForm` (ValueError: a bad date).

        The sampled unit is given by its code only (``enterprise_id`` None), the task by
        its number, so the service resolves and checks both."""
        from labdesk.services import samples

        check = validate_uscc(self.uscc.text())
        return samples.SampleForm(
            sample_no=self.sample_no.text(),
            sample_name=self.sample_name.text(),
            category_code=str(self.category.currentData() or ""),
            sampling_date=parse_date(self.sampling_date.text()),
            enterprise_uscc=check.normalized if check.valid else self.uscc.text().strip(),
            task_no=str(self.task.currentData() or ""),
            region_type=self.region_type.currentText(),
            place_type=self.place_type.currentText(),
            producer_name=self.producer_name.text(),
            producer_address=self.producer_address.text(),
            producer_phone=self.producer_phone.text(),
            brand=self.brand.text(),
            spec_model=self.spec_model.text(),
            batch_no=self.batch_no.text(),
            production_date=parse_date(self.production_date.text()),
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
            unit_refused_sign=self.refused.isChecked(),
            refusal_witness=self.witness.text() if self.refused.isChecked() else "",
            food_class_code=self.food_class.code(),
            item_keys=self.chosen_item_keys() if self.sample_id is None else None,
            items_reason=self.items_reason.text() if self.sample_id is None else "",
            item_reasons=self.item_reasons() if self.sample_id is None else None,
        )

    def _check_unit(self, *, required: bool) -> str:
        """The normalised code of the sampled unit ('' when none is typed and none is
        required); ValidationError when it is missing or breaks the USCC rules."""
        text = self.uscc.text()
        if not text.strip():
            if required:
                raise ValidationError(
                    "enterprise_uscc", "required", self.tr("The sampled unit's code is required.")
                )
            return ""
        check = validate_uscc(text)
        if not check.valid:
            raise ValidationError("enterprise_uscc", "uscc", check.reason)
        return check.normalized

    def _ensure_enterprise(self, code: str) -> None:
        """Register the sampled unit if its code is new (its own audited record)."""
        from labdesk.services import enterprises

        if not code or enterprises.enterprise_by_uscc(self.session.db, code) is not None:
            return
        if not self.unit_name.text().strip():
            raise ValidationError(
                "enterprise_name", "required", self.tr("The sampled unit's name is required.")
            )
        enterprises.register_enterprise(
            self.session.context,
            enterprises.EnterpriseForm(
                uscc=code,
                name=self.unit_name.text(),
                address=self.unit_address.text(),
                legal_rep=self.legal_rep.text(),
                contact=self.contact.text(),
                phone=self.phone.text(),
            ),
        )

    def save(self, *, draft: bool = False) -> int:
        """Register the enterprise if new, then the sample (or a draft of it). Raises
        LabDeskError (or ValueError for a date that is not one)."""
        from labdesk.services import samples

        code = self._check_unit(required=not draft)
        form = self.build_form()
        # A new sampled unit is registered first (its own audited record), then the
        # sample. The required sample fields are checked before that, so a form that is
        # obviously incomplete registers nothing at all. A draft needs only its number.
        if draft:
            if not form.sample_no.strip():
                raise ValidationError("sample_no", "required", _required_message())
        else:
            self._require_sample_fields(form)
        self._ensure_enterprise(code)
        sample_id = samples.register_sample(self.session.context, form, draft=draft)
        self.session.notify_changed("samples")
        return sample_id

    # ----- reopening a stored sample --------------------------------------------------

    def load(self, sample_id: int) -> None:
        """Fill the form from the stored sample, to correct it (or complete a draft).

        The form number never changes. Once registered, the category and sampling date
        fixed the frozen items, and the service refuses to change them: they are shown
        read-only and the items panel shows the frozen items."""
        from labdesk.services import samples

        row = samples.load_sample(self.session.db, sample_id)
        stored = samples.sample_form(self.session.db, sample_id)
        self.sample_id = sample_id
        self.state = str(row["state"])
        self.sample_no.setText(stored.sample_no)
        self.sample_no.setReadOnly(True)
        task_no = ""
        if stored.task_id is not None:
            task_no = str(
                self.session.db.scalar("SELECT task_no FROM tasks WHERE id = ?", [stored.task_id])
            )
        self.task.setCurrentIndex(self.task.findData(task_no) if task_no else -1)
        self.category.blockSignals(True)
        self.category.setCurrentIndex(
            self.category.findData(stored.category_code) if stored.category_code else 0
        )
        self.category.blockSignals(False)
        self.food_class.set_code(stored.food_class_code)
        self.sampling_date.setText(stored.sampling_date.isoformat() if stored.sampling_date else "")
        self.uscc.clear()
        for edit in (self.unit_name, self.unit_address, self.legal_rep, self.contact, self.phone):
            edit.clear()
        if stored.enterprise_id is not None:
            unit = self.session.db.query_one(
                "SELECT * FROM enterprises WHERE id = ?", [stored.enterprise_id]
            )
            if unit is not None:
                self._fill_enterprise(dict(unit))
                self.uscc.setText(str(unit["uscc"]))
        self.region_type.setCurrentText(stored.region_type)
        self.place_type.setCurrentText(stored.place_type)
        self.packaging.setCurrentIndex(max(0, self.packaging.findText(stored.packaging)))
        for key in (
            "producer_name",
            "producer_address",
            "producer_phone",
            "sample_name",
            "brand",
            "spec_model",
            "batch_no",
            "shelf_life",
            "executive_standard",
            "quality_grade",
            "licence_no",
            "lot_size",
            "sample_qty",
            "reserve_qty",
            "qty_unit",
            "unit_price",
            "sampling_org",
        ):
            line = self.fields[key].editor
            assert isinstance(line, QLineEdit)
            line.setText(str(getattr(stored, key)))
        self.production_date.setText(
            stored.production_date.isoformat() if stored.production_date else ""
        )
        names = list(stored.samplers)
        self.sampler1.setText(names[0] if names else "")
        self.sampler2.setText(names[1] if len(names) > 1 else "")
        self.more_samplers.setText(", ".join(names[2:]))
        self.sealed.setChecked(stored.sealed)
        self.acknowledged.setChecked(stored.unit_acknowledged)
        self.refused.setChecked(stored.unit_refused_sign)
        self.witness.setText(stored.refusal_witness)
        frozen = self.state != "draft"
        fixed: tuple[QWidget, ...] = (self.category, self.food_class, self.sampling_date)
        for widget in fixed:
            widget.setEnabled(not frozen)
            widget.setToolTip(
                self.tr(
                    "The category and sampling date fixed the frozen test items: cancel the "
                    "sample and register it again to change them."
                )
                if frozen
                else ""
            )
        self._original = self.build_form()
        self.clear_errors()
        self.update_items()

    def changes(self) -> dict[str, Any]:
        """The fields changed since `load`, as `services.samples.update_sample` takes
        them. A changed unit or task is passed by code/number (its id cleared) so the
        service resolves and checks it."""
        from dataclasses import fields as dataclass_fields

        assert self._original is not None
        current = self.build_form()
        result: dict[str, Any] = {}
        for f in dataclass_fields(current):
            if f.name in ("sample_no", "enterprise_id", "task_id"):
                continue
            value = getattr(current, f.name)
            if value != getattr(self._original, f.name):
                result[f.name] = value
        if "enterprise_uscc" in result:
            result["enterprise_id"] = None
        if "task_no" in result:
            result["task_id"] = None
        return result

    def save_changes(self, reason: str = "") -> bool:
        """Save the corrections through `update_sample` (the service decides whether a
        reason is required). False when nothing changed. Raises LabDeskError."""
        from labdesk.services import samples

        assert self.sample_id is not None
        code = self._check_unit(required=self.state != "draft")
        changes = self.changes()
        if not changes:
            return False
        self._ensure_enterprise(code)
        samples.update_sample(self.session.context, self.sample_id, changes, reason=reason)
        self._original = self.build_form()
        self.session.notify_changed("samples")
        return True

    def register_draft(self) -> None:
        """Draft → registered (`complete_draft`): the whole form is validated with the
        typed values and the items in force on the sampling date are frozen."""
        from dataclasses import fields as dataclass_fields

        from labdesk.services import samples

        assert self.sample_id is not None
        code = self._check_unit(required=True)
        form = self.build_form()
        self._require_sample_fields(form)
        self._ensure_enterprise(code)
        values = {
            f.name: getattr(form, f.name)
            for f in dataclass_fields(form)
            if f.name not in ("sample_no",)
        }
        samples.complete_draft(self.session.context, self.sample_id, values)
        self.state = "registered"
        self.session.notify_changed("samples")


def fitting_size(widget: QWidget, wanted: QSize) -> QSize:
    """`wanted`, bounded by the available area of the widget's screen (a 1366×768 lab
    screen must show the whole dialog, buttons included)."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        return wanted
    return wanted.boundedTo(screen.availableGeometry().size())


def _required_message() -> str:
    return QCoreApplication.translate("SamplingForm", "Required.")


class SamplingFormDialog(QDialog):
    """The sampling form in a dialog.

    New form: Save registers the sample, "Save as draft" keeps an incomplete one (only
    its number is required). With `sample_id` the stored sample is reopened: Save
    corrects it through `update_sample` (with the reason typed here when the service
    requires one — once the sample is received), and a draft also has "Register"
    (`complete_draft`). Whatever the service refuses is shown as it says it.
    """

    def __init__(
        self, session: UiSession, parent: QWidget | None = None, sample_id: int | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("sampling_form_dialog")
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
        self.draft_button = buttons.addButton(
            self.tr("Save as &draft"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.draft_button.setObjectName("form_save_draft")
        self.draft_button.setToolTip(
            self.tr("Keep an incomplete form as a draft; register it later")
        )
        self.draft_button.clicked.connect(self.save_draft)
        self.register_button = buttons.addButton(
            self.tr("&Register"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.register_button.setObjectName("form_register")
        self.register_button.setToolTip(
            self.tr("Register the completed draft: its test items are frozen")
        )
        self.register_button.clicked.connect(self.register_draft)
        self.register_button.hide()
        # The reason for a correction: the service requires it once the sample is
        # received; it is recorded with every changed field in the audit trail.
        self.reason = QLineEdit()
        self.reason.setObjectName("form_reason")
        self.reason.setPlaceholderText(self.tr("required once the sample is received"))
        self.form.fields["reason"] = Field(self.reason)
        self.reason_row = QWidget()
        reason_layout = QHBoxLayout(self.reason_row)
        reason_layout.setContentsMargins(0, 0, 0, 0)
        reason_layout.addWidget(QLabel(self.tr("Reason for the change")))
        reason_layout.addWidget(self.form.fields["reason"], 1)
        self.reason_row.hide()
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
        layout.addWidget(self.reason_row)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.setWindowTitle(self.tr("Sampling form"))
        if sample_id is not None:
            self.form.load(sample_id)
            self.sample_id = sample_id
            self.draft_button.hide()
            self.reason_row.setVisible(self.form.state != "draft")
            self.register_button.setVisible(self.form.state == "draft")
            self.setWindowTitle(
                self.tr("Sampling form {0} ({1})").format(
                    self.form.sample_no.text(), state_title(self.form.state)
                )
            )
        self.resize(fitting_size(self, QSize(1240, 780)))

    @property
    def editing(self) -> bool:
        return self.form.sample_id is not None

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers():
            self.focusNextChild()
            return
        super().keyPressEvent(event)

    def _attempt(self, action: Callable[[], Any], *, draft: bool = False) -> bool:
        """Run a save action; show what went wrong next to its field or under the form."""
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setText("")
        self.form.fields["reason"].set_error("")  # only the service judges the reason
        if self.form.form_errors(draft=draft):
            self.message.setText(self.tr("Please correct the fields marked in red."))
            return False
        self.form.clear_errors()
        try:
            action()
        except ValidationError as exc:
            if not self.form.show_error(exc):
                self.message.setText(user_message(exc))
            else:
                self.message.setText(self.tr("Please correct the fields marked in red."))
            return False
        except ValueError:
            self.message.setText(self.tr("Please correct the fields marked in red."))
            self.form.form_errors(draft=draft)
            return False
        except LabDeskError as exc:
            self.message.setText(user_message(exc))
            return False
        return True

    def save(self) -> None:
        if not self.editing:
            if self._attempt(self._register_new):
                self.accept()
            return
        saved: list[bool] = []
        draft = self.form.state == "draft"
        if not self._attempt(
            lambda: saved.append(self.form.save_changes(self.reason.text())), draft=draft
        ):
            return
        if not saved[0]:
            self.message.setStyleSheet(INFO_STYLE)
            self.message.setText(self.tr("Nothing was changed."))
            return
        self.accept()

    def _register_new(self) -> None:
        self.sample_id = self.form.save()

    def save_draft(self) -> None:
        def action() -> None:
            self.sample_id = self.form.save(draft=True)

        if self._attempt(action, draft=True):
            self.accept()

    def register_draft(self) -> None:
        if self._attempt(self.form.register_draft):
            self.accept()
