"""Release certificates: the text, every way of breaking one, revocation.

The fuzz tests work on the offline check alone: any altered byte,
character or signature must be refused, whatever the database says.
"""

from __future__ import annotations

import base64
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from desktop.clock import FixedClock
from desktop.models import AuditEvent, GateScan, Student
from desktop.services import certificates, release
from desktop.services.auth import SYSTEM, Actor, PermissionDenied, Role
from desktop.services.certificates import (
    CertificateFields,
    CertificateProblem,
    CertificateState,
)
from desktop.services.gate import GateService
from desktop.services.health import record_punch_in
from desktop.services.keys import Keyring, load_keyring
from desktop.services.passes import verify_pass
from desktop.services.verdict import Verdict

FIELDS = CertificateFields(
    masked_name="张*明",
    school="中国社会科学院大学",
    period_start=date(2020, 3, 20),
    released_on=date(2020, 4, 3),
    number="JC2020-000123",
    issuer="中国社会科学院大学研究生工作处",
)
FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@pytest.fixture
def genuine(keyring: Keyring) -> str:
    return certificates.sign(FIELDS, keyring)


def test_text_reads_as_the_release_and_verifies(keyring: Keyring, genuine: str) -> None:
    lines = genuine.split("\n")

    assert lines[:7] == [
        "解除观察电子证明",
        "姓名：张*明",
        "学校：中国社会科学院大学",
        "观察期：2020-03-20 至 2020-04-03",
        "解除日期：2020-04-03",
        "证明编号：JC2020-000123",
        "签发单位：中国社会科学院大学研究生工作处",
    ]
    assert lines[7].startswith(f"签名：1.{keyring.signing_id}.")
    check = certificates.verify(genuine, keyring)
    assert check.valid and check.fields == FIELDS
    assert certificates.verify(genuine.encode("utf-8"), keyring).fields == FIELDS


def test_signature_covers_exactly_the_text_above_it(
    keyring: Keyring, genuine: str
) -> None:
    body, _, signature_line = genuine.rpartition("\n")
    encoded = signature_line.rsplit(".", 1)[1]
    signature = base64.urlsafe_b64decode(encoded + "==")
    key = keyring.public[keyring.signing_id or 0]

    key.verify(signature, (body + "\n").encode("utf-8"))  # raises if not


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda t: t + "\n", CertificateProblem.MALFORMED),
        (lambda t: t.replace("\n", "\r\n"), CertificateProblem.MALFORMED),
        (lambda t: t.replace("姓名：", "姓名:"), CertificateProblem.MALFORMED),
        (lambda t: t.replace("学校：", "学校： "), CertificateProblem.MALFORMED),
        (
            lambda t: t.replace("签名：1.", "签名：2."),
            CertificateProblem.UNSUPPORTED_VERSION,
        ),
        (
            lambda t: t.replace("签名：1.1.", "签名：1.9."),
            CertificateProblem.UNKNOWN_KEY,
        ),
        (
            lambda t: t.replace("签名：1.1.", "签名：1.01."),
            CertificateProblem.MALFORMED,
        ),
        (lambda t: t.replace("张*明", "张*敏"), CertificateProblem.BAD_SIGNATURE),
        (
            lambda t: t.replace("2020-04-03", "2020-05-03"),
            CertificateProblem.BAD_SIGNATURE,
        ),
        (lambda t: "\n".join(t.split("\n")[:-1]), CertificateProblem.MALFORMED),
        (lambda t: t[:-1], CertificateProblem.MALFORMED),
        (lambda t: "\ufeff" + t, CertificateProblem.NOT_OURS),
        (lambda t: "https://example.com", CertificateProblem.NOT_OURS),
    ],
)
def test_each_kind_of_damage_is_named(
    keyring: Keyring, genuine: str, change, problem: CertificateProblem
) -> None:
    assert certificates.verify(change(genuine), keyring).problem is problem


def test_a_pass_is_named_as_a_pass_and_the_other_way_round(
    keyring: Keyring, genuine: str, factory
) -> None:
    pass_text = factory.student().pass_text

    assert certificates.verify(pass_text, keyring).problem is CertificateProblem.IS_PASS
    report = certificates.inspect(pass_text, keyring, None)
    assert report.summary() == ("这是报到二维码，不是解除观察电子证明",)
    assert not verify_pass(genuine, keyring).valid


def test_another_schools_key_is_refused(genuine: str, tmp_path: Path) -> None:
    stranger = load_keyring(tmp_path / "stranger")

    assert certificates.verify(genuine, stranger).problem is (
        CertificateProblem.BAD_SIGNATURE
    )


@FUZZ
@given(data=st.data())
def test_every_altered_byte_is_refused(
    keyring: Keyring, genuine: str, data: st.DataObject
) -> None:
    raw = bytearray(genuine.encode("utf-8"))
    position = data.draw(st.integers(0, len(raw) - 1))
    kind = data.draw(st.sampled_from(["replace", "delete", "insert"]))
    value = data.draw(st.integers(0, 255))
    if kind == "replace":
        assume(raw[position] != value)
        raw[position] = value
    elif kind == "delete":
        del raw[position]
    else:
        raw.insert(position, value)

    assert not certificates.verify(bytes(raw), keyring).valid


@FUZZ
@given(data=st.data())
def test_every_altered_character_is_refused(
    keyring: Keyring, genuine: str, data: st.DataObject
) -> None:
    position = data.draw(st.integers(0, len(genuine) - 1))
    character = data.draw(st.characters())
    kind = data.draw(st.sampled_from(["replace", "delete", "insert", "swap"]))
    following = min(position + 1, len(genuine) - 1)
    altered = {
        "replace": genuine[:position] + character + genuine[position + 1 :],
        "delete": genuine[:position] + genuine[position + 1 :],
        "insert": genuine[:position] + character + genuine[position:],
        "swap": genuine[:position]
        + genuine[following]
        + genuine[position + 1 : following]
        + genuine[position]
        + genuine[following + 1 :],
    }[kind]
    assume(altered != genuine)

    assert not certificates.verify(altered, keyring).valid


@FUZZ
@given(signature=st.binary(min_size=64, max_size=64), flip=st.integers(0, 511))
def test_every_altered_signature_is_refused(
    keyring: Keyring, genuine: str, signature: bytes, flip: int
) -> None:
    body, _, line = genuine.rpartition("\n")
    prefix, _, encoded = line.rpartition(".")
    real = bytearray(base64.urlsafe_b64decode(encoded + "=="))
    real[flip // 8] ^= 1 << (flip % 8)

    for forged in (bytes(real), signature):
        text = base64.urlsafe_b64encode(forged).rstrip(b"=").decode("ascii")
        assert not certificates.verify(f"{body}\n{prefix}.{text}", keyring).valid


def test_signature_has_one_spelling_only(keyring: Keyring, genuine: str) -> None:
    """The last base64 character carries 4 spare bits; setting them is an edit."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    last = genuine[-1]
    same_bytes = [
        c
        for c in alphabet
        if c != last and alphabet.index(c) >> 4 == alphabet.index(last) >> 4
    ]

    for other in same_bytes:
        assert not certificates.verify(genuine[:-1] + other, keyring).valid


# --- issued, scanned and revoked through the database -----------------------


def _released_student(db, clock: FixedClock, keyring: Keyring, factory) -> str:
    """A student checked in on 20 March, every punch-in, released 3 April."""
    start = clock.now()
    student = factory.student(checked_in_at=start)
    clock.advance(days=14)
    with db.sessions() as session, session.begin():
        row = session.get(Student, student.id)
        for offset in range(14):
            day = start.date() + timedelta(days=offset)
            record_punch_in(session, clock, SYSTEM, row, temperature=36.4, day=day)
        release.release_students(
            session, clock, keyring, SYSTEM, [student.student_no], "观察期满"
        )
    return student.student_no


def _certificate_text(db, student_no: str) -> str:
    with db.sessions() as session:
        student = session.scalars(
            select(Student).where(Student.student_no == student_no)
        ).one()
        certificate = certificates.current_certificate(session, student.id)
        assert certificate is not None
        return certificate.signed_text


def test_issued_certificate_is_valid_then_revoked(db, clock, keyring, factory) -> None:
    number = _released_student(db, clock, keyring, factory)
    text = _certificate_text(db, number)

    with db.sessions() as session:
        valid = certificates.inspect(text, keyring, session)
    with db.sessions() as session, session.begin():
        release.revoke_certificate(session, clock, SYSTEM, number, "信息有误")
    with db.sessions() as session:
        revoked = certificates.inspect(text, keyring, session)
        actions = session.scalars(select(AuditEvent.action)).all()

    assert valid.state is CertificateState.VALID and valid.student_no == number
    assert valid.fields is not None
    assert valid.fields.period_start == date(2020, 3, 20)
    assert valid.fields.released_on == date(2020, 4, 3)
    assert valid.fields.masked_name == "张*明"
    assert valid.fields.issuer == "中国社会科学院大学研究生工作处"
    assert revoked.state is CertificateState.REVOKED
    assert "已撤销" in revoked.summary()[0] and "信息有误" in revoked.summary()[0]
    assert {"certificate.issue", "certificate.revoke", "release"} <= set(actions)


def test_revoking_twice_says_so(db, clock, keyring, factory) -> None:
    number = _released_student(db, clock, keyring, factory)
    with db.sessions() as session, session.begin():
        release.revoke_certificate(session, clock, SYSTEM, number, "信息有误")

    with pytest.raises(release.ReleaseError, match="已撤销"):
        with db.sessions() as session, session.begin():
            release.revoke_certificate(session, clock, SYSTEM, number, "再次")
    with pytest.raises(release.ReleaseError, match="原因"):
        with db.sessions() as session, session.begin():
            release.revoke_certificate(session, clock, SYSTEM, number, "  ")


@pytest.mark.parametrize("role", [Role.GATE_STAFF, Role.CLASS_HEAD, Role.COLLEGE_ADMIN])
def test_only_school_admins_revoke(db, clock, keyring, factory, role: Role) -> None:
    number = _released_student(db, clock, keyring, factory)
    actor = Actor(None, "someone", "某人", role, college_id=1)

    with pytest.raises(PermissionDenied):
        with db.sessions() as session, session.begin():
            release.revoke_certificate(session, clock, actor, number, "信息有误")


def test_gate_names_a_certificate_and_its_state(db, clock, keyring, factory) -> None:
    number = _released_student(db, clock, keyring, factory)
    text = _certificate_text(db, number)
    gate = GateService(
        db, keyring, clock, Actor(None, "g", "门岗", Role.GATE_STAFF), "东门"
    )

    valid = gate.handle(text)
    forged = gate.handle(text.replace("张*明", "李*明"))
    with db.sessions() as session, session.begin():
        release.revoke_certificate(session, clock, SYSTEM, number, "信息有误")
    revoked = gate.handle(text + "\n")  # a trailing line end is stripped

    for result in (valid, forged, revoked):
        assert result.verdict is Verdict.REFUSE and result.kind == "certificate"
        assert result.reasons[0] == "这是解除观察电子证明，不是报到二维码"
        assert not result.check_in_recorded
    assert "证明有效" in valid.reasons[1] and "2020-04-03解除观察" in valid.reasons[2]
    assert valid.student_no == number and valid.certificate is not None
    assert valid.to_json()["certificate"] == {
        "state": "valid",
        "number": valid.certificate.fields.number,  # type: ignore[union-attr]
        "released_on": "2020-04-03",
    }
    assert "伪造" in forged.reasons[1] and forged.student_no is None
    assert revoked.certificate is not None
    assert revoked.certificate.state is CertificateState.REVOKED
    with db.sessions() as session:
        kinds = session.scalars(select(GateScan.kind)).all()
    assert kinds == ["certificate"] * 3


def test_offline_check_says_revocation_was_not_asked(
    db, clock, keyring, factory
) -> None:
    number = _released_student(db, clock, keyring, factory)

    report = certificates.inspect(_certificate_text(db, number), keyring, None)

    assert report.state is CertificateState.UNCHECKED
    assert "未查询撤销状态" in report.summary()[0]


def test_issue_needs_the_release_permission(db, clock, keyring, factory) -> None:
    student = factory.student(checked_in_at=clock.now() - timedelta(days=20))
    head = Actor(None, "head", "王老师", Role.CLASS_HEAD)

    with pytest.raises(PermissionDenied):
        with db.sessions() as session, session.begin():
            certificates.issue(
                session,
                clock,
                keyring,
                head,
                session.get(Student, student.id),
                period_start=date(2020, 3, 1),
                released_on=date(2020, 3, 20),
            )
