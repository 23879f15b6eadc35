"""Punch-ins: rules, corrections with history, permissions and page queries."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from desktop.clock import BEIJING
from desktop.models import AuditEvent, HealthReport, SchoolClass, Student
from desktop.services import health, health_queries
from desktop.services.auth import (
    SYSTEM,
    Actor,
    PermissionDenied,
    Role,
    actor_for,
    create_operator,
)
from desktop.services.settings import CampaignSettings

SETTINGS = CampaignSettings()


def punch_in(db, clock, student_id: int, actor: Actor = SYSTEM, **values):
    values.setdefault("temperature", 36.5)
    with db.sessions() as session, session.begin():
        student = session.get(Student, student_id)
        report = health.record_punch_in(session, clock, actor, student, **values)
        return report.version


# --- rules ------------------------------------------------------------------


@pytest.mark.parametrize("value", [35.0, "36.5", 37, "42.0", 41.9])
def test_temperatures_in_range_are_accepted(value: object) -> None:
    assert 35.0 <= health.parse_temperature(value) <= 42.0


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (34.9, "35.0至42.0"),
        ("42.1", "35.0至42.0"),
        ("36.55", "一位小数"),
        ("abc", "不是数字"),
        ("nan", "不是数字"),
        ("", "不是数字"),
    ],
)
def test_temperatures_out_of_rule_are_refused(value: object, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        health.parse_temperature(value)


def test_symptoms_come_from_the_vocabulary_in_its_order() -> None:
    assert health.normalise_symptoms(["乏力", " 发烧", "乏力", ""]) == ("发烧", "乏力")
    with pytest.raises(ValueError, match="头痛"):
        health.normalise_symptoms(["头痛"])


def test_abnormal_by_threshold_or_symptom() -> None:
    assert health.is_abnormal(37.3, (), SETTINGS)
    assert not health.is_abnormal(37.2, (), SETTINGS)
    assert health.is_abnormal(36.5, ("咳嗽",), SETTINGS)
    assert not health.is_abnormal(
        36.5, ("咳嗽",), CampaignSettings(symptoms_abnormal=False)
    )


def test_validate_collects_every_problem() -> None:
    with pytest.raises(health.PunchInInvalid) as invalid:
        health.validate(
            day=date(2020, 3, 21),
            temperature="高",
            symptoms=["头痛"],
            note="x" * 201,
            today=date(2020, 3, 20),
        )

    assert set(invalid.value.errors) == {"temperature", "symptoms", "day", "note"}


# --- recording and correcting -----------------------------------------------


def test_one_report_per_day_and_a_correction_keeps_the_earlier(
    db, clock, factory
) -> None:
    student = factory.student(checked_in_at=clock.now())

    first = punch_in(db, clock, student.id, temperature=37.6, symptoms=["发烧"])
    again = punch_in(db, clock, student.id, temperature=37.6, symptoms=["发烧"])
    corrected = punch_in(db, clock, student.id, temperature=36.6, note="复测")

    assert (first, again, corrected) == (1, 1, 2)
    with db.sessions() as session:
        rows = session.scalars(
            select(HealthReport).order_by(HealthReport.version)
        ).all()
        events = session.scalars(select(AuditEvent.action)).all()
        versions = health.report_versions(
            session, SYSTEM, session.get(Student, student.id), clock.now().date()
        )
    assert [(r.temperature, r.symptoms, r.is_current) for r in rows] == [
        (37.6, "发烧", False),
        (36.6, "", True),
    ]
    assert rows[1].note == "复测" and len(versions) == 2
    assert events.count("health.punch_in") == 1 and events.count("health.correct") == 1


def test_future_days_and_bad_values_write_nothing(db, clock, factory) -> None:
    student = factory.student()

    with pytest.raises(health.PunchInInvalid):
        punch_in(db, clock, student.id, day=date(2020, 3, 21))
    with pytest.raises(health.PunchInInvalid):
        punch_in(db, clock, student.id, temperature=43)

    with db.sessions() as session:
        assert session.scalars(select(HealthReport)).all() == []


def test_gate_staff_may_not_record(db, clock, factory) -> None:
    student = factory.student()

    with pytest.raises(PermissionDenied):
        punch_in(db, clock, student.id, Actor(None, "g", "门岗", Role.GATE_STAFF))


def test_class_heads_record_for_their_own_classes_only(db, clock, factory) -> None:
    student = factory.student()
    with db.sessions() as session, session.begin():
        operator = create_operator(
            session,
            clock,
            login="head",
            display_name="王老师",
            password="x",
            role=Role.CLASS_HEAD,
        )
        head = actor_for(operator, "pc")

    with pytest.raises(PermissionDenied):
        punch_in(db, clock, student.id, head)
    with db.sessions() as session, session.begin():
        session.scalars(select(SchoolClass)).one().head_operator_id = head.operator_id
    assert punch_in(db, clock, student.id, head) == 1


# --- replay -----------------------------------------------------------------


def reports(days: int, temperature: float | None = None, minute: int | None = None):
    first = date(2020, 3, 20)
    rows = []
    for i in range(days):
        day = first + timedelta(days=i)
        value = temperature if temperature is not None else 36.0 + (i % 7) / 10
        at = datetime.combine(day, datetime.min.time(), BEIJING) + timedelta(
            minutes=minute if minute is not None else 420 + 13 * i
        )
        rows.append((day, value, at))
    return rows


def test_same_temperature_five_days_running_is_flagged() -> None:
    runs = health.replay_runs(reports(6, temperature=36.5), 5)

    assert [(r.kind, r.days, r.value) for r in runs] == [("temperature", 6, "36.5")]
    assert "连续6天体温均为36.5℃" in runs[0].describe()
    assert health.replay_runs(reports(4, temperature=36.5), 5) == []


def test_same_minute_every_day_is_flagged() -> None:
    runs = health.replay_runs(reports(5, minute=8 * 60 + 3), 5)

    assert [(r.kind, r.value) for r in runs] == [("minute", "08:03")]


def test_a_gap_breaks_a_run() -> None:
    rows = reports(8, temperature=36.5)
    del rows[3]

    assert health.replay_runs(rows, 5) == []
    assert health.replay_runs(reports(7), 5) == []


# --- what the health page reads ---------------------------------------------


def test_day_reports_put_abnormal_first_and_flag_replays(db, clock, factory) -> None:
    start = clock.now() - timedelta(days=5)
    steady = factory.student(checked_in_at=start)
    fever = factory.student(checked_in_at=start)
    for offset in range(5, -1, -1):
        day = clock.now().date() - timedelta(days=offset)
        punch_in(db, clock, steady.id, day=day, temperature=36.4)
    punch_in(db, clock, fever.id, temperature=37.9, symptoms=["发烧"])

    with db.sessions() as session:
        rows = health_queries.day_reports(session, clock, SYSTEM)

    assert [r.student_no for r in rows] == [fever.student_no, steady.student_no]
    assert rows[0].abnormal and rows[0].symptoms == ("发烧",)
    assert rows[0].replay is None
    assert rows[1].replay is not None and rows[1].replay.kind == "temperature"


def test_missing_punch_ins_by_class(db, clock, factory) -> None:
    done = factory.student(checked_in_at=clock.now() - timedelta(days=2))
    missing = factory.student(checked_in_at=clock.now() - timedelta(days=1))
    factory.student()  # not checked in: not expected
    punch_in(db, clock, done.id)

    with db.sessions() as session:
        classes = health_queries.missing_punch_ins(session, clock, SYSTEM)

    assert len(classes) == 1
    assert classes[0].expected == 2
    assert [m.student_no for m in classes[0].missing] == [missing.student_no]


def test_temperature_series_shows_gaps(db, clock, factory) -> None:
    student = factory.student(checked_in_at=clock.now() - timedelta(days=3))
    today = clock.now().date()
    punch_in(db, clock, student.id, day=today - timedelta(days=3), temperature=36.5)
    punch_in(db, clock, student.id, day=today - timedelta(days=1), temperature=37.5)

    with db.sessions() as session:
        series = health_queries.temperature_series(
            session, clock, SYSTEM, session.get(Student, student.id)
        )

    assert [(p.temperature, p.abnormal) for p in series] == [
        (36.5, False),
        (None, False),
        (37.5, True),
        (None, False),
    ]
    assert series[0].day == today - timedelta(days=3)


def test_page_queries_respect_scope(db, clock, factory) -> None:
    student = factory.student(checked_in_at=clock.now())
    punch_in(db, clock, student.id)
    outsider = Actor(99, "head", "王老师", Role.CLASS_HEAD)

    with db.sessions() as session:
        assert health_queries.day_reports(session, clock, outsider) == []
        assert health_queries.missing_punch_ins(session, clock, outsider) == []
        with pytest.raises(PermissionDenied):
            health_queries.day_reports(
                session, clock, Actor(None, "g", "门岗", Role.GATE_STAFF)
            )


# --- import -----------------------------------------------------------------


def import_file(db, clock, path, actor: Actor = SYSTEM):
    """Plan ``path`` as a health import; write it if it is clean."""
    from desktop.services.imports import ImportKind, apply_import, plan_import

    with db.sessions() as session, session.begin():
        plan = plan_import(session, actor, ImportKind.HEALTH, path, clock=clock)
        problems = [p.message() for p in plan.problems]
        if problems:
            return problems, None
        result = apply_import(session, clock, actor, plan)
        return [], (result.created, result.updated, result.unchanged)


def write_csv(path, lines: list[str]):
    path.write_text("\n".join(lines) + "\n", encoding="gbk")
    return path


def test_import_writes_and_corrects_punch_ins(db, clock, factory, tmp_path) -> None:
    one = factory.student(checked_in_at=clock.now() - timedelta(days=2))
    two = factory.student(checked_in_at=clock.now() - timedelta(days=2))
    first = write_csv(
        tmp_path / "first.csv",
        [
            "学号,打卡日期,体温(℃),症状,备注,提交时间",
            f"{one.student_no},2020/3/19,36.5,无,,2020-03-19 07:45",
            f"{one.student_no},2020年3月20日,37.6,发热、咳嗽,复测,2020-03-20 07:46",
            f"{two.student_no},2020-03-20,36.4,,,",
        ],
    )
    second = write_csv(
        tmp_path / "second.csv",
        [
            "学号,日期,体温",
            f"{one.student_no},2020-03-20,36.6",
            f"{two.student_no},2020-03-20,36.4",
        ],
    )

    assert import_file(db, clock, first) == ([], (3, 0, 0))
    assert import_file(db, clock, second) == ([], (0, 1, 1))

    with db.sessions() as session:
        rows = session.scalars(
            select(HealthReport).order_by(HealthReport.student_id, HealthReport.id)
        ).all()
    fever = [r for r in rows if r.day == date(2020, 3, 20) and r.student_id == one.id]
    assert [(r.version, r.is_current, r.symptoms) for r in fever] == [
        (1, False, "发烧、咳嗽"),
        (2, True, ""),
    ]
    assert rows[0].reported_at.astimezone(BEIJING).strftime("%H:%M") == "07:45"


def test_import_reports_every_problem_by_row_and_column(
    db, clock, factory, tmp_path
) -> None:
    student = factory.student()
    bad = write_csv(
        tmp_path / "bad.csv",
        [
            "学号,打卡日期,体温,症状",
            f"{student.student_no},2020-03-20,34.2,无",
            f"{student.student_no},2020-03-20,36.5,头痛",
            "1999999999,2020-03-21,36.5,无",
        ],
    )

    problems, written = import_file(db, clock, bad)

    assert written is None
    joined = "\n".join(problems)
    assert "第2行 C列「体温」：体温须在35.0至42.0℃之间" in joined
    assert "第3行 D列「症状」" in joined and "头痛" in joined
    assert "第4行 A列「学号」" in joined and "不能为将来的日期打卡" in joined
    assert "重复" in joined  # the same student and day twice
    with db.sessions() as session:
        assert session.scalars(select(HealthReport)).all() == []


def test_cli_imports_health(tmp_path, capsys) -> None:
    from desktop.cli import main

    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    assert main(["demo", "--db", url, "--students", "40"]) == 0
    bad = write_csv(tmp_path / "h.csv", ["学号,打卡日期,体温", "0,2020-03-20,50"])
    capsys.readouterr()

    assert main(["import", "health", str(bad), "--db", url]) == 1


def test_import_is_limited_by_role_and_scope(db, clock, factory, tmp_path) -> None:
    student = factory.student()
    path = write_csv(
        tmp_path / "h.csv",
        ["学号,打卡日期,体温", f"{student.student_no},2020-03-20,36.5"],
    )
    outsider = Actor(99, "head", "王老师", Role.CLASS_HEAD)

    problems, written = import_file(db, clock, path, outsider)

    assert written is None and "不在您负责的范围内" in problems[0]
    with pytest.raises(PermissionDenied):
        import_file(db, clock, path, Actor(None, "g", "门岗", Role.GATE_STAFF))


@pytest.mark.parametrize("typed", ["３６．５", "36.5℃", " 36.5 °C", 36.5])
def test_temperature_as_people_type_it(typed: object) -> None:
    from desktop.services.health import parse_temperature

    assert parse_temperature(typed) == 36.5


def test_no_punch_in_before_the_check_in_day(db, clock, factory) -> None:
    student = factory.student(checked_in_at=clock.now() - timedelta(days=3))
    before = clock.now().date() - timedelta(days=4)

    with pytest.raises(health.PunchInInvalid) as refused:
        punch_in(db, clock, student.id, day=before)

    assert "早于报到日期" in refused.value.errors["day"]


def test_only_school_admins_back_fill_older_days(db, clock, factory) -> None:
    student = factory.student(checked_in_at=clock.now() - timedelta(days=10))
    with db.sessions() as session, session.begin():
        operator = create_operator(
            session,
            clock,
            login="head",
            display_name="王老师",
            password="x",
            role=Role.CLASS_HEAD,
        )
        session.scalars(select(SchoolClass)).one().head_operator_id = operator.id
        head = actor_for(operator, "pc")
    yesterday = clock.now().date() - timedelta(days=1)
    older = clock.now().date() - timedelta(days=5)

    assert punch_in(db, clock, student.id, head, day=yesterday) == 1
    with pytest.raises(health.PunchInInvalid) as refused:
        punch_in(db, clock, student.id, head, day=older)
    assert "校级管理员" in refused.value.errors["day"]
    assert punch_in(db, clock, student.id, SYSTEM, day=older) == 1


def test_import_refuses_punch_ins_before_the_check_in(db, clock, factory, tmp_path):
    student = factory.student(checked_in_at=clock.now() - timedelta(days=2))
    early = (clock.now() - timedelta(days=5)).date().isoformat()
    path = write_csv(
        tmp_path / "early.csv",
        ["学号,打卡日期,体温", f"{student.student_no},{early},36.5"],
    )

    problems, written = import_file(db, clock, path)

    assert written is None
    assert any("早于报到日期" in problem for problem in problems)
