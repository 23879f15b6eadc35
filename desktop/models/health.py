"""Daily health punch-ins and the release certificates."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, ForeignKey, Index, Numeric, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desktop.models.base import Base, intpk, str50, str100, str200, timestamp
from desktop.models.people import Student


class HealthReport(Base):
    """One version of a student's punch-in (健康打卡) for one day.

    A correction adds a version and clears ``is_current`` on the earlier
    one, which is kept; a partial unique index allows one current report
    per student and day.
    """

    __tablename__ = "health_report"
    __table_args__ = (
        UniqueConstraint("student_id", "day", "version"),
        Index(
            "uq_health_report_current",
            "student_id",
            "day",
            unique=True,
            sqlite_where=text("is_current"),
            postgresql_where=text("is_current"),
        ),
        Index("ix_health_report_day", "day"),
    )

    id: Mapped[intpk]
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id"), index=True)
    day: Mapped[date]
    version: Mapped[int] = mapped_column(default=1)
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    temperature: Mapped[float] = mapped_column(Numeric(3, 1, asdecimal=False))
    symptoms: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str200 | None]
    reported_at: Mapped[timestamp]
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("operator.id"))

    student: Mapped[Student] = relationship()


class Certificate(Base):
    """A release certificate (电子证明): the signed text is what the QR holds."""

    __tablename__ = "certificate"

    id: Mapped[intpk]
    number: Mapped[str50] = mapped_column(unique=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id"), index=True)
    observation_start: Mapped[date]
    released_on: Mapped[date]
    issued_at: Mapped[timestamp]
    issued_by: Mapped[int | None] = mapped_column(ForeignKey("operator.id"))
    issuer: Mapped[str100]
    key_id: Mapped[int]
    signed_text: Mapped[str] = mapped_column(Text)
    revoked_at: Mapped[datetime | None] = mapped_column()
    revoked_by: Mapped[int | None] = mapped_column(ForeignKey("operator.id"))
    revoke_reason: Mapped[str200 | None]

    student: Mapped[Student] = relationship()
