"""The fields of the registration form (DESIGN section 2), with live errors.

Every change is validated, a little debounced, by the same rules the
services apply (:func:`desktop.services.registration_rules.validate`); an
error shows next to its field once the user has touched that field, or
for every field after :meth:`RegistrationFormWidget.show_all_errors`.
Fields that do not apply (the country of a Chinese student, the dormitory
of a student living off campus …) are hidden.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from functools import partial

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import _
from desktop.services import reference
from desktop.services.registration_rules import (
    DOC_TYPES,
    FIELD_LABELS,
    GENDERS,
    RegistrationForm,
    normalise,
    validate,
)
from desktop.ui.form_fields import ChoiceCombo, OptionalDateEdit, YesNo
from desktop.ui.school_completer import SchoolCompleter

log = logging.getLogger(__name__)

VALIDATE_DELAY_MS = 150
ENROL_YEARS = 12
_ERROR_STYLE = "color: #c62828;"
_TEXT_FIELDS = (
    "school",
    "college",
    "major",
    "building",
    "room",
    "community",
    "address",
    "name",
    "doc_number",
    "phone",
    "foreign_address",
)
_YES_NO_FIELDS = (
    "international",
    "on_campus",
    "left_beijing",
    "fever",
    "cough",
    "fatigue",
)


@dataclass
class _Row:
    """One line of the form: its fields, their widget and the error label."""

    fields: tuple[str, ...]
    widget: QWidget
    error: QLabel
    form: QFormLayout


class RegistrationFormWidget(QWidget):
    """Every field of the registration form and its inline error.

    Args:
        today: the day the form's date rules are checked against.

    Signals:
        validated(object): the form was checked; the argument maps each
            wrong field to its message (empty when the form is valid).
    """

    validated = Signal(object)

    def __init__(self, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._today = today
        self._bound_phone: str | None = None
        self._touched: set[str] = set()
        self._show_all = False
        self._filling = False
        self.errors: dict[str, str] = {}
        self._rows: dict[str, _Row] = {}
        self._timer = QTimer(self, singleShot=True, interval=VALIDATE_DELAY_MS)
        self._timer.timeout.connect(self.revalidate)
        self._make_inputs()
        self._lay_out()
        self._connect()
        self._update_visibility()

    # Building.

    def _make_inputs(self) -> None:
        self.edits = {name: QLineEdit(self) for name in _TEXT_FIELDS}
        self.yes_no = {name: YesNo(parent=self) for name in _YES_NO_FIELDS}
        self.origin = YesNo(_("国外"), _("国内"), self)
        self.school_completer = SchoolCompleter(self.edits["school"])
        self.edits["school"].setPlaceholderText(_("输入校名、简称或拼音首字母"))
        self.category_edit = QLineEdit(self, readOnly=True)
        self.category_edit.setPlaceholderText(_("选定学校后自动带出，不可修改"))
        self.district = ChoiceCombo(parent=self)
        self.district.set_choices((d, d) for d in reference.beijing_districts())
        first_year = self._today.year - ENROL_YEARS
        self.enrol_year = ChoiceCombo(_("年份"), self)
        self.enrol_year.set_choices(
            (str(y), y) for y in range(self._today.year, first_year, -1)
        )
        self.enrol_month = ChoiceCombo(_("月份"), self)
        self.enrol_month.set_choices((f"{m}月", m) for m in range(1, 13))
        self.country = ChoiceCombo(parent=self)
        self.country.set_choices(
            (c, c) for c in reference.country_names() if c != "中国"
        )
        self.gender = ChoiceCombo(parent=self)
        self.gender.set_choices((_(g), g) for g in GENDERS)
        self.doc_type = ChoiceCombo(parent=self)
        self.doc_type.set_choices((_(d), d) for d in DOC_TYPES)
        self.arrival = OptionalDateEdit(self)
        self.arrival_tbd = QCheckBox(_("待定"), self)
        self.province = ChoiceCombo(parent=self)
        self.province.set_choices((p, p) for p in reference.provinces())
        self.city = ChoiceCombo(parent=self)
        self.edits["doc_number"].setPlaceholderText(_("身份证号码18位"))
        self.edits["phone"].setPlaceholderText(_("11位手机号码"))

    def _lay_out(self) -> None:
        text, yes_no = self.edits, self.yes_no
        sections = (
            (
                _("学校信息"),
                (
                    (("school",), text["school"]),
                    (("category",), self.category_edit),
                    (("district",), self.district),
                ),
            ),
            (
                _("学业信息"),
                (
                    (
                        ("enrol_year", "enrol_month"),
                        _pair(self.enrol_year, self.enrol_month),
                    ),
                    (("international",), yes_no["international"]),
                    (("country",), self.country),
                    (("college",), text["college"]),
                    (("major",), text["major"]),
                ),
            ),
            (
                _("居住信息"),
                (
                    (("on_campus",), yes_no["on_campus"]),
                    (("building",), text["building"]),
                    (("room",), text["room"]),
                    (("community",), text["community"]),
                    (("address",), text["address"]),
                ),
            ),
            (
                _("个人信息"),
                (
                    (("name",), text["name"]),
                    (("gender",), self.gender),
                    (("doc_type",), self.doc_type),
                    (("doc_number",), text["doc_number"]),
                    (("phone",), text["phone"]),
                ),
            ),
            (
                _("行程与健康"),
                (
                    (("left_beijing",), yes_no["left_beijing"]),
                    (("arrival_date",), _pair(self.arrival, self.arrival_tbd)),
                    (("origin_abroad",), self.origin),
                    (("province", "city"), _pair(self.province, self.city)),
                    (("foreign_address",), text["foreign_address"]),
                    (("fever",), yes_no["fever"]),
                    (("cough",), yes_no["cough"]),
                    (("fatigue",), yes_no["fatigue"]),
                ),
            ),
        )
        columns = (QVBoxLayout(), QVBoxLayout())
        for index, (title, rows) in enumerate(sections):
            columns[0 if index < 2 else 1].addWidget(self._group(title, rows))
        columns[0].addStretch(1)
        columns[1].addStretch(1)
        layout = QHBoxLayout(self)
        layout.addLayout(columns[0], 1)
        layout.addLayout(columns[1], 1)

    def _group(self, title: str, rows: tuple) -> QGroupBox:
        box = QGroupBox(title, self)
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.AllNonFixedFieldsGrow)
        for fields, widget in rows:
            labels = {
                "category": _("学校类别"),
                "enrol_year": _("入学年月"),
                "province": _("省份/城市"),
            }
            label = labels.get(fields[0]) or _(FIELD_LABELS[fields[0]])
            error = QLabel(box, objectName=f"error_{fields[0]}")
            error.setStyleSheet(_ERROR_STYLE)
            error.setWordWrap(True)
            error.hide()
            cell = QWidget(box)
            column = QVBoxLayout(cell)
            column.setContentsMargins(0, 0, 0, 0)
            column.setSpacing(1)
            column.addWidget(widget)
            column.addWidget(error)
            form.addRow(label, cell)
            row = _Row(fields, cell, error, form)
            for name in fields:
                self._rows[name] = row
        return box

    def _connect(self) -> None:
        for name, edit in self.edits.items():
            edit.textEdited.connect(partial(self._on_field_edited, name))
        for name, widget in self.yes_no.items():
            widget.edited.connect(partial(self._on_field_edited, name))
        combos = {
            "district": self.district,
            "enrol_year": self.enrol_year,
            "enrol_month": self.enrol_month,
            "country": self.country,
            "gender": self.gender,
            "doc_type": self.doc_type,
            "province": self.province,
            "city": self.city,
        }
        for name, combo in combos.items():
            combo.edited.connect(partial(self._on_field_edited, name))
        self.origin.edited.connect(partial(self._on_field_edited, "origin_abroad"))
        self.arrival.edited.connect(partial(self._on_field_edited, "arrival_date"))
        self.arrival_tbd.clicked.connect(self._on_arrival_tbd_clicked)
        self.province.edited.connect(self._on_province_edited)
        self.edits["school"].textChanged.connect(self._on_school_text_changed)

    # Reading and filling.

    def form(self) -> RegistrationForm:
        """What the form holds now (not normalised)."""
        values: dict[str, object] = {n: e.text() for n, e in self.edits.items()}
        values.update({n: w.value() for n, w in self.yes_no.items()})
        for name in ("district", "country", "gender", "doc_type", "province"):
            values[name] = getattr(self, name).value() or ""
        values["city"] = self.city.value() or ""
        return RegistrationForm(
            enrol_year=self.enrol_year.value(),
            enrol_month=self.enrol_month.value(),
            origin_abroad=self.origin.value(),
            arrival_date=self.arrival.value(),
            arrival_tbd=self.arrival_tbd.isChecked(),
            **values,
        )

    def fill(self, form: RegistrationForm, *, bound_phone: str | None = None) -> None:
        """Show ``form``; a bound phone number becomes read-only."""
        self._filling = True
        try:
            for name, edit in self.edits.items():
                edit.setText(getattr(form, name) or "")
            for name, widget in self.yes_no.items():
                widget.set_value(getattr(form, name))
            for name in ("district", "enrol_year", "enrol_month", "country"):
                getattr(self, name).set_value(getattr(form, name))
            for name in ("gender", "doc_type", "province"):
                getattr(self, name).set_value(getattr(form, name))
            self._fill_cities()
            self.city.set_value(form.city)
            self.origin.set_value(form.origin_abroad)
            self.arrival.set_value(form.arrival_date)
            self.arrival_tbd.setChecked(form.arrival_tbd)
        finally:
            self._filling = False
        self._bound_phone = bound_phone or None
        phone = self.edits["phone"]
        phone.setReadOnly(self._bound_phone is not None)
        if self._bound_phone is not None:
            phone.setToolTip(_("联系电话已绑定，不可修改"))
        self._update_visibility()
        self.revalidate()

    # Validation.

    def schedule_validation(self) -> None:
        """Check the form again shortly (edits come in bursts)."""
        self._timer.start()

    def revalidate(self) -> dict[str, str]:
        """Check the form now, show the errors and emit ``validated``."""
        self._timer.stop()
        self.errors = validate(
            normalise(self.form()), today=self._today, bound_phone=self._bound_phone
        )
        for name, row in self._rows.items():
            if row.fields[0] == name:
                self._show_row_error(row)
        self.validated.emit(dict(self.errors))
        return self.errors

    def show_all_errors(self) -> None:
        """Show the error of every field, touched or not (a submit attempt)."""
        self._show_all = True
        self.revalidate()

    def set_server_errors(self, errors: dict[str, str]) -> None:
        """Show errors the service found (normally the same as ours)."""
        self._show_all = True
        self.errors = dict(errors)
        for name, row in self._rows.items():
            if row.fields[0] == name:
                self._show_row_error(row)

    def error_text(self, field: str) -> str:
        """The error shown next to ``field`` (empty when none is shown)."""
        row = self._rows[field]
        return row.error.text() if row.error.isVisibleTo(self) else ""

    def _show_row_error(self, row: _Row) -> None:
        messages = [
            self.errors[name]
            for name in row.fields
            if name in self.errors and (self._show_all or name in self._touched)
        ]
        row.error.setText("；".join(messages))
        row.error.setVisible(bool(messages))

    # Reactions to edits.

    def _on_field_edited(self, name: str, *_signal_args: object) -> None:
        if self._filling:
            return
        self._touched.add(name)
        self._update_visibility()
        self.schedule_validation()

    def _on_arrival_tbd_clicked(self, checked: bool) -> None:
        if checked:
            self.arrival.set_value(None)
        self._on_field_edited("arrival_date")

    def _on_province_edited(self) -> None:
        self._fill_cities()

    def _on_school_text_changed(self, text: str) -> None:
        institution = reference.institution_by_name(text.strip())
        category = _(institution.category) if institution is not None else ""
        self.category_edit.setText(category)

    def _fill_cities(self) -> None:
        cities = reference.provinces().get(self.province.value() or "", ())
        self.city.set_choices((c, c) for c in cities)

    def _update_visibility(self) -> None:
        international = self.yes_no["international"].value()
        on_campus = self.yes_no["on_campus"].value()
        abroad = self.origin.value()
        self.arrival.setEnabled(not self.arrival_tbd.isChecked())
        shown = {
            "country": international is True,
            "building": on_campus is True,
            "room": on_campus is True,
            "community": on_campus is False,
            "address": on_campus is False,
            "arrival_date": self.yes_no["left_beijing"].value() is True,
            "province": abroad is False,
            "foreign_address": abroad is True,
        }
        for name, visible in shown.items():
            row = self._rows[name]
            row.form.setRowVisible(row.widget, visible)


def _pair(first: QWidget, second: QWidget) -> QWidget:
    """Two inputs side by side in one form row."""
    holder = QWidget(first.parentWidget())
    layout = QHBoxLayout(holder)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(first, 1)
    layout.addWidget(second, 1)
    return holder
