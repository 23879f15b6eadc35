"""The gate use case: a decoded text in, a recorded verdict out.

The signature is checked offline first; only a valid pass costs database
reads. A release certificate shown at the gate is recognised by its header,
checked (signature, then revocation) and refused with words saying what it
is; the parsed certificate travels with the result for the screen.

Every scan is kept (``GateScan``) with its verdict and reasons; an
admit inserts the check-in under a unique constraint inside a savepoint, so
two gates that admit the same student at once record one check-in and the
slower one reports "already checked in".
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from desktop.clock import BEIJING, Clock
from desktop.models import (
    CheckIn,
    GatePass,
    GateScan,
    Observation,
    Student,
)
from desktop.services import audit
from desktop.services.auth import Actor, Permission
from desktop.services.certificates import (
    inspect,
    looks_like_certificate,
)
from desktop.services.db import Database
from desktop.services.gate_facts import (
    GateCounters,
    GateResult,
    ScanInput,
    StudentMatch,
    code_digest,
    match_condition,
    student_by_id,
    student_facts,
)
from desktop.services.keys import Keyring
from desktop.services.masking import mask_document
from desktop.services.passes import PassCheck, looks_like_pass, verify_pass
from desktop.services.settings import CampaignSettings, load_settings
from desktop.services.verdict import (
    Decision,
    GateFacts,
    PassRecord,
    Verdict,
    admitted,
    already_checked_in,
    certificate_decision,
    decide,
)

log = logging.getLogger(__name__)

# A hand scanner typing into a Chinese input method left in full-width
# mode sends ０-９. Only the typed path maps them back: the mapping is one
# to one, so the signature check is exactly as strict as for the camera.
_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")

# Longest text we look at: anything longer is refused unread.
MAX_TEXT = 4096


__all__ = ["GateCounters", "GateResult", "GateService", "StudentMatch", "code_digest"]


# TODO(gate-offline): DESIGN §12 wants a gate that keeps working when the
# database is unreachable (verify signatures, queue the check-ins, upload
# them later). Not built: handle() raises, the page shows 无法判定 and
# nothing is recorded until the database is back.
class GateService:
    """Decides and records scans for one gate workstation.

    Each call runs in its own transaction; the object holds no session, so
    a worker thread may own it.
    """

    def __init__(
        self,
        db: Database,
        keyring: Keyring,
        clock: Clock,
        actor: Actor,
        gate: str,
    ) -> None:
        actor.require(Permission.GATE_SCAN)
        self._db = db
        self._keyring = keyring
        self._clock = clock
        self._actor = actor
        self.gate = gate
        with db.sessions() as session:
            self._settings = load_settings(session)

    @property
    def settings(self) -> CampaignSettings:
        """The campaign settings read when the gate opened."""
        return self._settings

    def handle(self, text: str, source: str = "camera") -> GateResult:
        """Decide on a decoded ``text`` and record the scan.

        Args:
            text: what the camera or hand scanner read.
            source: "camera", "hand" or "cli".

        Returns:
            The recorded result; the verdict is also in the database.
        """
        started = time.perf_counter()
        text = text.strip()[:MAX_TEXT]
        if source == "hand":
            text = text.translate(_FULL_WIDTH_DIGITS)
        if looks_like_certificate(text):
            return self._handle_certificate(started, text, source)
        check = verify_pass(text, self._keyring)
        scan = ScanInput(
            check=check,
            kind="pass" if looks_like_pass(text) else "unknown",
            source=source,
            digest=code_digest(text),
            serial=check.claims.serial if check.claims else None,
        )
        return self._decide(started, scan, partial(self._lookup, check=check))

    def handle_student(self, student_id: int) -> GateResult:
        """Decide on a student found by manual look-up (no code shown).

        The same rules apply except those about the code; the look-up is
        limited by role and leaves an audit event whatever the verdict.
        """
        self._actor.require(Permission.GATE_LOOKUP)
        started = time.perf_counter()
        scan = ScanInput(
            check=None, kind="manual", source="manual", digest="", serial=None
        )
        return self._decide(
            started, scan, partial(student_by_id, student_id=student_id)
        )

    def _handle_certificate(self, started: float, text: str, source: str) -> GateResult:
        """Refuse a release certificate, saying what it is and whether valid."""
        scan = ScanInput(
            check=None,
            kind="certificate",
            source=source,
            digest=code_digest(text),
            serial=None,
        )
        with self._db.sessions() as session, session.begin():
            now = self._clock.now()
            report = inspect(text, self._keyring, session)
            decision = certificate_decision(report)
            student = None
            if report.student_no is not None:
                student = session.scalars(
                    select(Student).where(Student.student_no == report.student_no)
                ).first()
            row = self._record_scan(session, scan, decision, student, now)

        ms = (time.perf_counter() - started) * 1000
        log.info("gate %s: certificate %s (%.1f ms)", self.gate, report.state, ms)
        return GateResult(
            verdict=decision.verdict,
            reasons=decision.reasons,
            kind=scan.kind,
            student_no=report.student_no,
            student_name=None,
            class_name=None,
            masked_document=None,
            scanned_at=now,
            gate=self.gate,
            ms=ms,
            scan_id=row.id,
            check_in_recorded=False,
            certificate=report,
        )

    def find_students(self, query: str, limit: int = 20) -> list[StudentMatch]:
        """Students matching a number prefix, a name or a document's last digits."""
        self._actor.require(Permission.GATE_LOOKUP)
        query = query.strip()
        if not query:
            return []
        with self._db.sessions() as session, session.begin():
            statement = select(Student).where(match_condition(query)).limit(limit)
            students = session.scalars(statement.order_by(Student.student_no)).all()
            matches = [
                StudentMatch(
                    student_id=s.id,
                    student_no=s.student_no,
                    name=s.name,
                    class_name=s.school_class.name,
                    masked_document=mask_document(s.doc_number),
                )
                for s in students
            ]
            audit.record(
                session,
                self._clock,
                self._actor,
                "gate.lookup",
                f"gate:{self.gate}",
                matches=len(matches),
            )
        return matches

    def _decide(
        self,
        started: float,
        scan: ScanInput,
        lookup: Callable[[Session], tuple[Student | None, PassRecord | None]],
    ) -> GateResult:
        with self._db.sessions() as session, session.begin():
            now = self._clock.now()
            student, record = lookup(session)
            facts = GateFacts(
                check=scan.check,
                now=now,
                severe_provinces=self._settings.severe_provinces,
                pass_record=record,
                student=student_facts(session, student) if student else None,
            )
            decision = decide(facts)
            recorded = False
            if decision.verdict is Verdict.ADMIT and student is not None:
                decision, recorded = self._check_in(session, student, now)
            row = self._record_scan(session, scan, decision, student, now)
            if recorded and student is not None:
                self._audit_check_in(session, student, row)
            elif scan.source == "manual":
                self._audit_manual(session, student, decision)
            class_name = student.school_class.name if student else None

        ms = (time.perf_counter() - started) * 1000
        log.info(
            "gate %s: %s %s (%.1f ms)",
            self.gate,
            decision.verdict.value,
            student.student_no if student else "-",
            ms,
        )
        return GateResult(
            verdict=decision.verdict,
            reasons=decision.reasons,
            kind=scan.kind,
            student_no=student.student_no if student else None,
            student_name=student.name if student else None,
            class_name=class_name,
            masked_document=mask_document(student.doc_number) if student else None,
            scanned_at=now,
            gate=self.gate,
            ms=ms,
            scan_id=row.id,
            check_in_recorded=recorded,
        )

    @staticmethod
    def _lookup(
        session: Session, *, check: PassCheck
    ) -> tuple[Student | None, PassRecord | None]:
        claims = check.claims
        if claims is None:
            return None, None
        student = session.scalars(
            select(Student).where(Student.pass_ref == claims.ref)
        ).first()
        gate_pass = session.get(GatePass, claims.serial)
        if student is None or gate_pass is None:
            return student, None
        record = PassRecord(
            belongs_to_student=gate_pass.student_id == student.id,
            revoked=gate_pass.revoked_at is not None,
        )
        return student, record

    def _check_in(
        self, session: Session, student: Student, now: datetime
    ) -> tuple[Decision, bool]:
        """Insert the check-in; if another gate won the race, say already."""
        try:
            with session.begin_nested():
                session.add(
                    CheckIn(
                        student_id=student.id,
                        checked_in_at=now,
                        gate=self.gate,
                        workstation=self._actor.workstation,
                        operator_id=self._actor.operator_id,
                    )
                )
                session.add(Observation(student_id=student.id, started_at=now))
                session.flush()
        except IntegrityError:
            existing = session.scalars(
                select(CheckIn).where(CheckIn.student_id == student.id)
            ).first()
            if existing is None:
                raise  # not the race: some other constraint failed
            log.info("check-in race lost for student %s", student.student_no)
            return already_checked_in(existing.checked_in_at, existing.gate), False
        return admitted(), True

    def _record_scan(
        self,
        session: Session,
        scan: ScanInput,
        decision: Decision,
        student: Student | None,
        now: datetime,
    ) -> GateScan:
        row = GateScan(
            scanned_at=now,
            gate=self.gate,
            workstation=self._actor.workstation,
            operator_id=self._actor.operator_id,
            source=scan.source,
            kind=scan.kind,
            verdict=decision.verdict.value,
            reasons=json.dumps(list(decision.reasons), ensure_ascii=False),
            student_id=student.id if student else None,
            pass_serial=scan.serial,
            code_digest=scan.digest,
        )
        session.add(row)
        session.flush()
        return row

    def _audit_manual(
        self, session: Session, student: Student | None, decision: Decision
    ) -> None:
        audit.record(
            session,
            self._clock,
            self._actor,
            "gate.manual",
            f"student:{student.student_no}" if student else "student:?",
            gate=self.gate,
            verdict=decision.verdict.value,
        )

    def _audit_check_in(
        self, session: Session, student: Student, scan: GateScan
    ) -> None:
        check_in = session.scalars(
            select(CheckIn).where(CheckIn.student_id == student.id)
        ).one()
        check_in.scan_id = scan.id
        audit.record(
            session,
            self._clock,
            self._actor,
            "check_in",
            f"student:{student.student_no}",
            gate=self.gate,
            scan=scan.id,
        )

    def counters(self) -> GateCounters:
        """Admitted today at this gate, checked in overall, refused today here."""
        start = (
            self._clock.now()
            .astimezone(BEIJING)
            .replace(hour=0, minute=0, second=0, microsecond=0)
        )
        end = start + timedelta(days=1)
        with self._db.sessions() as session:
            admitted = session.scalar(
                select(func.count(CheckIn.id)).where(
                    CheckIn.gate == self.gate,
                    CheckIn.checked_in_at >= start,
                    CheckIn.checked_in_at < end,
                )
            )
            total = session.scalar(select(func.count(CheckIn.id)))
            refused = session.scalar(
                select(func.count(GateScan.id)).where(
                    GateScan.gate == self.gate,
                    GateScan.verdict == Verdict.REFUSE.value,
                    GateScan.scanned_at >= start,
                    GateScan.scanned_at < end,
                )
            )
        return GateCounters(admitted or 0, total or 0, refused or 0)
