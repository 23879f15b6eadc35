"""The audit log and the shared settings."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column

from desktop.models.base import Base, intpk, str50, str100, str200, timestamp


class AuditEvent(Base):
    """Who did what, where and when. Rows are only ever added."""

    __tablename__ = "audit_event"

    id: Mapped[intpk]
    at: Mapped[timestamp] = mapped_column(index=True)
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("operator.id"))
    operator_login: Mapped[str50 | None]
    workstation: Mapped[str100]
    action: Mapped[str50] = mapped_column(index=True)
    target: Mapped[str200]
    details: Mapped[str] = mapped_column(Text, default="{}")


class Setting(Base):
    """A campaign setting shared by every workstation (JSON value)."""

    __tablename__ = "setting"

    key: Mapped[str50] = mapped_column(primary_key=True)
    value: Mapped[str] = mapped_column(Text)
