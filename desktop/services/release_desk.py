"""The release page's calls, each in its own unit of work (Qt-free).

One call reads the whole board: who is eligible and why, who is still
under observation and where they stand, who was released (with whether
the release can still be undone). The actions wrap ``release``: a bulk
release is one transaction, so a refusal writes nothing. Only school
admins get anywhere: the services check ``Permission.RELEASE`` again.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import select

from desktop.clock import Clock
from desktop.models import (
    Certificate,
    CheckIn,
    College,
    Observation,
    SchoolClass,
    Student,
)
from desktop.services import certificates, observation, release
from desktop.services.auth import Actor, Permission
from desktop.services.certificates import CertificateFields
from desktop.services.db import Database
from desktop.services.keys import Keyring
from desktop.services.observation import ObservationState, ObservationStatus
from desktop.services.release import Released
from desktop.services.settings import load_settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BoardRow:
    """A checked-in student on the release page.

    Attributes:
        student_no: the student number.
        name: the student's name.
        class_name: the class.
        college_name: the class's college.
        status: the observation state with its dates.
        reason: why the student is eligible ("" when not eligible).
        released_at: when the current release was made.
        release_reason: the reason given for it.
        undo_until: until when the release can be undone.
    """

    student_no: str
    name: str
    class_name: str
    college_name: str
    status: ObservationStatus
    reason: str = ""
    released_at: datetime | None = None
    release_reason: str | None = None
    undo_until: datetime | None = None

    @property
    def released(self) -> bool:
        return self.released_at is not None


@dataclass(frozen=True)
class ReleaseBoard:
    """The three lists of the release page, each by class and number."""

    eligible: list[BoardRow]
    observing: list[BoardRow]
    released: list[BoardRow]
    now: datetime

    def colleges(self) -> dict[str, list[str]]:
        """College name to its class names, from every row on the board."""
        found: dict[str, set[str]] = {}
        for row in (*self.eligible, *self.observing, *self.released):
            found.setdefault(row.college_name, set()).add(row.class_name)
        return {name: sorted(classes) for name, classes in sorted(found.items())}

    def can_undo(self, row: BoardRow) -> bool:
        """Whether the release of ``row`` is still within the undo window."""
        return row.undo_until is not None and self.now < row.undo_until


@dataclass(frozen=True)
class PrintableCertificate:
    """A certificate to print: the exact signed text and what it says."""

    student_no: str
    text: str
    fields: CertificateFields


class ReleaseDesk:
    """The release page's use cases for one school admin."""

    def __init__(
        self, db: Database, clock: Clock, keyring: Keyring, actor: Actor
    ) -> None:
        self._db = db
        self._clock = clock
        self._keyring = keyring
        self.actor = actor

    def load(self) -> ReleaseBoard:
        """Every checked-in student, sorted into the page's lists."""
        self.actor.require(Permission.RELEASE)
        with self._db.sessions() as session:
            settings = load_settings(session)
            window = timedelta(hours=settings.undo_window_hours)
            found = observation.statuses(
                session, self._clock, actor=self.actor, settings=settings
            )
            rows = session.execute(
                select(
                    Student.id,
                    Student.student_no,
                    Student.name,
                    SchoolClass.name,
                    College.name,
                    Observation.released_at,
                    Observation.release_reason,
                )
                .join(CheckIn, CheckIn.student_id == Student.id)
                .join(SchoolClass, SchoolClass.id == Student.class_id)
                .join(College, College.id == SchoolClass.college_id)
                .outerjoin(Observation, Observation.student_id == Student.id)
                .order_by(SchoolClass.name, Student.student_no)
            )
            board = ReleaseBoard([], [], [], self._clock.now())
            for student_id, number, name, class_name, college, at, why in rows:
                status = found.get(student_id)
                if status is None:  # outside the actor's scope
                    continue
                row = BoardRow(number, name, class_name, college, status)
                if at is not None:
                    row = replace(
                        row, released_at=at, release_reason=why, undo_until=at + window
                    )
                    board.released.append(row)
                elif status.eligible:
                    reason = status.eligibility_reason(settings)
                    board.eligible.append(_with_reason(row, reason))
                else:
                    board.observing.append(row)
        return board

    def release(self, student_nos: Sequence[str], reason: str) -> list[Released]:
        """Release the students, all or nothing.

        Raises:
            ReleaseRefused: with each student's problem; nothing written.
            ReleaseError: no reason or no student.
            PermissionDenied: the actor is not a school admin.
        """
        with self._db.sessions() as session, session.begin():
            done = release.release_students(
                session, self._clock, self._keyring, self.actor, student_nos, reason
            )
        log.info("release page released %d students", len(done))
        return done

    def undo(self, student_no: str, reason: str) -> str | None:
        """Undo a release made within the window; the revoked number."""
        with self._db.sessions() as session, session.begin():
            revoked = release.undo_release(
                session, self._clock, self.actor, student_no, reason
            )
            return revoked.number if revoked is not None else None

    def revoke(self, student_no: str, reason: str) -> str:
        """Revoke the student's certificate; returns its number."""
        with self._db.sessions() as session, session.begin():
            revoked = release.revoke_certificate(
                session, self._clock, self.actor, student_no, reason
            )
            return revoked.number

    def printable(self, student_nos: Sequence[str]) -> list[PrintableCertificate]:
        """The valid certificates of these students, ready to print.

        Students without a certificate, or whose newest one is revoked, are
        left out; a stored text that no longer verifies is an error.
        """
        self.actor.require(Permission.RELEASE)
        with self._db.sessions() as session:
            rows = session.execute(
                select(Student.student_no, Certificate)
                .join(Certificate, Certificate.student_id == Student.id)
                .where(Student.student_no.in_(list(student_nos)))
                .order_by(Student.student_no, Certificate.id)
            ).all()
        newest = {number: certificate for number, certificate in rows}
        result = []
        for number in student_nos:
            certificate = newest.get(number)
            if certificate is None or certificate.revoked_at is not None:
                continue
            result.append(printable(number, certificate.signed_text, self._keyring))
        return result


def printable(student_no: str, text: str, keyring: Keyring) -> PrintableCertificate:
    """A certificate text checked against the keys, ready to print.

    Raises:
        ValueError: the text is not a valid certificate of ours.
    """
    check = certificates.verify(text, keyring)
    if check.fields is None:
        raise ValueError(f"certificate of {student_no} does not verify")
    return PrintableCertificate(student_no, text, check.fields)


def _with_reason(row: BoardRow, reason: str) -> BoardRow:
    if row.status.state is ObservationState.RELEASE_UNDONE:
        reason = row.status.describe() + "；" + reason
    return replace(row, reason=reason)
