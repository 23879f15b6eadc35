"""The registrations import: every field of the form, one row per student.

Rows pass the very rules of the registration form
(``registration_rules.normalise`` and ``validate``), the bound phone
included. Writing is built for 100,000 rows (DESIGN §11): students,
current versions and schools are read once into dicts, and the new
versions go in with bulk statements, never a query per row.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from desktop.clock import Clock
from desktop.i18n import _
from desktop.models import Registration, School, SchoolClass, Student
from desktop.services import reference
from desktop.services.auth import Actor
from desktop.services.imports import values
from desktop.services.imports.report import PlannedRow
from desktop.services.imports.rows import Layout, RowReader
from desktop.services.registration import (
    form_from_columns,
    registration_columns,
    school_row,
    student_columns,
)
from desktop.services.registration_rules import (
    FIELD_LABELS,
    RegistrationForm,
    normalise,
    validate,
)
from desktop.services.scope import class_condition

log = logging.getLogger(__name__)

CHUNK = 5000
IN_CHUNK = 900  # ids per IN (...) list, under every driver's limit

_TEXT_FIELDS = (
    "school",
    "district",
    "country",
    "college",
    "major",
    "building",
    "room",
    "community",
    "address",
    "name",
    "province",
    "city",
    "foreign_address",
)
_CODE_FIELDS = ("doc_number", "phone")
_YES_NO_FIELDS = ("international", "on_campus", "left_beijing", "fever", "cough")
_YES_NO_FIELDS += ("fatigue",)
_SUFFIXES = ("省", "市", "自治区", "特别行政区", "壮族自治区", "回族自治区")
_SUFFIXES += ("维吾尔自治区",)


@dataclass(frozen=True)
class RegistrationRecord:
    """A valid row: the student and the normalised form."""

    student_id: int
    form: RegistrationForm


def _completed(name: str, known: object) -> str:
    """河北 → 河北省 when only the suffix is missing (as people write it)."""
    if not name or name in known:  # type: ignore[operator]
        return name
    for suffix in _SUFFIXES:
        if name + suffix in known:  # type: ignore[operator]
            return name + suffix
    return name


class RegistrationRows:
    """Reads registration rows and checks them like the form does."""

    def __init__(self, session: Session, actor: Actor, day: date) -> None:
        self.today = day
        self.students = {
            row.student_no: (row.id, row.class_id)
            for row in session.execute(
                select(Student.student_no, Student.id, Student.class_id)
            )
        }
        self.in_scope = set(
            session.scalars(select(SchoolClass.id).where(class_condition(actor)))
        )
        self.bound_phones = dict(
            session.execute(
                select(Registration.student_id, Registration.phone).where(
                    Registration.is_current
                )
            ).all()
        )

    def layout(self, layout: Layout) -> None:
        """Form fields carry their own labels; 入学年月 may be one column."""
        layout.labels.update({k: _(v) for k, v in FIELD_LABELS.items()})
        layout.aliases.update({"enrol_year": "enrol", "enrol_month": "enrol"})

    def file_problems(self, layout: Layout) -> list[str]:
        """None: every row is judged on its own."""
        return []

    def parse(self, reader: RowReader) -> None:
        """Read, normalise and validate one row."""
        number = reader.value("student_no", values.student_no, None)
        reader.planned.key = number
        student = self._student(reader, number)
        form = normalise(self._form(reader))
        errors = validate(
            form,
            today=self.today,
            bound_phone=self.bound_phones.get(student[0]) if student else None,
        )
        unreadable = reader.planned.bad_columns
        for key, reason in errors.items():
            if reader.layout.position(key) not in unreadable:
                reader.fail(key, reason)
        if student is not None:
            reader.planned.record = RegistrationRecord(student[0], form)

    def _student(self, reader: RowReader, number: str | None) -> tuple[int, int] | None:
        if number is None:
            return None
        student = self.students.get(number)
        if student is None:
            reader.fail(
                "student_no",
                _("学号 {no} 不在应登记名单中，请先导入名单").format(no=number),
            )
            return None
        if student[1] not in self.in_scope:
            reader.fail(
                "student_no",
                _("无权导入学号 {no}：不在您负责的范围内").format(no=number),
            )
            return None
        return student

    def _form(self, reader: RowReader) -> RegistrationForm:
        fields: dict[str, object] = {
            key: reader.value(key, values.text, "") for key in _TEXT_FIELDS
        }
        fields |= {key: reader.value(key, values.code_text, "") for key in _CODE_FIELDS}
        fields |= {
            key: reader.value(key, values.yes_no, None) for key in _YES_NO_FIELDS
        }
        fields["gender"] = reader.value("gender", values.gender, "")
        fields["doc_type"] = reader.value("doc_type", values.doc_type, "")
        fields["origin_abroad"] = reader.value(
            "origin_abroad", values.origin_abroad, None
        )
        arrival, tbd = reader.value("arrival_date", values.date_or_tbd, (None, False))
        fields["arrival_date"], fields["arrival_tbd"] = arrival, tbd
        if reader.has("enrol"):
            year, month = reader.value("enrol", values.year_month, (None, None))
        else:
            year = reader.value("enrol_year", lambda c: values.number_in(c, "年"), None)
            month = reader.value(
                "enrol_month", lambda c: values.number_in(c, "月"), None
            )
        fields["enrol_year"], fields["enrol_month"] = year, month
        provinces = reference.provinces()
        province = _completed(values.text(fields["province"]), provinces)
        fields["province"] = province
        fields["city"] = _completed(
            values.text(fields["city"]), provinces.get(province, ())
        )
        return RegistrationForm(**fields)  # type: ignore[arg-type]

    def check(self, rows: list[PlannedRow], layout: Layout) -> None:
        """Nothing beyond the duplicates every kind checks."""


def _current_versions(
    session: Session, student_ids: list[int]
) -> dict[int, tuple[int, int, RegistrationForm]]:
    """student id → (row id, version, form) of each current registration."""
    schools = dict(session.execute(select(School.id, School.name)).all())
    table = Registration.__table__
    found: dict[int, tuple[int, int, RegistrationForm]] = {}
    for start in range(0, len(student_ids), IN_CHUNK):
        chunk = student_ids[start : start + IN_CHUNK]
        statement = select(table).where(
            table.c.student_id.in_(chunk), table.c.is_current
        )
        for row in session.execute(statement).mappings():
            form = form_from_columns(row, schools.get(row["school_id"], ""))
            found[row["student_id"]] = (row["id"], row["version"], form)
    return found


def write(
    session: Session, clock: Clock, actor: Actor, rows: list[PlannedRow]
) -> tuple[int, int, int]:
    """Add a version for every row whose values differ from the current one."""
    records = [row.record for row in rows]
    current = _current_versions(session, [r.student_id for r in records])  # type: ignore[union-attr]
    school_ids: dict[str, int] = {}
    now = clock.now()
    replaced: list[int] = []
    versions: list[dict[str, object]] = []
    students: list[dict[str, object]] = []
    for record in records:
        assert isinstance(record, RegistrationRecord)
        before = current.get(record.student_id)
        if before is not None and before[2] == record.form:
            continue
        if record.form.school not in school_ids:
            school_ids[record.form.school] = school_row(session, record.form.school).id
        if before is not None:
            replaced.append(before[0])
        versions.append(
            {
                "student_id": record.student_id,
                "version": before[1] + 1 if before else 1,
                "is_current": True,
                "submitted_at": now,
                "submitted_by": actor.operator_id,
                "school_id": school_ids[record.form.school],
                **registration_columns(record.form),
            }
        )
        students.append({"id": record.student_id, **student_columns(record.form)})

    _store(session, replaced, versions, students)
    updated = len(replaced)
    created = len(versions) - updated
    return created, updated, len(records) - len(versions)


def _store(
    session: Session,
    replaced: list[int],
    versions: list[dict[str, object]],
    students: list[dict[str, object]],
) -> None:
    # Old versions stop being current first: one current row per student.
    for start in range(0, len(replaced), IN_CHUNK):
        session.execute(
            update(Registration)
            .where(Registration.id.in_(replaced[start : start + IN_CHUNK]))
            .values(is_current=False)
            .execution_options(synchronize_session=False)
        )
    for start in range(0, len(versions), CHUNK):
        session.execute(insert(Registration), versions[start : start + CHUNK])
    for start in range(0, len(students), CHUNK):
        session.execute(update(Student), students[start : start + CHUNK])
    log.info("registrations: %d versions, %d replaced", len(versions), len(replaced))
