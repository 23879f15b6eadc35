"""The release certificate (解除观察电子证明): readable text, signed.

The QR holds UTF-8 text that any phone shows as it is, eight lines joined
by ``\\n`` with no line end after the last::

    解除观察电子证明
    姓名：张*明
    学校：中国社会科学院大学
    观察期：2020-03-20 至 2020-04-03
    解除日期：2020-04-03
    证明编号：JC2020-000123
    签发单位：中国社会科学院大学研究生工作处
    签名：1.7.<86 characters of base64url, no padding>

The signature line is ``<version>.<key id>.<signature>``; version 1 is
Ed25519 over the UTF-8 bytes of the seven lines above it, each with its
``\\n``. Verification is strict and canonical: the exact header, the exact
labels in this order, no line more or less, valid UTF-8, a signature in
its one canonical base64url spelling. Only when the signature holds are the
field values read; the database then says whether the certificate was
revoked. Nothing here can be mistaken for a pass (digits only, prefix
``200313``): a pass handed to the certificate check is named as a pass.
"""

from __future__ import annotations

import base64
import binascii
import enum
import logging
import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.clock import BEIJING, Clock
from desktop.i18n import N_, _
from desktop.models import Certificate, School, SchoolClass, Student
from desktop.services import audit
from desktop.services.auth import Actor, Permission
from desktop.services.keys import Keyring
from desktop.services.masking import mask_name
from desktop.services.passes import looks_like_pass
from desktop.services.settings import load_settings

log = logging.getLogger(__name__)

HEADER = "解除观察电子证明"
VERSION = 1
NUMBER_PREFIX = "JC"
LABELS = ("姓名", "学校", "观察期", "解除日期", "证明编号", "签发单位")
SIGNATURE_LABEL = "签名"
COLON = "："
PERIOD_JOINER = " 至 "
SIGNATURE_CHARS = 86  # 64 bytes in base64url without padding
LINE_COUNT = len(LABELS) + 2

# ASCII classes only: \d would also accept other scripts' digits.
_SIGNATURE_VALUE = re.compile(r"([1-9][0-9]{0,2})\.([1-9][0-9]{0,4})\.([A-Za-z0-9_-]+)")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_NUMBER = re.compile(NUMBER_PREFIX + r"[0-9]{4}-[0-9]{6,9}")


class CertificateProblem(enum.Enum):
    """Why a text is not a valid certificate of ours."""

    NOT_OURS = "not_ours"
    IS_PASS = "is_pass"
    MALFORMED = "malformed"
    UNSUPPORTED_VERSION = "unsupported_version"
    UNKNOWN_KEY = "unknown_key"
    BAD_SIGNATURE = "bad_signature"


class CertificateState(enum.StrEnum):
    """What a scanned certificate turned out to be."""

    VALID = "valid"
    REVOKED = "revoked"
    FORGED = "forged"
    UNRECORDED = "unrecorded"
    UNCHECKED = "unchecked"  # signature good, no database to ask


STATE_LABELS = {
    CertificateState.VALID: N_("有效"),
    CertificateState.REVOKED: N_("已撤销"),
    CertificateState.FORGED: N_("伪造或被篡改"),
    CertificateState.UNRECORDED: N_("查无签发记录"),
    CertificateState.UNCHECKED: N_("签名有效（未查询撤销状态）"),
}

_PROBLEM_REASONS = {
    CertificateProblem.NOT_OURS: N_("不是本系统的解除观察电子证明"),
    CertificateProblem.IS_PASS: N_("这是报到二维码，不是解除观察电子证明"),
    CertificateProblem.MALFORMED: N_("证明内容不完整或被改动"),
    CertificateProblem.UNSUPPORTED_VERSION: N_("证明签名版本不受支持"),
    CertificateProblem.UNKNOWN_KEY: N_("签发密钥未知或已停用，疑似伪造"),
    CertificateProblem.BAD_SIGNATURE: N_("签名无效，证明系伪造或被篡改"),
}


@dataclass(frozen=True)
class CertificateFields:
    """What a certificate says, in the order it says it."""

    masked_name: str
    school: str
    period_start: date
    released_on: date
    number: str
    issuer: str

    def lines(self) -> tuple[str, ...]:
        """The six labelled lines, without line ends."""
        period = self.period_start.isoformat() + PERIOD_JOINER
        values = (
            self.masked_name,
            self.school,
            period + self.released_on.isoformat(),
            self.released_on.isoformat(),
            self.number,
            self.issuer,
        )
        return tuple(
            f"{label}{COLON}{value}"
            for label, value in zip(LABELS, values, strict=True)
        )


@dataclass(frozen=True)
class CertificateCheck:
    """The offline verdict on a text: fields if the signature held."""

    fields: CertificateFields | None
    problem: CertificateProblem | None
    key_id: int | None = None
    detail: str = ""

    @property
    def valid(self) -> bool:
        return self.fields is not None


@dataclass(frozen=True)
class CertificateReport:
    """A scanned certificate as the screen and the CLI show it.

    Attributes:
        state: valid, revoked, forged, unrecorded or unchecked.
        fields: what the certificate says (None unless the signature held).
        problem: why the text is not a valid certificate, if it is not.
        student_no: the student it was issued to, from the database.
        revoked_at: when it was revoked.
        revoke_reason: why it was revoked.
    """

    state: CertificateState
    fields: CertificateFields | None
    problem: CertificateProblem | None = None
    student_no: str | None = None
    revoked_at: datetime | None = None
    revoke_reason: str | None = None

    def summary(self) -> tuple[str, ...]:
        """The state and the release information, in words."""
        if self.fields is None:
            assert self.problem is not None
            return (_(_PROBLEM_REASONS[self.problem]),)
        info = _(
            "{name}，{school}，观察期{start}至{end}，{end}解除观察，"
            "证明编号{number}，签发单位{issuer}"
        ).format(
            name=self.fields.masked_name,
            school=self.fields.school,
            start=self.fields.period_start.isoformat(),
            end=self.fields.released_on.isoformat(),
            number=self.fields.number,
            issuer=self.fields.issuer,
        )
        state = _("证明{state}").format(state=_(STATE_LABELS[self.state]))
        if self.state is CertificateState.REVOKED and self.revoked_at is not None:
            state += _("（{day}撤销：{reason}）").format(
                day=self.revoked_at.astimezone(BEIJING).date().isoformat(),
                reason=self.revoke_reason or "",
            )
        return state, info


def body_text(fields: CertificateFields) -> str:
    """The seven signed lines, each ending in ``\\n``."""
    return "\n".join((HEADER, *fields.lines())) + "\n"


def sign(fields: CertificateFields, keyring: Keyring) -> str:
    """The full QR text of ``fields`` signed with the active key."""
    body = body_text(fields)
    key_id, signature = keyring.sign(body.encode("utf-8"))
    encoded = base64.urlsafe_b64encode(signature).rstrip(b"=").decode("ascii")
    return f"{body}{SIGNATURE_LABEL}{COLON}{VERSION}.{key_id}.{encoded}"


def looks_like_certificate(text: str) -> bool:
    """Whether ``text`` starts like a certificate (not whether it is one)."""
    return text.startswith(HEADER)


def _fail(problem: CertificateProblem, detail: str = "") -> CertificateCheck:
    return CertificateCheck(fields=None, problem=problem, detail=detail)


def _decode_signature(encoded: str) -> bytes | None:
    """The 64 signature bytes, only from their one canonical spelling."""
    if len(encoded) != SIGNATURE_CHARS:
        return None
    try:
        raw = base64.urlsafe_b64decode(encoded + "==")
    except (binascii.Error, ValueError):
        return None
    canonical = base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")
    return raw if canonical == encoded else None


def _value(line: str, label: str) -> str | None:
    prefix = label + COLON
    if not line.startswith(prefix):
        return None
    value = line[len(prefix) :]
    if not value or value != value.strip() or not value.isprintable():
        return None
    return value


def _day(text: str) -> date | None:
    if not _DATE.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _read_fields(values: list[str]) -> CertificateFields | None:
    name, school, period, released, number, issuer = values
    start_text, joiner, end_text = period.partition(PERIOD_JOINER)
    start, end, released_on = _day(start_text), _day(end_text), _day(released)
    if not joiner or start is None or released_on is None or end != released_on:
        return None
    if start > released_on or not _NUMBER.fullmatch(number):
        return None
    return CertificateFields(name, school, start, released_on, number, issuer)


def verify(text: str | bytes, keyring: Keyring) -> CertificateCheck:
    """Check a certificate text offline, with the public keys alone."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            return _fail(CertificateProblem.MALFORMED, "not UTF-8")
    if looks_like_pass(text):
        return _fail(CertificateProblem.IS_PASS)
    if not looks_like_certificate(text):
        return _fail(CertificateProblem.NOT_OURS)

    lines = text.split("\n")
    if len(lines) != LINE_COUNT or lines[0] != HEADER:
        return _fail(CertificateProblem.MALFORMED, f"{len(lines)} lines")
    labelled = zip(lines[1:-1], LABELS, strict=True)
    values = [_value(line, label) for line, label in labelled]
    signature_value = _value(lines[-1], SIGNATURE_LABEL)
    if any(v is None for v in values) or signature_value is None:
        return _fail(CertificateProblem.MALFORMED, "labels")
    match = _SIGNATURE_VALUE.fullmatch(signature_value)
    if match is None:
        return _fail(CertificateProblem.MALFORMED, "signature line")

    version, key_id = int(match[1]), int(match[2])
    if version != VERSION:
        return _fail(CertificateProblem.UNSUPPORTED_VERSION, f"version {version}")
    if key_id not in keyring.public:
        return _fail(CertificateProblem.UNKNOWN_KEY, f"key id {key_id}")
    signature = _decode_signature(match[3])
    if signature is None:
        return _fail(CertificateProblem.MALFORMED, "signature encoding")
    try:
        message = "\n".join(lines[:-1]).encode("utf-8") + b"\n"
    except UnicodeEncodeError:
        return _fail(CertificateProblem.MALFORMED, "not UTF-8")
    if not keyring.verify(key_id, signature, message):
        return _fail(CertificateProblem.BAD_SIGNATURE)

    fields = _read_fields([v for v in values if v is not None])
    if fields is None:
        return _fail(CertificateProblem.MALFORMED, "field values")
    return CertificateCheck(fields=fields, problem=None, key_id=key_id)


def inspect(
    text: str | bytes, keyring: Keyring, session: Session | None
) -> CertificateReport:
    """Verify ``text`` and, given a session, ask whether it was revoked."""
    check = verify(text, keyring)
    if check.fields is None:
        return CertificateReport(CertificateState.FORGED, None, check.problem)
    if session is None:
        return CertificateReport(CertificateState.UNCHECKED, check.fields)

    row = session.execute(
        select(Certificate, Student.student_no)
        .join(Student, Student.id == Certificate.student_id)
        .where(Certificate.number == check.fields.number)
    ).first()
    if row is None:
        return CertificateReport(CertificateState.UNRECORDED, check.fields)
    certificate, student_no = row
    state = CertificateState.VALID
    if certificate.revoked_at is not None:
        state = CertificateState.REVOKED
    return CertificateReport(
        state=state,
        fields=check.fields,
        student_no=student_no,
        revoked_at=certificate.revoked_at,
        revoke_reason=certificate.revoke_reason,
    )


def current_certificate(session: Session, student_id: int) -> Certificate | None:
    """The student's newest certificate, revoked or not."""
    return session.scalars(
        select(Certificate)
        .where(Certificate.student_id == student_id)
        .order_by(Certificate.id.desc())
        .limit(1)
    ).first()


def _school_name(session: Session, student: Student) -> str:
    statement = (
        select(School.name)
        .join(SchoolClass.college)
        .join(School)
        .where(SchoolClass.id == student.class_id)
    )
    return session.scalars(statement).one()


def issue(
    session: Session,
    clock: Clock,
    keyring: Keyring,
    actor: Actor,
    student: Student,
    *,
    period_start: date,
    released_on: date,
) -> Certificate:
    """Sign and store a certificate for ``student`` (the release calls this).

    The number is ``JC<release year>-<row id>``: the row is added first so
    the number is unique by construction, then the text is signed.
    """
    actor.require(Permission.RELEASE)
    if keyring.signing_id is None:
        raise ValueError("this workstation holds no signing key")
    school = _school_name(session, student)
    issuer = school + load_settings(session).issuing_office
    certificate = Certificate(
        number=f"pending-{student.id}-{clock.now().timestamp()}",
        student_id=student.id,
        observation_start=period_start,
        released_on=released_on,
        issued_at=clock.now(),
        issued_by=actor.operator_id,
        issuer=issuer,
        key_id=keyring.signing_id,
        signed_text="",
    )
    session.add(certificate)
    session.flush()

    certificate.number = f"{NUMBER_PREFIX}{released_on.year}-{certificate.id:06d}"
    fields = CertificateFields(
        masked_name=mask_name(student.name),
        school=school,
        period_start=period_start,
        released_on=released_on,
        number=certificate.number,
        issuer=issuer,
    )
    certificate.signed_text = sign(fields, keyring)
    session.flush()
    audit.record(
        session,
        clock,
        actor,
        "certificate.issue",
        f"student:{student.student_no}",
        number=certificate.number,
        key_id=certificate.key_id,
    )
    log.info("issued certificate %s", certificate.number)
    return certificate


def revoke(
    session: Session,
    clock: Clock,
    actor: Actor,
    certificate: Certificate,
    reason: str,
) -> bool:
    """Revoke ``certificate``; False if it already was (school admins only)."""
    actor.require(Permission.RELEASE)
    reason = reason.strip()
    if not reason:
        raise ValueError(_("撤销证明须填写原因"))
    if certificate.revoked_at is not None:
        return False
    certificate.revoked_at = clock.now()
    certificate.revoked_by = actor.operator_id
    certificate.revoke_reason = reason[:200]
    student_no = session.scalars(
        select(Student.student_no).where(Student.id == certificate.student_id)
    ).one()
    audit.record(
        session,
        clock,
        actor,
        "certificate.revoke",
        f"student:{student_no}",
        number=certificate.number,
        reason=reason,
    )
    log.info("revoked certificate %s", certificate.number)
    return True
