"""Registrations, return approvals, passes, gate scans and check-ins."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desktop.models.base import Base, intpk, str20, str50, str100, str200, timestamp
from desktop.models.people import Operator, Student


class Registration(Base):
    """One version of a student's registration form (信息登记).

    A modification adds a version and clears ``is_current`` on the old one,
    so history is never lost; a partial unique index keeps one current
    version per student.
    """

    __tablename__ = "registration"
    __table_args__ = (
        UniqueConstraint("student_id", "version"),
        Index(
            "uq_registration_current",
            "student_id",
            unique=True,
            sqlite_where=text("is_current"),
            postgresql_where=text("is_current"),
        ),
    )

    id: Mapped[intpk]
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id"), index=True)
    version: Mapped[int]
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    submitted_at: Mapped[timestamp]
    submitted_by: Mapped[int | None] = mapped_column(ForeignKey("operator.id"))

    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"))
    district: Mapped[str20]
    enrol_year: Mapped[int]
    enrol_month: Mapped[int]
    international: Mapped[bool] = mapped_column(Boolean, default=False)
    country: Mapped[str50 | None]
    college_name: Mapped[str100]
    major_name: Mapped[str100]
    on_campus: Mapped[bool] = mapped_column(Boolean)
    building: Mapped[str50 | None]
    room: Mapped[str20 | None]
    community: Mapped[str100 | None]
    address: Mapped[str200 | None]
    name: Mapped[str50]
    gender: Mapped[str20]
    doc_type: Mapped[str20]
    doc_number: Mapped[str50]
    phone: Mapped[str20]
    left_beijing: Mapped[bool] = mapped_column(Boolean)
    arrival_date: Mapped[date | None]
    arrival_tbd: Mapped[bool] = mapped_column(Boolean, default=False)
    origin_abroad: Mapped[bool] = mapped_column(Boolean, default=False)
    province: Mapped[str50 | None]
    city: Mapped[str50 | None]
    foreign_address: Mapped[str200 | None]
    fever: Mapped[bool] = mapped_column(Boolean, default=False)
    cough: Mapped[bool] = mapped_column(Boolean, default=False)
    fatigue: Mapped[bool] = mapped_column(Boolean, default=False)

    student: Mapped[Student] = relationship()


class ReturnApproval(Base):
    """The school's approval for a student to return.

    ``kind`` is ``campus`` (返校, from ``approved_from``) or ``beijing_only``
    (返京不返校). A revoked approval stays as a record.
    """

    __tablename__ = "return_approval"

    id: Mapped[intpk]
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id"), index=True)
    kind: Mapped[str20]
    approved_from: Mapped[date]
    approved_at: Mapped[timestamp]
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("operator.id"))
    revoked_at: Mapped[datetime | None] = mapped_column()
    revoked_by: Mapped[int | None] = mapped_column(ForeignKey("operator.id"))
    revoke_reason: Mapped[str200 | None]


class GatePass(Base):
    """An issued registration pass; ``id`` is the serial signed into it."""

    __tablename__ = "gate_pass"

    id: Mapped[intpk]
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id"), index=True)
    key_id: Mapped[int]
    issued_at: Mapped[timestamp]
    expires_at: Mapped[timestamp]
    revoked_at: Mapped[datetime | None] = mapped_column()
    revoke_reason: Mapped[str200 | None]

    student: Mapped[Student] = relationship()


class GateScan(Base):
    """Every code read at a gate, admitted or not, with the verdict."""

    __tablename__ = "gate_scan"
    __table_args__ = (Index("ix_gate_scan_gate_time", "gate", "scanned_at"),)

    id: Mapped[intpk]
    scanned_at: Mapped[timestamp] = mapped_column(index=True)
    gate: Mapped[str50]
    workstation: Mapped[str100]
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("operator.id"))
    source: Mapped[str20]
    kind: Mapped[str20]
    verdict: Mapped[str20]
    reasons: Mapped[str] = mapped_column(Text)
    student_id: Mapped[int | None] = mapped_column(ForeignKey("student.id"), index=True)
    pass_serial: Mapped[int | None] = mapped_column(Integer)
    code_digest: Mapped[str] = mapped_column(String(16))
    ms: Mapped[float | None] = mapped_column(Float)


class CheckIn(Base):
    """The check-in (报到): at most one per student, by a unique constraint."""

    __tablename__ = "check_in"

    id: Mapped[intpk]
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id"), unique=True)
    checked_in_at: Mapped[timestamp] = mapped_column(index=True)
    gate: Mapped[str50]
    workstation: Mapped[str100]
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("operator.id"))
    scan_id: Mapped[int | None] = mapped_column(ForeignKey("gate_scan.id"))

    student: Mapped[Student] = relationship()
    operator: Mapped[Operator | None] = relationship()


class Observation(Base):
    """A student's observation period, started by the check-in.

    ``released_at`` is set by a release and cleared by its undo (the audit
    log keeps both); an undone release keeps its reason in ``undo_reason``.
    """

    __tablename__ = "observation"

    id: Mapped[intpk]
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id"), unique=True)
    started_at: Mapped[timestamp]
    released_at: Mapped[datetime | None] = mapped_column()
    released_by: Mapped[int | None] = mapped_column(ForeignKey("operator.id"))
    release_reason: Mapped[str200 | None]
    undone_at: Mapped[datetime | None] = mapped_column()
    undo_reason: Mapped[str200 | None]
