"""Plain data of the gate and the look-ups a verdict is made from."""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from desktop.clock import BEIJING
from desktop.models import (
    CheckIn,
    Registration,
    ReturnApproval,
    Student,
)
from desktop.services.certificates import (
    CertificateReport,
)
from desktop.services.passes import PassCheck
from desktop.services.registration_rules import declared_symptoms
from desktop.services.verdict import (
    ApprovalKind,
    PassRecord,
    StudentFacts,
    Verdict,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class GateResult:
    """A recorded decision, as plain data for the screen and the CLI.

    Attributes:
        verdict: admit, already, not_yet or refuse.
        reasons: the reasons in words.
        kind: "pass", "certificate" or "unknown".
        student_no: the student's number, when the code named a student.
        student_name: the name (shown on admit so staff compare the card).
        class_name: the student's class.
        masked_document: the document number with the middle masked.
        scanned_at: when the decision was recorded.
        gate: the gate's name.
        ms: decoded text to recorded verdict, in milliseconds.
        scan_id: the ``GateScan`` row.
        check_in_recorded: whether this scan created the check-in.
        certificate: the release certificate read, when one was shown.
    """

    verdict: Verdict
    reasons: tuple[str, ...]
    kind: str
    student_no: str | None
    student_name: str | None
    class_name: str | None
    masked_document: str | None
    scanned_at: datetime
    gate: str
    ms: float
    scan_id: int
    check_in_recorded: bool
    certificate: CertificateReport | None = None

    def to_json(self) -> dict[str, object]:
        """The ``scan --json`` object (DESIGN section 9).

        A certificate scan adds ``certificate``: its state and, when the
        signature held, its number and release day.
        """
        line: dict[str, object] = {
            "time": self.scanned_at.astimezone(BEIJING).isoformat(timespec="seconds"),
            "gate": self.gate,
            "kind": self.kind,
            "verdict": self.verdict.value,
            "reasons": list(self.reasons),
            "student_no": self.student_no,
            "ms": round(self.ms, 2),
        }
        if self.certificate is not None:
            fields = self.certificate.fields
            line["certificate"] = {
                "state": self.certificate.state.value,
                "number": fields.number if fields else None,
                "released_on": fields.released_on.isoformat() if fields else None,
            }
        return line


@dataclass(frozen=True)
class GateCounters:
    """The numbers on the gate page."""

    admitted_here_today: int
    checked_in_total: int
    refused_here_today: int


def code_digest(text: str) -> str:
    """A short digest kept instead of the code (a pass is a bearer token)."""
    return hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()[:16]


def student_facts(session: Session, student: Student) -> StudentFacts:
    registration = session.scalars(
        select(Registration).where(
            Registration.student_id == student.id, Registration.is_current
        )
    ).first()
    approval = session.scalars(
        select(ReturnApproval)
        .where(
            ReturnApproval.student_id == student.id,
            ReturnApproval.revoked_at.is_(None),
        )
        .order_by(ReturnApproval.approved_at.desc(), ReturnApproval.id.desc())
        .limit(1)
    ).first()
    check_in = session.scalars(
        select(CheckIn).where(CheckIn.student_id == student.id)
    ).first()

    symptoms: tuple[str, ...] = ()
    province = None
    if registration is not None:
        symptoms = declared_symptoms(registration)
        province = None if registration.origin_abroad else registration.province
    return StudentFacts(
        registered=registration is not None,
        approval_kind=ApprovalKind(approval.kind) if approval else None,
        approved_from=approval.approved_from if approval else None,
        origin_province=province,
        symptoms=symptoms,
        checked_in_at=check_in.checked_in_at if check_in else None,
        checked_in_gate=check_in.gate if check_in else None,
    )


@dataclass(frozen=True)
class StudentMatch:
    """A student found by manual look-up, masked for the gate screen."""

    student_id: int
    student_no: str
    name: str
    class_name: str
    masked_document: str


@dataclass(frozen=True)
class ScanInput:
    """What was presented at the gate, before the database is asked."""

    check: PassCheck | None
    kind: str
    source: str
    digest: str
    serial: int | None


def student_by_id(
    session: Session, *, student_id: int
) -> tuple[Student | None, PassRecord | None]:
    return session.get(Student, student_id), None


_DOC_TAIL = re.compile(r"^\d{3}[\dXx]$")


def match_condition(query: str) -> ColumnElement[bool]:
    if _DOC_TAIL.match(query):
        return or_(Student.doc_tail == query.upper(), Student.student_no == query)
    if query.isdigit():
        return Student.student_no.startswith(query, autoescape=True)
    return Student.name.contains(query, autoescape=True)
