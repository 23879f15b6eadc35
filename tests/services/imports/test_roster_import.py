"""The roster import: structure, students, re-import and scope."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from desktop.models import AuditEvent, College, Major, SchoolClass, Student
from desktop.services.auth import Actor, Role
from tests.services.imports.sheets import (
    ROSTER_HEADERS,
    plan,
    roster_row,
    run_import,
    seed_roster,
    write_csv,
    write_xlsx,
)


def _count(db, model) -> int:
    with db.sessions() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_roster_creates_structure_and_students(db, clock, tmp_path: Path) -> None:
    rows = [ROSTER_HEADERS] + [roster_row(i) for i in range(1, 4)]
    rows.append(roster_row(4, class_name="2019级经济硕士2班"))

    result = run_import(db, clock, "roster", write_xlsx(tmp_path / "r.xlsx", rows))

    assert (result.created, result.updated, result.unchanged) == (4, 0, 0)
    assert _count(db, College) == 1 and _count(db, Major) == 1
    with db.sessions() as session:
        classes = session.scalars(select(SchoolClass).order_by(SchoolClass.name)).all()
        assert [c.head_name for c in classes] == ["王老师", "王老师"]
        refs = session.scalars(select(Student.pass_ref)).all()
        assert len(set(refs)) == 4 and all(refs)
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "import.roster")
        ).one()
        assert '"created": 4' in event.details and "学生" not in event.details


def test_reimport_changes_nothing_and_edits_update(db, clock, tmp_path: Path) -> None:
    rows = [ROSTER_HEADERS] + [roster_row(i) for i in range(1, 4)]
    path = write_xlsx(tmp_path / "r.xlsx", rows)
    run_import(db, clock, "roster", path)

    again = run_import(db, clock, "roster", path)
    rows[2][1] = "新名字"
    edited = run_import(db, clock, "roster", write_xlsx(tmp_path / "r2.xlsx", rows))

    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert (edited.created, edited.updated, edited.unchanged) == (0, 1, 2)


def test_english_headers_reordered_and_gbk_csv(db, clock, tmp_path: Path) -> None:
    rows = [["Class", "Name", "Student No.", "Gender", "College", "School"]]
    rows.append(
        [
            "2019级经济硕士1班",
            "张三",
            "０２０１９００１",
            " 女 ",
            "经济学院",
            "中国社会科学院大学",
        ]
    )
    path = write_csv(tmp_path / "r.csv", rows, "gbk")

    result = run_import(db, clock, "roster", path)

    assert result.created == 1
    with db.sessions() as session:
        student = session.scalars(select(Student)).one()
        assert (student.student_no, student.gender, student.major_id) == (
            "02019001",
            "女",
            None,
        )


def test_class_head_may_not_add_students_elsewhere(db, clock, tmp_path: Path) -> None:
    seed_roster(db, clock, tmp_path, count=2)
    head = Actor(99, "head", "王老师", Role.CLASS_HEAD)
    rows = [ROSTER_HEADERS, roster_row(3)]

    found = plan(db, clock, "roster", write_xlsx(tmp_path / "r.xlsx", rows), head)

    assert not found.ok
    assert "不在您负责的范围内" in found.problems[0].message()
    assert found.problems[0].column == "F"


def test_college_admin_may_add_classes_in_own_college(
    db, clock, tmp_path: Path
) -> None:
    seed_roster(db, clock, tmp_path, count=1)
    with db.sessions() as session:
        college_id = session.scalars(select(College.id)).one()
    admin = Actor(98, "college", "经济学院", Role.COLLEGE_ADMIN, college_id=college_id)
    other = roster_row(3)
    other[3] = "法学院"
    rows = [ROSTER_HEADERS, roster_row(2, class_name="2019级经济硕士9班"), other]

    found = plan(db, clock, "roster", write_xlsx(tmp_path / "r.xlsx", rows), admin)

    assert [row.valid for row in found.rows] == [True, False]


def test_one_class_one_college_within_a_file(db, clock, tmp_path: Path) -> None:
    other = roster_row(2)
    other[3] = "法学院"
    rows = [ROSTER_HEADERS, roster_row(1), other]

    found = plan(db, clock, "roster", write_xlsx(tmp_path / "r.xlsx", rows))

    assert [p.message() for p in found.problems] == [
        "第3行 D列「学院」：同一班级在第2行属于另一学院"
    ]


def test_error_workbook_keeps_formula_like_text_as_text(
    db, clock, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    from desktop.services.imports import write_error_workbook

    trap = '=HYPERLINK("http://127.0.0.1/x","click")'
    rows = [[*ROSTER_HEADERS, trap], [*roster_row(1), trap], [*roster_row(2), "x"]]
    rows[2][1] = ""  # a missing name makes row 3 rejected
    found = plan(db, clock, "roster", write_csv(tmp_path / "r.csv", rows))

    write_error_workbook(found, tmp_path / "errors.xlsx")

    sheet = load_workbook(tmp_path / "errors.xlsx").active
    formulas = [
        c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"
    ]
    assert formulas == []
    assert trap in [c.value for c in sheet[1]]
