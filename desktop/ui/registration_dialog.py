"""The registration dialog: register a student, or modify their registration.

A class head helping a student, or the student at a kiosk workstation,
fills in the form of the notice. The dialog loads the student (and their
current registration, to modify it) on a worker, keeps 提交 disabled until
the form is valid, submits on a worker through
:func:`desktop.services.registration.submit` and then shows the stored
record with the student's pass QR. The database is never touched on the
GUI thread.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, fields, replace
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.clock import Clock, today
from desktop.i18n import _
from desktop.models import Student
from desktop.services import reference, registration, school_search
from desktop.services.auth import Actor, Permission
from desktop.services.masking import mask_document, mask_phone
from desktop.services.pass_sheets import qr_png, usable_pass_text
from desktop.services.registration_rules import (
    FIELD_LABELS,
    RegistrationForm,
    normalise_phone,
)
from desktop.services.scope import require_student
from desktop.ui.context import ConsoleContext
from desktop.ui.pass_preview import RecordPreview, SubmittedRecord
from desktop.ui.registration_form import RegistrationFormWidget
from desktop.ui.tasks import TaskRunner

log = logging.getLogger(__name__)

_MASKED = {"doc_number": mask_document, "phone": mask_phone}


class UnknownStudent(LookupError):
    """No student has that number."""


@dataclass(frozen=True)
class StudentFile:
    """What the dialog starts from, read on a worker.

    Attributes:
        student_no: the student number.
        name: the student's name on the roster.
        class_name: the student's class.
        form: the current registration, or a form prefilled from the roster.
        bound_phone: the phone number bound by an earlier registration.
        registered: whether a registration exists (the dialog modifies it).
    """

    student_no: str
    name: str
    class_name: str
    form: RegistrationForm
    bound_phone: str | None
    registered: bool


def find_student(session: Session, student_no: str) -> Student:
    """The student with ``student_no``, or UnknownStudent."""
    student = session.scalars(
        select(Student).where(Student.student_no == student_no)
    ).first()
    if student is None:
        raise UnknownStudent(_("查无此学号：{no}").format(no=student_no))
    return student


def load_student_file(context: ConsoleContext, actor: Actor, no: str) -> StudentFile:
    """Read the student and their current registration (worker thread)."""
    actor.require(Permission.REGISTER)
    school_search.search("北")  # reads the index now, not on the GUI thread
    reference.provinces()
    with context.db.sessions() as session:
        student = find_student(session, no)
        require_student(session, actor, student)
        current = registration.current_registration(session, student)
        if current is not None:
            form = registration.form_of(session, current)
        else:
            form = _roster_form(student)
        return StudentFile(
            student_no=student.student_no,
            name=student.name,
            class_name=student.school_class.name,
            form=form,
            bound_phone=current.phone if current is not None else None,
            registered=current is not None,
        )


def _roster_form(student: Student) -> RegistrationForm:
    """A new form with what the roster already knows about the student."""
    college = student.school_class.college
    return RegistrationForm(
        school=college.school.name,
        enrol_year=student.enrol_year,
        enrol_month=student.enrol_month,
        international=student.international if student.country else None,
        country=student.country or "",
        college=college.name,
        major=student.major.name if student.major is not None else "",
        name=student.name,
        gender=student.gender,
        doc_type=student.doc_type or "",
        doc_number=student.doc_number or "",
        phone=student.phone or "",
    )


def record_lines(form: RegistrationForm) -> tuple[tuple[str, str], ...]:
    """The filled fields of ``form`` as (label, value), personal data masked."""
    lines = []
    for item in fields(RegistrationForm):
        value = getattr(form, item.name)
        if item.name == "arrival_tbd" or value in (None, ""):
            if item.name == "arrival_date" and form.arrival_tbd:
                lines.append((_(FIELD_LABELS[item.name]), _("待定")))
            continue
        if item.name == "origin_abroad":
            shown = _("国外") if value else _("国内")
        elif isinstance(value, bool):
            shown = _("是") if value else _("否")
        elif isinstance(value, date):
            shown = value.isoformat()
        elif item.name in _MASKED:
            shown = _MASKED[item.name](str(value))
        else:
            shown = str(value)
        lines.append((_(FIELD_LABELS[item.name]), shown))
        if item.name == "school":
            institution = reference.institution_by_name(form.school)
            if institution is not None:
                lines.append((_("学校类别"), _(institution.category)))
    return tuple(lines)


def submit_registration(
    context: ConsoleContext,
    clock: Clock,
    actor: Actor,
    no: str,
    form: RegistrationForm,
) -> SubmittedRecord:
    """Store ``form`` and make sure the student holds a pass (worker thread).

    Raises:
        FormInvalid: the service found errors; nothing was written.
        PermissionDenied: the student is outside the actor's scope.
    """
    with context.db.sessions() as session, session.begin():
        student = find_student(session, no)
        stored = registration.submit(session, clock, actor, student, form)
        serial, text = usable_pass_text(session, clock, context.keyring, actor, student)
        record = SubmittedRecord(
            student_no=student.student_no,
            name=student.name,
            class_name=student.school_class.name,
            version=stored.version,
            lines=record_lines(registration.form_of(session, stored)),
            serial=serial,
            pass_text=text,
            qr_png=b"",
        )
    log.info("registration stored, version %s", record.version)
    return replace(record, qr_png=qr_png(text))


# TODO(kiosk): students register through this dialog under an operator's
# session; a locked self-service kiosk flow for students is not built.
class RegistrationDialog(QDialog):
    """Register one student, or modify their registration.

    Signals:
        registered(object): a :class:`SubmittedRecord` was stored.
    """

    registered = Signal(object)

    def __init__(
        self,
        context: ConsoleContext,
        actor: Actor,
        runner: TaskRunner,
        student_no: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._context = context
        self._actor = actor
        self._runner = runner
        self._student_no = student_no
        self._busy = False
        self.student: StudentFile | None = None
        self.setWindowTitle(_("信息登记"))
        self.resize(1100, 760)
        self._build()
        self._runner.submit(
            load_student_file,
            context,
            actor,
            student_no,
            on_result=self._on_student_loaded,
            on_error=self._on_load_failed,
        )

    def _build(self) -> None:
        self.form_widget = RegistrationFormWidget(today(self._context.clock), self)
        self.preview = RecordPreview(self)
        self.status_label = QLabel(_("正在读取学生信息…"), self)
        self.status_label.setTextFormat(Qt.RichText)
        self.status_label.setWordWrap(True)
        self.submit_button = QPushButton(_("提交"), self, enabled=False)
        self.submit_button.setDefault(True)
        self.cancel_button = QPushButton(_("取消"), self)
        self.edit_again_button = QPushButton(_("继续修改"), self)
        self.close_button = QPushButton(_("完成"), self)

        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form_widget)
        self.pages = QStackedWidget(self)
        self.pages.addWidget(scroll)
        self.pages.addWidget(self.preview)
        bar = QHBoxLayout()
        bar.addWidget(self.status_label, 1)
        for button in (
            self.edit_again_button,
            self.close_button,
            self.cancel_button,
            self.submit_button,
        ):
            bar.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)
        layout.addLayout(bar)
        self._show_buttons(preview=False)
        self.form_widget.setEnabled(False)

        self.form_widget.validated.connect(self._on_form_validated)
        self.status_label.linkActivated.connect(self._on_status_link_activated)
        self.submit_button.clicked.connect(self.submit)
        self.cancel_button.clicked.connect(self.reject)
        self.close_button.clicked.connect(self.accept)
        self.edit_again_button.clicked.connect(self._on_edit_again_clicked)

    def _show_buttons(self, *, preview: bool) -> None:
        self.pages.setCurrentIndex(1 if preview else 0)
        for button in (self.edit_again_button, self.close_button):
            button.setVisible(preview)
        for button in (self.cancel_button, self.submit_button):
            button.setVisible(not preview)

    # Loading.

    def _on_student_loaded(self, student: StudentFile) -> None:
        self.student = student
        title = _("修改登记") if student.registered else _("信息登记")
        self.setWindowTitle(
            f"{title} — {student.name}（{student.student_no}，{student.class_name}）"
        )
        self.form_widget.setEnabled(True)
        self.form_widget.fill(student.form, bound_phone=student.bound_phone)

    def _on_load_failed(self, exc: BaseException) -> None:
        log.warning("student not loaded for registration: %s", type(exc).__name__)
        self.status_label.setText(_("无法打开登记：{error}").format(error=exc))

    # Submitting.

    def _on_form_validated(self, errors: dict[str, str]) -> None:
        self.submit_button.setEnabled(not errors and not self._busy)
        if self._busy:
            return
        if errors:
            link = _("显示全部问题")
            self.status_label.setText(
                _("还有 {count} 项未填写或有误。").format(count=len(errors))
                + f' <a href="#all">{link}</a>'
            )
        else:
            self.status_label.setText(_("填写完整，可以提交。"))

    def _on_status_link_activated(self, _link: str) -> None:
        self.form_widget.show_all_errors()

    def submit(self) -> None:
        """Store the form (on a worker); invalid forms show every error."""
        if self.student is None or self._busy:
            return
        if self.form_widget.revalidate():
            self.form_widget.show_all_errors()
            return
        self._busy = True
        self.submit_button.setEnabled(False)
        self.form_widget.setEnabled(False)
        self.status_label.setText(_("正在提交…"))
        self._runner.submit(
            submit_registration,
            self._context,
            self._context.clock,
            self._actor,
            self.student.student_no,
            self.form_widget.form(),
            on_result=self._on_submitted,
            on_error=self._on_submit_failed,
        )

    def _on_submitted(self, record: SubmittedRecord) -> None:
        self._busy = False
        self.form_widget.setEnabled(True)
        self.preview.show_record(record)
        self._show_buttons(preview=True)
        self.status_label.setText("")
        if self.student is not None and not self.student.registered:
            self.student = replace(self.student, registered=True)
        self.registered.emit(record)

    def _on_submit_failed(self, exc: BaseException) -> None:
        self._busy = False
        self.form_widget.setEnabled(True)
        if isinstance(exc, registration.FormInvalid):
            self.form_widget.set_server_errors(exc.errors)
            self.status_label.setText(_("提交未成功：请改正标红的项目"))
            return
        log.warning("registration not stored: %s", type(exc).__name__)
        self.status_label.setText(_("提交未成功：{error}").format(error=exc))
        self.form_widget.revalidate()

    def _on_edit_again_clicked(self) -> None:
        # The phone number is bound now that a registration is stored.
        form = self.form_widget.form()
        self._show_buttons(preview=False)
        self.form_widget.fill(form, bound_phone=normalise_phone(form.phone))
