"""Browsing and exporting the audit log; school admins only, never edited."""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from desktop.clock import BEIJING, FixedClock
from desktop.models import AuditEvent
from desktop.services import audit, audit_log
from desktop.services.audit_log import AuditQuery, count, export, fetch_page
from desktop.services.auth import Actor, PermissionDenied, Role

ADMIN = Actor(None, "admin", "研究生工作处", Role.SCHOOL_ADMIN)
HEAD = Actor(None, "wang", "王老师", Role.CLASS_HEAD, workstation="办公室")
COLLEGE = Actor(None, "econ", "经济学院管理员", Role.COLLEGE_ADMIN, college_id=1)


@pytest.fixture
def logged(db) -> None:
    """Five events over three days by two operators."""
    plan = [
        (datetime(2020, 3, 18, 9, 0), HEAD, "sheet.export", "class:2019级经济硕士1班"),
        (datetime(2020, 3, 19, 23, 59), HEAD, "sheet.send", "class:2019级经济硕士1班"),
        (datetime(2020, 3, 20, 0, 1), ADMIN, "approval.grant", "student:2019000001"),
        (datetime(2020, 3, 20, 8, 0), ADMIN, "sheet.export", "school"),
        (datetime(2020, 3, 20, 9, 0), ADMIN, "release", "student:=cmd|calc"),
    ]
    with db.sessions() as session, session.begin():
        for moment, actor, action, target in plan:
            clock = FixedClock(moment.replace(tzinfo=BEIJING))
            audit.record(session, clock, actor, action, target, note="试")


def targets(db, query: AuditQuery, offset: int = 0, limit: int = 50) -> list[str]:
    with db.sessions() as session:
        return [r.target for r in fetch_page(session, ADMIN, query, offset, limit)]


def test_newest_first_and_paged(db, logged) -> None:
    everything = targets(db, AuditQuery())

    assert everything[0] == "student:=cmd|calc"
    assert everything[-1] == "class:2019级经济硕士1班"
    assert targets(db, AuditQuery(), offset=1, limit=2) == everything[1:3]
    with db.sessions() as session:
        assert count(session, ADMIN, AuditQuery()) == 5


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (AuditQuery(operator="WAN"), 2),  # part of the login, any case
        (AuditQuery(action="sheet.export"), 2),
        (AuditQuery(target="经济硕士"), 2),
        (AuditQuery(target="%"), 0),  # a LIKE wildcard is just a character
        (AuditQuery(since=date(2020, 3, 20)), 3),  # from 00:00 Beijing time
        (AuditQuery(until=date(2020, 3, 19)), 2),  # up to 23:59:59 that day
        (AuditQuery(since=date(2020, 3, 19), until=date(2020, 3, 19)), 1),
        (AuditQuery(operator="admin", action="sheet.export", target="school"), 1),
    ],
)
def test_filters(db, logged, query: AuditQuery, expected: int) -> None:
    with db.sessions() as session:
        assert count(session, ADMIN, query) == expected
    assert len(targets(db, query)) == expected


@pytest.mark.parametrize("actor", [HEAD, COLLEGE])
def test_school_admins_only(db, logged, actor: Actor, tmp_path: Path) -> None:
    with db.sessions() as session:
        with pytest.raises(PermissionDenied):
            fetch_page(session, actor, AuditQuery(), 0, 10)
        with pytest.raises(PermissionDenied):
            count(session, actor, AuditQuery())
        with pytest.raises(PermissionDenied):
            export(session, FixedClock(datetime.now(BEIJING)), actor, AuditQuery(),
                   tmp_path / "log.csv")  # fmt: skip
    assert not (tmp_path / "log.csv").exists()


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_export_is_readable_and_audited(
    db,
    clock,
    logged,
    suffix: str,
    tmp_path: Path,
) -> None:
    path = tmp_path / f"日志{suffix}"
    query = AuditQuery(operator="admin")

    with db.sessions() as session, session.begin():
        written = export(session, clock, ADMIN, query, path)

    assert written == 3
    if suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
    else:
        sheet = load_workbook(path).active
        rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == ["时间", "操作员", "工作站", "操作", "对象", "详情"]
    assert rows[1][0] == "2020-03-20 09:00:00"
    assert rows[1][3] == "解除观察（release）"
    assert rows[2][4] == "school" and "试" in rows[2][5]
    assert len(rows) == 4
    with db.sessions() as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "audit.export")
        ).one()
    assert event.target == f"file:日志{suffix}"
    assert '"rows": 3' in event.details and '"operator": "admin"' in event.details


def test_formula_like_targets_stay_text(db, clock, logged, tmp_path: Path) -> None:
    query = AuditQuery(action="release")
    with db.sessions() as session, session.begin():
        export(session, clock, ADMIN, query, tmp_path / "a.xlsx")
        export(session, clock, ADMIN, query, tmp_path / "a.csv")

    cell = load_workbook(tmp_path / "a.xlsx").active.cell(row=2, column=5)
    assert cell.value == "student:=cmd|calc" and cell.data_type == "s"
    with db.sessions() as session, session.begin():
        audit.record(session, clock, ADMIN, "release", "=HYPERLINK(1)")
        export(
            session, clock, ADMIN, AuditQuery(target="HYPERLINK"), tmp_path / "b.csv"
        )
    text = (tmp_path / "b.csv").read_text(encoding="utf-8-sig")
    assert ",'=HYPERLINK(1)," in text


def test_other_formats_are_refused(db, clock, logged, tmp_path: Path) -> None:
    with db.sessions() as session, pytest.raises(ValueError):
        export(session, clock, ADMIN, AuditQuery(), tmp_path / "log.txt")


def test_no_way_to_edit_the_log() -> None:
    public = {name for name in dir(audit_log) if not name.startswith("_")}
    verbs = ("delete", "update", "edit", "remove", "purge", "modify", "set_")

    assert not [name for name in public if name.startswith(verbs)]
    source = Path(audit_log.__file__).read_text(encoding="utf-8")
    assert "delete(" not in source and "update(" not in source
    assert "session.add" not in source and ".merge(" not in source
