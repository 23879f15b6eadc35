"""Submitting and modifying registrations, with the history kept.

A modification adds a version; the earlier one stays, marked not current,
so the history view can say who changed what, and when.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from desktop.clock import Clock, today
from desktop.i18n import _
from desktop.models import Operator, Registration, School, Student
from desktop.services import audit, reference
from desktop.services.auth import Actor, Permission
from desktop.services.masking import mask_document, mask_phone
from desktop.services.registration_rules import (
    FIELD_LABELS,
    RegistrationForm,
    normalise,
    validate,
)
from desktop.services.scope import require_student

# Form field → Registration column, where the names differ.
_COLUMN = {"college": "college_name", "major": "major_name"}
_PRIVATE_FIELDS = {"doc_number": mask_document, "phone": mask_phone}
_TEXT_FIELDS = {f.name for f in fields(RegistrationForm) if f.type == "str"}


class FormInvalid(ValueError):
    """The form has errors; ``errors`` maps field name to message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class Change:
    """One field changed by one version of a registration."""

    version: int
    at: datetime
    by: str
    field: str
    label: str
    old: str
    new: str


def school_row(session: Session, name: str) -> School:
    """The school called ``name``, added from the official list if new."""
    school = session.scalars(select(School).where(School.name == name)).first()
    if school is not None:
        return school
    institution = reference.institution_by_name(name)
    if institution is None:
        raise FormInvalid({"school": _("学校不在北京市高校名单中，无法登记")})
    school = School(
        name=institution.name,
        code=institution.code,
        authority=institution.authority,
        category=institution.category,
    )
    session.add(school)
    session.flush()
    return school


def current_registration(session: Session, student: Student) -> Registration | None:
    """The student's current registration version, if any."""
    return session.scalars(
        select(Registration).where(
            Registration.student_id == student.id, Registration.is_current
        )
    ).first()


def form_of(session: Session, registration: Registration) -> RegistrationForm:
    """The form that produced ``registration`` (to prefill a modification)."""
    school = session.get(School, registration.school_id)
    columns = {
        _COLUMN.get(item.name, item.name): getattr(
            registration, _COLUMN.get(item.name, item.name)
        )
        for item in fields(RegistrationForm)
        if item.name != "school"
    }
    return form_from_columns(columns, school.name if school else "")


def form_from_columns(
    columns: Mapping[str, object], school_name: str
) -> RegistrationForm:
    """The form of a registration given as column values (bulk reads)."""
    values = {
        item.name: columns[_COLUMN.get(item.name, item.name)]
        for item in fields(RegistrationForm)
        if item.name != "school"
    }
    values = {
        k: ("" if v is None and isinstance(getattr(RegistrationForm(), k), str) else v)
        for k, v in values.items()
    }
    return RegistrationForm(school=school_name, **values)


def submit(
    session: Session,
    clock: Clock,
    actor: Actor,
    student: Student,
    form: RegistrationForm,
) -> Registration:
    """Validate and store ``form`` as the student's current registration.

    Raises:
        FormInvalid: with every field's problem; nothing is written.
        PermissionDenied: the student is outside the actor's scope.
    """
    actor.require(Permission.REGISTER)
    require_student(session, actor, student)
    form = normalise(form)
    previous = current_registration(session, student)
    errors = validate(
        form, today=today(clock), bound_phone=previous.phone if previous else None
    )
    if errors:
        raise FormInvalid(errors)
    if previous is not None and form_of(session, previous) == form:
        return previous  # nothing changed: no new version

    school = school_row(session, form.school)
    version = (previous.version + 1) if previous is not None else 1
    if previous is not None:
        session.execute(
            update(Registration)
            .where(Registration.id == previous.id)
            .values(is_current=False)
        )
        session.flush()
    registration = _row(form, student, school, version, clock.now(), actor)
    session.add(registration)
    _copy_to_student(student, form)
    session.flush()

    audit.record(
        session,
        clock,
        actor,
        "registration.modify" if previous else "registration.submit",
        f"student:{student.student_no}",
        version=version,
    )
    return registration


def _row(
    form: RegistrationForm,
    student: Student,
    school: School,
    version: int,
    now: datetime,
    actor: Actor,
) -> Registration:
    return Registration(
        student_id=student.id,
        version=version,
        is_current=True,
        submitted_at=now,
        submitted_by=actor.operator_id,
        school_id=school.id,
        **registration_columns(form),
    )


def registration_columns(form: RegistrationForm) -> dict[str, object]:
    """The Registration column values of ``form`` (all but the school)."""
    values = {
        _COLUMN.get(item.name, item.name): getattr(form, item.name)
        for item in fields(RegistrationForm)
        if item.name != "school"
    }
    for key, value in values.items():
        if value == "":
            values[key] = None
    return values


def student_columns(form: RegistrationForm) -> dict[str, object]:
    """The Student column values a registration keeps in step."""
    return {
        "doc_type": form.doc_type,
        "doc_number": form.doc_number,
        "doc_tail": form.doc_number[-4:],
        "phone": form.phone,
        "international": bool(form.international),
        "country": form.country or None,
        "enrol_year": form.enrol_year,
        "enrol_month": form.enrol_month,
    }


def _copy_to_student(student: Student, form: RegistrationForm) -> None:
    for column, value in student_columns(form).items():
        setattr(student, column, value)


def _shown(field_name: str, value: object) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, date):
        return value.isoformat()
    if field_name in _PRIVATE_FIELDS:
        return _PRIVATE_FIELDS[field_name](str(value))
    return str(value)


def history(session: Session, actor: Actor, student: Student) -> list[Change]:
    """Every field change across the student's versions, oldest first."""
    actor.require(Permission.ROSTER_VIEW)
    require_student(session, actor, student)
    versions = session.scalars(
        select(Registration)
        .where(Registration.student_id == student.id)
        .order_by(Registration.version)
    ).all()
    names = {
        row.id: row.login
        for row in session.execute(select(Operator.id, Operator.login))
    }

    changes: list[Change] = []
    before: RegistrationForm | None = None
    for version in versions:
        after = form_of(session, version)
        for item in fields(RegistrationForm):
            old = getattr(before, item.name) if before else None
            new = getattr(after, item.name)
            if before is not None and old == new:
                continue
            if before is None and new in (None, "", False):
                continue
            changes.append(
                Change(
                    version=version.version,
                    at=version.submitted_at,
                    by=names.get(version.submitted_by or -1, "system"),
                    field=item.name,
                    label=_(FIELD_LABELS.get(item.name, item.name)),
                    old=_shown(item.name, old),
                    new=_shown(item.name, new),
                )
            )
        before = after
    return changes
