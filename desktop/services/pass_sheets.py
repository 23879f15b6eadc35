"""The registration passes of a whole class: gathered, as QR images, zipped.

``class_passes`` returns one card per student of a class, issuing a pass
to any student without a usable one (or to every student when re-issuing,
which revokes the old serials). ``write_zip`` writes one PNG per student,
named by student number. The printable PDF sheet is painted by Qt in
:mod:`desktop.ui.pass_print`; this module has no Qt.
"""

from __future__ import annotations

import io
import logging
import zipfile
from dataclasses import dataclass
from pathlib import Path

import qrcode
from qrcode.image.pil import PilImage
from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.clock import Clock
from desktop.i18n import _
from desktop.models import SchoolClass, Student
from desktop.services.auth import Actor, Permission, PermissionDenied
from desktop.services.issuing import current_pass, issue_pass, pass_text
from desktop.services.keys import Keyring
from desktop.services.scope import class_condition

log = logging.getLogger(__name__)

QR_BOX_SIZE = 8


class UnknownClass(LookupError):
    """No class of that name exists."""


@dataclass(frozen=True)
class PassCard:
    """What one printed pass card shows.

    Attributes:
        student_no: the student number (also the PNG's file name).
        name: the student's name.
        class_name: the class.
        serial: the pass's serial.
        text: the signed QR text.
    """

    student_no: str
    name: str
    class_name: str
    serial: int
    text: str


def usable_pass_text(
    session: Session,
    clock: Clock,
    keyring: Keyring,
    actor: Actor,
    student: Student,
    *,
    reissue: bool = False,
    reason: str = "",
) -> tuple[int, str]:
    """The serial and QR text of the student's pass, issuing one if needed.

    A pass is issued when asked to re-issue, when the student has none, or
    when theirs was signed by a key this workstation does not hold.
    """
    gate_pass = None if reissue else current_pass(session, student)
    if gate_pass is not None and gate_pass.key_id == keyring.signing_id:
        return gate_pass.id, pass_text(keyring, student, gate_pass)
    gate_pass, text = issue_pass(
        session, clock, keyring, actor, student, reason=reason or "re-issued"
    )
    return gate_pass.id, text


def class_passes(
    session: Session,
    clock: Clock,
    keyring: Keyring,
    actor: Actor,
    class_name: str,
    *,
    reissue: bool = False,
) -> list[PassCard]:
    """One card per student of ``class_name``, by student number.

    Raises:
        PermissionDenied: the actor may not issue passes, or the class is
            outside their scope.
        UnknownClass: there is no class of that name.
    """
    actor.require(Permission.PASS_ISSUE)
    school_class = session.scalars(
        select(SchoolClass).where(SchoolClass.name == class_name)
    ).first()
    if school_class is None:
        raise UnknownClass(_("查无此班级：{name}").format(name=class_name))
    allowed = session.scalars(
        select(SchoolClass.id).where(
            SchoolClass.id == school_class.id, class_condition(actor)
        )
    ).first()
    if allowed is None:
        raise PermissionDenied(_("无权操作班级：{name}").format(name=class_name))

    students = session.scalars(
        select(Student)
        .where(Student.class_id == school_class.id)
        .order_by(Student.student_no)
    ).all()
    cards = []
    for student in students:
        serial, text = usable_pass_text(
            session, clock, keyring, actor, student, reissue=reissue
        )
        cards.append(
            PassCard(student.student_no, student.name, class_name, serial, text)
        )
    log.info("passes of a class gathered: %d cards", len(cards))
    return cards


def qr_image(text: str, box_size: int = QR_BOX_SIZE) -> PilImage:
    """A QR image of ``text`` at level M (numeric mode for our passes)."""
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=box_size, border=4
    )
    code.add_data(text)
    code.make(fit=True)
    return code.make_image(fill_color="black", back_color="white")


def qr_png(text: str, box_size: int = QR_BOX_SIZE) -> bytes:
    """The PNG bytes of :func:`qr_image`."""
    buffer = io.BytesIO()
    qr_image(text, box_size).save(buffer, format="PNG")
    return buffer.getvalue()


def write_zip(cards: list[PassCard], path: Path | str) -> Path:
    """Write one ``<student number>.png`` per card into a zip at ``path``."""
    path = Path(path)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for card in cards:
            archive.writestr(f"{card.student_no}.png", qr_png(card.text))
    return path
