"""The school's structure, its students and the console's operators."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desktop.models.base import Base, intpk, str20, str50, str100, str200, timestamp


class School(Base):
    """An institution from the official list of Beijing institutions."""

    __tablename__ = "school"

    id: Mapped[intpk]
    name: Mapped[str100] = mapped_column(unique=True)
    code: Mapped[str20] = mapped_column(unique=True)
    authority: Mapped[str50]
    category: Mapped[str20]

    colleges: Mapped[list[College]] = relationship(back_populates="school")


class College(Base):
    """A college or department (学院/系) of a school."""

    __tablename__ = "college"
    __table_args__ = (UniqueConstraint("school_id", "name"),)

    id: Mapped[intpk]
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"))
    name: Mapped[str100]

    school: Mapped[School] = relationship(back_populates="colleges")
    classes: Mapped[list[SchoolClass]] = relationship(back_populates="college")
    majors: Mapped[list[Major]] = relationship(back_populates="college")


class Major(Base):
    """A major (专业) taught by a college."""

    __tablename__ = "major"
    __table_args__ = (UniqueConstraint("college_id", "name"),)

    id: Mapped[intpk]
    college_id: Mapped[int] = mapped_column(ForeignKey("college.id"))
    name: Mapped[str100]

    college: Mapped[College] = relationship(back_populates="majors")


class SchoolClass(Base):
    """A class (班级) with its class head (班主任)."""

    __tablename__ = "school_class"

    id: Mapped[intpk]
    college_id: Mapped[int] = mapped_column(ForeignKey("college.id"), index=True)
    name: Mapped[str100] = mapped_column(unique=True)
    head_name: Mapped[str50 | None]
    head_operator_id: Mapped[int | None] = mapped_column(
        ForeignKey("operator.id"), index=True
    )

    college: Mapped[College] = relationship(back_populates="classes")
    students: Mapped[list[Student]] = relationship(back_populates="school_class")


class Student(Base):
    """A student on the roster (应登记名单).

    ``pass_ref`` is the random opaque reference written into the student's
    signed pass; it says nothing about the student by itself.
    """

    __tablename__ = "student"

    id: Mapped[intpk]
    student_no: Mapped[str20] = mapped_column(unique=True)
    name: Mapped[str50] = mapped_column(index=True)
    gender: Mapped[str20]
    class_id: Mapped[int] = mapped_column(ForeignKey("school_class.id"), index=True)
    major_id: Mapped[int | None] = mapped_column(ForeignKey("major.id"))
    doc_type: Mapped[str20 | None]
    doc_number: Mapped[str50 | None]
    doc_tail: Mapped[str | None] = mapped_column(String(4), index=True)
    phone: Mapped[str20 | None]
    enrol_year: Mapped[int | None]
    enrol_month: Mapped[int | None]
    international: Mapped[bool] = mapped_column(Boolean, default=False)
    country: Mapped[str50 | None]
    pass_ref: Mapped[int] = mapped_column(BigInteger, unique=True)

    school_class: Mapped[SchoolClass] = relationship(back_populates="students")
    major: Mapped[Major | None] = relationship()


class Operator(Base):
    """Someone who logs in to the console.

    ``role`` is one of gate_staff, class_head, college_admin, school_admin;
    ``college_id`` scopes a college admin. A class head's classes are the
    ones whose ``head_operator_id`` points here.
    """

    __tablename__ = "operator"

    id: Mapped[intpk]
    login: Mapped[str50] = mapped_column(unique=True)
    display_name: Mapped[str50]
    password_hash: Mapped[str200]
    role: Mapped[str20]
    college_id: Mapped[int | None] = mapped_column(ForeignKey("college.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[timestamp]
    last_login_at: Mapped[datetime | None] = mapped_column()
