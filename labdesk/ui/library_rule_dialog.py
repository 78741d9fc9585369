"""The rule editor of a food-library item (issue 15.1/15.2), opened from the limits of a
class on the Standards screen: the item's 以…计 factor, its rounding rule and its
screening flag, for the whole standard version or for the chosen class and the classes
under it, with a reason.

The dialog collects and shows; the checks are the service's (`services.library_rules`:
the same as a limit file's rule columns), whose refusal is shown under the field it
names, nothing written. Only the factor is read as it is typed (a number above 0), so a
typo is seen before Save. Samples already registered keep the rule frozen onto them:
the dialog says so.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from labdesk.core.errors import LabDeskError, ValidationError
from labdesk.ui.errors import user_message
from labdesk.ui.session import UiSession

ROUNDING = ("gb8170", "gb4789.2")
VERSION_SCOPE, CLASS_SCOPE = 0, 1


class LibraryRuleDialog(QDialog):
    """`item` is a composed item of the class (`food_library.compose_items`); `saved`
    after each accepted change (save or withdraw)."""

    saved = Signal()

    def __init__(
        self,
        session: UiSession,
        item: dict[str, Any],
        class_code: str,
        class_name: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.item = item
        self.class_code = class_code
        self.setObjectName("library_rule_dialog")
        standard = f"{item['standard_no']}-{item['standard_year']}"
        self.setWindowTitle(self.tr("Judgement rule of {0}").format(item["name"]))
        layout = QVBoxLayout(self)
        about = QLabel(
            self.tr(
                "{0} ({1}) in {2}, limit {3} {4}. Samples already registered keep the rule "
                "frozen onto them; samples registered from now on get the new one."
            ).format(item["name"], item["code"], standard, item["limit_text"], item["unit"]),
            self,
        )
        about.setWordWrap(True)
        layout.addWidget(about)
        form = QFormLayout()
        self.scope = QComboBox(self)
        self.scope.setObjectName("rule_scope")
        self.scope.addItem(self.tr("The whole version {0}").format(standard))
        self.scope.addItem(
            self.tr("{0} ({1}) and the classes under it").format(class_name, class_code)
        )
        form.addRow(self.tr("Applies to"), self.scope)
        self.factor = QLineEdit(self)
        self.factor.setObjectName("rule_factor")
        self.factor.setPlaceholderText(self.tr("e.g. 0.847; empty: none"))
        form.addRow(self.tr("Expressed as (以…计) factor"), self.factor)
        self.rounding = QComboBox(self)
        self.rounding.setObjectName("rule_rounding")
        self.rounding.addItem(self.tr("GB/T 8170"), ROUNDING[0])
        self.rounding.addItem(self.tr("GB 4789.2 (colony counts)"), ROUNDING[1])
        form.addRow(self.tr("Rounding rule (修约规则)"), self.rounding)
        self.screening = QCheckBox(self.tr("Screening measurement (筛查)"), self)
        self.screening.setObjectName("rule_screening")
        form.addRow("", self.screening)
        self.reason = QLineEdit(self)
        self.reason.setObjectName("rule_reason")
        self.reason.setPlaceholderText(self.tr("required, kept in the audit trail"))
        form.addRow(self.tr("Reason"), self.reason)
        layout.addLayout(form)
        self.error = QLabel(self)
        self.error.setObjectName("rule_error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020")
        layout.addWidget(self.error)
        self.state = QLabel(self)
        self.state.setObjectName("rule_state")
        self.state.setWordWrap(True)
        layout.addWidget(self.state)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("rule_save")
        self.withdraw_button = QPushButton(self.tr("Withdraw the class's rule"), self)
        self.withdraw_button.setObjectName("rule_withdraw")
        buttons.addButton(self.withdraw_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.withdraw_button.clicked.connect(self.withdraw)
        layout.addWidget(buttons)
        self.factor.textChanged.connect(self._check_factor)
        self.reason.textChanged.connect(lambda _t: self.error.clear())
        self.scope.currentIndexChanged.connect(lambda _i: self._load())
        own_class = bool(item.get("rule_class")) and item["rule_class"] == class_code
        self.scope.setCurrentIndex(CLASS_SCOPE if own_class else VERSION_SCOPE)
        self._load()

    # ----- showing --------------------------------------------------------------------

    def _class_scope(self) -> bool:
        return self.scope.currentIndex() == CLASS_SCOPE

    def _load(self) -> None:
        """The stored rule of the chosen scope; for a class without its own rule, the
        rule it follows now (the version's or a class's above it)."""
        from labdesk.services import library_rules

        version_id, code = int(self.item["version_id"]), str(self.item["code"])
        own = None
        if self._class_scope():
            own = next(
                (
                    r["rule"]
                    for r in library_rules.class_rules(self.session.db, version_id, code)
                    if r["class_code"] == self.class_code
                ),
                None,
            )
            rule = own or library_rules.LibraryRule(
                self.item["factor"], str(self.item["rounding"]), bool(self.item["screening"])
            )
            self.state.setText(
                self.tr("The class has its own rule.")
                if own is not None
                else self.tr("The class follows the rule shown; saving gives it its own.")
            )
        else:
            rule = library_rules.version_rule(self.session.db, version_id, code)
            self.state.setText(self.tr("The version's rule, for every class without its own."))
        self.withdraw_button.setEnabled(own is not None)
        self.factor.setText(rule.factor or "")
        self.rounding.setCurrentIndex(max(0, self.rounding.findData(rule.rounding)))
        self.screening.setChecked(rule.screening)
        self.error.clear()

    def _check_factor(self, text: str) -> None:
        """A factor is a number above 0 (the service says so too, at Save)."""
        text = text.strip()
        problem = ""
        if text:
            try:
                if Decimal(text) <= 0 or not Decimal(text).is_finite():
                    problem = self.tr("The factor must be a number above 0.")
            except InvalidOperation:
                problem = self.tr("The factor must be a number above 0.")
        self.error.setText(problem)
        self.save_button.setEnabled(not problem)

    # ----- saving ---------------------------------------------------------------------

    def _refused(self, exc: LabDeskError) -> None:
        text = user_message(exc)
        if isinstance(exc, ValidationError):
            names = {
                "factor": self.tr("Factor"),
                "rounding": self.tr("Rounding rule"),
                "screening": self.tr("Screening"),
                "reason": self.tr("Reason"),
            }
            field = names.get(exc.field)
            if field:
                text = self.tr("{0}: {1}").format(field, text)
        self.error.setText(text)

    def save(self) -> None:
        from labdesk.services import library_rules

        ctx = self.session.context
        if ctx is None:
            self.error.setText(self.tr("Sign in first."))
            return
        try:
            library_rules.set_library_rule(
                ctx,
                int(self.item["version_id"]),
                str(self.item["code"]),
                factor=self.factor.text(),
                rounding=str(self.rounding.currentData()),
                screening=self.screening.isChecked(),
                reason=self.reason.text(),
                class_code=self.class_code if self._class_scope() else "",
            )
        except LabDeskError as exc:
            self._refused(exc)
            return
        self.saved.emit()
        self.accept()

    def withdraw(self) -> None:
        from labdesk.services import library_rules

        ctx = self.session.context
        if ctx is None:
            self.error.setText(self.tr("Sign in first."))
            return
        try:
            library_rules.clear_class_rule(
                ctx,
                int(self.item["version_id"]),
                str(self.item["code"]),
                self.class_code,
                reason=self.reason.text(),
            )
        except LabDeskError as exc:
            self._refused(exc)
            return
        self.saved.emit()
        self.accept()
