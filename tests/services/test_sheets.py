"""The statistics sheets, opened again with openpyxl and checked cell by cell."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, update

from desktop.models import AuditEvent, College, SchoolClass, Student
from desktop.services.auth import Actor, PermissionDenied, Role
from desktop.services.sheets import (
    HEADERS,
    export_class,
    export_college,
    export_school,
    safe_file_name,
    safe_sheet_name,
)

ADMIN = Actor(None, "admin", "研究生工作处", Role.SCHOOL_ADMIN)
CLASS = "2019级经济硕士1班"


@pytest.fixture
def class_of_five(db, factory, clock):
    """Five students: ok, unregistered, late, symptoms, arrived unapproved."""
    ok = factory.student()
    missing = factory.student(registered=False)
    clock.advance(days=13)  # 4-02: the late one registers 3-30, after 3-27
    late = factory.student()
    sick = factory.student(cough=True)
    unapproved = factory.student(approval=None)
    with db.sessions() as session, session.begin():
        session.execute(update(SchoolClass).values(head_name="王老师"))
        # The late one registered on 3-30; the others on 3-17, the day
        # before their approved return (3-19).
        from desktop.models import Registration

        for made in (ok, sick, unapproved):
            session.execute(
                update(Registration)
                .where(Registration.student_id == made.id)
                .values(submitted_at=clock.now() - timedelta(days=16))
            )
    return {
        "ok": ok,
        "missing": missing,
        "late": late,
        "sick": sick,
        "unapproved": unapproved,
    }


def export(db, clock, actor=ADMIN, folder=None) -> Path:
    with db.sessions() as session, session.begin():
        return export_class(session, clock, actor, CLASS, folder)


def test_class_sheet_layout(db, clock, class_of_five, tmp_path: Path) -> None:
    path = export(db, clock, folder=tmp_path)

    assert path.name == f"{CLASS}.xlsx"
    sheet = load_workbook(path)[CLASS]
    assert "京心相助" in sheet["A1"].value
    assert {str(r) for r in sheet.merged_cells.ranges} == {"A1:P1", "A2:P2"}
    assert "班级：2019级经济硕士1班" in sheet["A2"].value
    assert "班主任：王老师" in sheet["A2"].value
    assert [c.value for c in sheet[3]] == [label for label, _w in HEADERS]
    assert sheet.freeze_panes == "A4"
    assert sheet.print_title_rows == "$1:$3"
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.paperSize == 9
    assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage


def test_rows_totals_and_highlights(db, clock, class_of_five, tmp_path: Path) -> None:
    sheet = load_workbook(export(db, clock, folder=tmp_path))[CLASS]
    rows = {row[1].value: row for row in sheet.iter_rows(min_row=4, max_row=8)}
    made = class_of_five

    def fill(key: str) -> str:
        return rows[made[key].student_no][0].fill.fgColor.rgb[-6:]

    assert rows[made["ok"].student_no][5].value == "是"
    assert rows[made["ok"].student_no][7].value == "是"
    assert rows[made["missing"].student_no][5].value == "否"
    assert "未登记" in rows[made["missing"].student_no][15].value
    assert rows[made["late"].student_no][7].value == "否"
    assert "发烧" not in rows[made["sick"].student_no][12].value
    assert "咳嗽" in rows[made["sick"].student_no][12].value
    assert "未经批准抵京" in rows[made["unapproved"].student_no][15].value
    assert rows[made["ok"].student_no][0].fill.fill_type is None
    assert fill("missing") == "FBE3D6"
    assert fill("late") == "FCE4B0"
    assert fill("sick") == "F4B6B6"
    assert fill("unapproved") == "FFF2AB"
    totals = sheet.cell(row=10, column=1).value
    assert "应登记 5 人" in totals and "已登记 4 人" in totals
    assert "未登记 1 人" in totals and "逾期登记 1 人" in totals and "80.0%" in totals


def test_formula_like_text_stays_text(db, clock, factory, tmp_path: Path) -> None:
    made = factory.student()
    with db.sessions() as session, session.begin():
        session.execute(
            update(Student).where(Student.id == made.id).values(name="=HYPERLINK(1)")
        )

    sheet = load_workbook(export(db, clock, folder=tmp_path))[CLASS]

    cell = sheet.cell(row=4, column=3)
    assert cell.value == "=HYPERLINK(1)"
    assert cell.data_type == "s"


def test_college_and_school_workbooks(db, clock, class_of_five, tmp_path: Path) -> None:
    with db.sessions() as session, session.begin():
        college = export_college(session, clock, ADMIN, "经济学院", tmp_path)
        school = export_school(session, clock, ADMIN, tmp_path / "全校.xlsx")

    college_book = load_workbook(college)
    assert college_book.sheetnames == ["汇总", CLASS]
    summary = college_book["汇总"]
    assert [c.value for c in summary[4]][1:5] == [CLASS, 5, 4, 1]
    assert summary.cell(row=5, column=2).value == "合计"
    school_book = load_workbook(school)
    assert school_book.sheetnames == ["按学院汇总", "按班级汇总", "学生明细"]
    detail = school_book["学生明细"]
    assert detail.cell(row=3, column=5).value == "班级"
    assert detail.cell(row=4, column=5).value == CLASS


def test_class_head_exports_only_their_classes(
    db, clock, class_of_five, tmp_path: Path
) -> None:
    stranger = Actor(999, "head2", "李老师", Role.CLASS_HEAD)

    with pytest.raises(PermissionDenied):
        export(db, clock, actor=stranger, folder=tmp_path)
    assert not (tmp_path / f"{CLASS}.xlsx").exists()


def test_college_admin_sees_only_their_college(
    db, clock, class_of_five, tmp_path: Path
) -> None:
    with db.sessions() as session:
        college_id = session.scalars(select(College.id)).one()
    own = Actor(None, "c", "经济学院管理员", Role.COLLEGE_ADMIN, college_id=college_id)
    other = Actor(
        None, "c2", "法学院管理员", Role.COLLEGE_ADMIN, college_id=college_id + 1
    )

    assert export(db, clock, actor=own, folder=tmp_path).exists()
    with pytest.raises(PermissionDenied):
        export(db, clock, actor=other, folder=tmp_path / "other")


def test_every_export_is_audited(db, clock, class_of_five, tmp_path: Path) -> None:
    export(db, clock, folder=tmp_path)

    with db.sessions() as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "sheet.export")
        ).one()
    assert event.target == f"class:{CLASS}"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("2019级经济硕士1班", "2019级经济硕士1班.xlsx"),
        ('a/b\\c:d*e?f"g<h>i|j', "a_b_c_d_e_f_g_h_i_j.xlsx"),
        ("CON", "_CON.xlsx"),
        ("班级. ", "班级.xlsx"),
        ("", "sheet.xlsx"),
    ],
)
def test_safe_file_name(name: str, expected: str) -> None:
    assert safe_file_name(name) == expected


def test_safe_sheet_name_obeys_excel() -> None:
    taken: set[str] = set()

    first = safe_sheet_name("a[b]:c*d?e/f\\g" + "长" * 40, taken)
    second = safe_sheet_name("a[b]:c*d?e/f\\g" + "长" * 40, taken)

    assert len(first) <= 31 and len(second) <= 31
    assert not set("[]:*?/\\") & set(first)
    assert first != second


@pytest.mark.parametrize("role", [Role.CLASS_HEAD, Role.COLLEGE_ADMIN])
def test_only_school_admins_export_the_school(db, clock, class_of_five, tmp_path, role):
    actor = Actor(1, "x", "x", role, college_id=1)

    with db.sessions() as session, pytest.raises(PermissionDenied):
        export_school(session, clock, actor, tmp_path / "全校.xlsx")
    assert not (tmp_path / "全校.xlsx").exists()
