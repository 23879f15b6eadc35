"""Release, undo and the command line's release and certificate commands."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from desktop.cli import main
from desktop.clock import BEIJING, FixedClock
from desktop.models import AuditEvent, Certificate, Observation, Student
from desktop.services import release
from desktop.services.auth import SYSTEM, Actor, PermissionDenied, Role
from desktop.services.db import Database
from desktop.services.health import record_punch_in
from desktop.services.keys import Keyring
from desktop.services.observation import ObservationState, status_of
from tests.helpers import Factory


def observed(db: Database, clock: FixedClock, factory: Factory, days: int = 14) -> str:  # noqa: E501
    """A student checked in ``days`` days ago with a punch-in every day."""
    start = clock.now() - timedelta(days=days)
    student = factory.student(checked_in_at=start)
    with db.sessions() as session, session.begin():
        row = session.get(Student, student.id)
        for offset in range(days):
            day = (start + timedelta(days=offset)).date()
            record_punch_in(session, clock, SYSTEM, row, temperature=36.5, day=day)
    return student.student_no


def run_release(
    db: Database, clock: FixedClock, keyring: Keyring, numbers: list[str]
) -> list[release.Released]:
    with db.sessions() as session, session.begin():
        return release.release_students(
            session, clock, keyring, SYSTEM, numbers, "观察期满，符合条件"
        )


def actions(db: Database) -> list[str]:
    with db.sessions() as session:
        return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_eligible_list_says_why(db, clock, keyring, factory) -> None:  # noqa: ANN001
    ready = observed(db, clock, factory)
    observed(db, clock, factory, days=10)

    with db.sessions() as session:
        found = release.eligible_students(session, clock, SYSTEM)

    assert [item.student_no for item in found] == [ready]
    assert "已观察满14天" in found[0].reason and "每日均已打卡" in found[0].reason
    assert found[0].class_name == "2019级经济硕士1班"


def test_release_many_issues_certificates(db, clock, keyring, factory) -> None:  # noqa: ANN001
    numbers = [observed(db, clock, factory) for _ in range(3)]

    done = run_release(db, clock, keyring, numbers)

    assert [d.student_no for d in done] == numbers
    assert all(d.certificate_text.startswith("解除观察电子证明\n") for d in done)
    with db.sessions() as session:
        rows = session.scalars(select(Observation)).all()
        assert all(r.released_at is not None for r in rows)
        assert {r.release_reason for r in rows} == {"观察期满，符合条件"}
        student = session.scalars(
            select(Student).where(Student.student_no == numbers[0])
        ).one()
        status = status_of(session, clock, student.id)
    assert status is not None and status.state is ObservationState.RELEASED
    assert actions(db).count("release") == 3
    assert actions(db).count("certificate.issue") == 3


def test_release_is_all_or_nothing(db, clock, keyring, factory) -> None:  # noqa: ANN001
    ready = observed(db, clock, factory)
    early = observed(db, clock, factory, days=5)
    absent = factory.student().student_no

    with pytest.raises(release.ReleaseRefused) as refused:
        run_release(db, clock, keyring, [ready, early, absent, "1999999999"])

    assert set(refused.value.problems) == {early, absent, "1999999999"}
    assert "观察中" in refused.value.problems[early]
    assert "尚未报到" in refused.value.problems[absent]
    with db.sessions() as session:
        assert session.scalars(select(Certificate)).all() == []
    assert "release" not in actions(db)


def test_release_needs_a_reason_and_happens_once(db, clock, keyring, factory) -> None:  # noqa: ANN001
    number = observed(db, clock, factory)

    with pytest.raises(release.ReleaseError, match="原因"):
        with db.sessions() as session, session.begin():
            release.release_students(session, clock, keyring, SYSTEM, [number], " ")
    run_release(db, clock, keyring, [number])
    with pytest.raises(release.ReleaseRefused):
        run_release(db, clock, keyring, [number])


def test_undo_within_a_day_revokes_the_certificate(db, clock, keyring, factory) -> None:  # noqa: ANN001
    number = observed(db, clock, factory)
    run_release(db, clock, keyring, [number])
    with db.sessions() as session, session.begin():
        student = session.scalars(select(Student)).one()
        record_punch_in(session, clock, SYSTEM, student, temperature=36.6)
    clock.advance(hours=23, minutes=59)

    with db.sessions() as session, session.begin():
        revoked = release.undo_release(session, clock, SYSTEM, number, "误操作")
    with db.sessions() as session:
        certificate = session.get(Certificate, revoked.id if revoked else 0)
        row = session.scalars(select(Observation)).one()
        status = status_of(session, clock, row.student_id)

    assert certificate is not None and certificate.revoke_reason == "误操作"
    assert row.released_at is None and row.undo_reason == "误操作"
    assert status is not None and status.state is ObservationState.RELEASE_UNDONE
    assert actions(db)[-2:] == ["certificate.revoke", "release.undo"]


def test_undo_after_a_day_is_refused(db, clock, keyring, factory) -> None:  # noqa: ANN001
    number = observed(db, clock, factory)
    run_release(db, clock, keyring, [number])
    clock.advance(hours=24)

    with pytest.raises(release.ReleaseError, match="24小时"):
        with db.sessions() as session, session.begin():
            release.undo_release(session, clock, SYSTEM, number, "误操作")


def test_undone_student_can_be_released_again(db, clock, keyring, factory) -> None:  # noqa: ANN001
    number = observed(db, clock, factory)
    first = run_release(db, clock, keyring, [number])[0]
    with db.sessions() as session, session.begin():
        release.undo_release(session, clock, SYSTEM, number, "误操作")
    clock.advance(hours=1)

    second = run_release(db, clock, keyring, [number])[0]

    assert second.certificate_number != first.certificate_number
    with db.sessions() as session:
        row = session.scalars(select(Observation)).one()
    assert row.released_at is not None and row.undone_at is None


def test_undo_of_a_student_not_released(db, clock, keyring, factory) -> None:  # noqa: ANN001
    number = observed(db, clock, factory)

    with pytest.raises(release.ReleaseError, match="未解除观察"):
        with db.sessions() as session, session.begin():
            release.undo_release(session, clock, SYSTEM, number, "误操作")


@pytest.mark.parametrize("role", [Role.GATE_STAFF, Role.CLASS_HEAD, Role.COLLEGE_ADMIN])
def test_only_school_admins_release(db, clock, keyring, factory, role: Role) -> None:  # noqa: ANN001
    number = observed(db, clock, factory)
    actor = Actor(None, "someone", "某人", role, college_id=1)

    with db.sessions() as session:
        with pytest.raises(PermissionDenied):
            release.eligible_students(session, clock, actor)
        with pytest.raises(PermissionDenied):
            release.release_students(session, clock, keyring, actor, [number], "满")
    run_release(db, clock, keyring, [number])
    with db.sessions() as session:
        with pytest.raises(PermissionDenied):
            release.undo_release(session, clock, actor, number, "误操作")


def test_a_school_admin_operator_releases(db, clock, keyring, factory) -> None:  # noqa: ANN001
    from desktop.services.auth import actor_for, create_operator

    number = observed(db, clock, factory)
    with db.sessions() as session, session.begin():
        operator = create_operator(
            session,
            clock,
            login="admin",
            display_name="研究生工作处",
            password="x",
            role=Role.SCHOOL_ADMIN,
        )
        admin = actor_for(operator, "office-pc")
    with db.sessions() as session, session.begin():
        release.release_students(session, clock, keyring, admin, [number], "满")
    with db.sessions() as session:
        certificate = session.scalars(select(Certificate)).one()
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "release")
        ).one()
    assert certificate.issued_by == admin.operator_id
    assert (event.operator_login, event.workstation) == ("admin", "office-pc")


# --- command line -----------------------------------------------------------


@pytest.fixture
def cli_db(tmp_path: Path, keyring: Keyring) -> tuple[str, Database, FixedClock]:
    """A SQLite database with one student who is eligible by the wall clock."""
    from desktop.services.db import open_database

    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    database = open_database(url)
    now = datetime.now(BEIJING).replace(microsecond=0)
    return url, database, FixedClock(now)


def test_cli_release_certificate_verify_and_revoke(
    cli_db, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:  # noqa: ANN001
    from desktop import paths
    from desktop.services.keys import load_keyring

    url, database, clock = cli_db
    factory = Factory(database, clock, load_keyring(paths.keys_dir()))
    number = observed(database, clock, factory)
    png = tmp_path / "certificate.png"

    assert main(["release", "--db", url, "--eligible"]) == 0
    assert number in capsys.readouterr().out
    assert main(["release", number, "--db", url]) == 2  # no reason
    assert main(["release", number, "--db", url, "--reason", "观察期满"]) == 0
    assert main(["certificate", number, "--db", url, "--out", str(png)]) == 0
    capsys.readouterr()
    assert main(["verify", str(png), "--db", url]) == 0
    shown = capsys.readouterr().out
    assert "解除观察电子证明：证明有效" in shown and "姓名：张*明" in shown
    assert number in shown

    assert main(["certificate", number, "--db", url, "--revoke", "--reason", "错"]) == 0
    assert main(["verify", str(png), "--db", url]) == 1
    assert "已撤销" in capsys.readouterr().out
    assert main(["certificate", number, "--db", url, "--out", str(png)]) == 1
    database.dispose()


def test_cli_refuses_an_ineligible_release_and_pdf(
    cli_db, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:  # noqa: ANN001
    from desktop import paths
    from desktop.services.keys import load_keyring

    url, database, clock = cli_db
    factory = Factory(database, clock, load_keyring(paths.keys_dir()))
    early = observed(database, clock, factory, days=3)

    assert main(["release", early, "--db", url, "--reason", "满"]) == 1
    assert early in capsys.readouterr().out
    pdf = tmp_path / "c.pdf"
    assert main(["certificate", early, "--db", url, "--out", str(pdf)]) == 1
    assert "没有电子证明" in capsys.readouterr().err
    assert (
        main(["certificate", early, "--db", url, "--out", str(tmp_path / "c.png")]) == 1
    )
    database.dispose()


def test_cli_verify_of_a_forged_certificate(
    cli_db, capsys: pytest.CaptureFixture[str]
) -> None:  # noqa: ANN001
    from desktop import paths
    from desktop.services.keys import load_keyring

    url, database, clock = cli_db
    factory = Factory(database, clock, load_keyring(paths.keys_dir()))
    number = observed(database, clock, factory)
    main(["release", number, "--db", url, "--reason", "观察期满"])
    with database.sessions() as session:
        text = session.scalars(select(Certificate.signed_text)).one()
    capsys.readouterr()

    assert main(["verify", text.replace("张*明", "王*明"), "--db", url]) == 1
    assert "伪造" in capsys.readouterr().out
    assert main(["verify", text, "--db", url]) == 0
    database.dispose()


def test_release_day_is_beijing_day(db, keyring, factory) -> None:  # noqa: ANN001
    clock = FixedClock(datetime(2020, 4, 3, 0, 30, tzinfo=BEIJING))
    factory.clock = clock
    number = observed(db, clock, factory)

    run_release(db, clock, keyring, [number])

    with db.sessions() as session:
        certificate = session.scalars(select(Certificate)).one()
    assert certificate.released_on == date(2020, 4, 3)
    assert "解除日期：2020-04-03" in certificate.signed_text


def test_cli_undo_revokes_the_certificate(
    cli_db, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:  # noqa: ANN001
    from desktop import paths
    from desktop.services.keys import load_keyring

    url, database, clock = cli_db
    factory = Factory(database, clock, load_keyring(paths.keys_dir()))
    number = observed(database, clock, factory)
    png = tmp_path / "c.png"
    main(["release", number, "--db", url, "--reason", "观察期满"])
    main(["certificate", number, "--db", url, "--out", str(png)])

    assert main(["release", number, "--undo", "--db", url, "--reason", "误操作"]) == 0
    assert main(["release", number, "--undo", "--db", url, "--reason", "误操作"]) == 1
    assert "未解除观察" in capsys.readouterr().err
    assert main(["verify", str(png), "--db", url]) == 1
    assert "误操作" in capsys.readouterr().out
    database.dispose()
