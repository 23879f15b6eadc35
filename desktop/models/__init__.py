"""SQLAlchemy models of the console and the engine/session factory."""

from desktop.models.audit import AuditEvent, Setting
from desktop.models.base import Base
from desktop.models.campaign import (
    CheckIn,
    GatePass,
    GateScan,
    Observation,
    Registration,
    ReturnApproval,
)
from desktop.models.health import Certificate, HealthReport
from desktop.models.people import College, Major, Operator, School, SchoolClass, Student

__all__ = [
    "AuditEvent",
    "Base",
    "Certificate",
    "CheckIn",
    "College",
    "GatePass",
    "GateScan",
    "HealthReport",
    "Major",
    "Observation",
    "Operator",
    "Registration",
    "ReturnApproval",
    "School",
    "SchoolClass",
    "Setting",
    "Student",
]
