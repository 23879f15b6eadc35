"""The dialog that records or corrects one student's punch-in for a day.

Temperature (35.0–42.0 °C in steps of 0.1), symptoms from the service's
vocabulary, an optional note. When the day already has a report, the
dialog says it is a correction and lists the versions so far: the service
keeps every earlier value, and the list shows them. The dialog only
collects the values; the page runs the service and shows its problems
back here (``show_problems``), so nothing blocks the GUI thread.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.clock import BEIJING
from desktop.i18n import _
from desktop.services.health import (
    MAX_TEMPERATURE,
    MIN_TEMPERATURE,
    NOTE_LENGTH,
    SYMPTOM_SEPARATOR,
    SYMPTOMS,
)
from desktop.services.health_desk import ReportVersion, StudentChoice

log = logging.getLogger(__name__)

DEFAULT_TEMPERATURE = 36.5


def version_text(version: ReportVersion) -> str:
    """One line of the corrections list."""
    symptoms = SYMPTOM_SEPARATOR.join(version.symptoms) or _("无症状")
    text = _("第{n}版　{t:.1f}℃　{symptoms}　{at}").format(
        n=version.version,
        t=version.temperature,
        symptoms=symptoms,
        at=version.reported_at.astimezone(BEIJING).strftime("%m-%d %H:%M"),
    )
    if version.note:
        text += "　" + _("备注：{note}").format(note=version.note)
    return text + ("　" + _("（当前）") if version.current else "")


class PunchInDialog(QDialog):
    """Temperature, symptoms and note for one student and day.

    Signals:
        punch_in_entered(float, object, str): the temperature, the tuple
            of symptoms and the note, when the operator saves.
    """

    punch_in_entered = Signal(float, object, str)

    def __init__(
        self,
        student: StudentChoice,
        day: date,
        versions: Sequence[ReportVersion] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.student = student
        self.day = day
        correcting = bool(versions)
        title = _("更正健康打卡") if correcting else _("记录健康打卡")
        self.setWindowTitle(title)
        self.setMinimumWidth(520)

        who = QLabel(
            _("{name}（{no}，{class_name}）　{day}").format(
                name=student.name,
                no=student.student_no,
                class_name=student.class_name,
                day=day.isoformat(),
            ),
            self,
        )
        who.setStyleSheet("font-weight: bold;")
        self.temperature = QDoubleSpinBox(self, objectName="temperatureSpin")
        self.temperature.setRange(float(MIN_TEMPERATURE), float(MAX_TEMPERATURE))
        self.temperature.setDecimals(1)
        self.temperature.setSingleStep(0.1)
        self.temperature.setSuffix(" ℃")
        self.temperature.setValue(DEFAULT_TEMPERATURE)
        self.symptom_boxes = {name: QCheckBox(_(name), self) for name in SYMPTOMS}
        symptoms = QHBoxLayout()
        for box in self.symptom_boxes.values():
            symptoms.addWidget(box)
        symptoms.addStretch(1)
        self.note = QLineEdit(self)
        self.note.setMaxLength(NOTE_LENGTH)
        self.note.setPlaceholderText(_("选填，不超过200字"))
        self.problems = QLabel(self, objectName="punchInProblems")
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet("color: #b71c1c;")
        self.problems.hide()

        form = QFormLayout()
        form.addRow(_("体温："), self.temperature)
        form.addRow(_("症状："), symptoms)
        form.addRow(_("备注："), self.note)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.Save | QDialogButtonBox.Cancel, self
        )
        self.save_button = self.buttons.button(QDialogButtonBox.Save)
        self.save_button.setText(_("保存"))
        self.buttons.button(QDialogButtonBox.Cancel).setText(_("取消"))
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(who)
        layout.addLayout(form)
        self.versions = QListWidget(self, objectName="reportVersions")
        if correcting:
            layout.addWidget(QLabel(_("已有记录（更正后旧记录仍保留）："), self))
            for version in versions:
                self.versions.addItem(version_text(version))
            self.versions.setMaximumHeight(110)
            layout.addWidget(self.versions)
            self._prefill(versions[-1] if versions else None)
        else:
            self.versions.hide()
        layout.addWidget(self.problems)
        layout.addWidget(self.buttons)

    def _prefill(self, current: ReportVersion | None) -> None:
        if current is None:
            return
        self.temperature.setValue(current.temperature)
        for name in current.symptoms:
            if name in self.symptom_boxes:
                self.symptom_boxes[name].setChecked(True)
        self.note.setText(current.note or "")

    def chosen_symptoms(self) -> tuple[str, ...]:
        """The symptoms ticked, in vocabulary order."""
        return tuple(n for n, box in self.symptom_boxes.items() if box.isChecked())

    def _on_buttons_accepted(self) -> None:
        self.buttons.setEnabled(False)
        self.problems.hide()
        self.punch_in_entered.emit(
            round(self.temperature.value(), 1),
            self.chosen_symptoms(),
            self.note.text().strip(),
        )

    def show_problems(self, problems: Sequence[str]) -> None:
        """The service refused the values: say why, let the operator fix."""
        self.buttons.setEnabled(True)
        self.problems.setText("\n".join(problems))
        self.problems.show()

    def finish(self) -> None:
        """The punch-in was saved."""
        self.done(QDialog.Accepted)
