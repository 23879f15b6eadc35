"""The registrations import: the form's rules, all or nothing, versions."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from desktop.models import AuditEvent, Registration, Student
from desktop.services.auth import Actor, Role
from desktop.services.imports import ImportRefused, write_error_workbook
from tests.services.imports.sheets import (
    REGISTRATION_HEADERS,
    id_number,
    phone,
    plan,
    read_xlsx,
    registration_row,
    run_import,
    seed_roster,
    write_csv,
    write_xlsx,
)


@pytest.fixture
def school(db, clock, tmp_path: Path):
    """The test school with five students on the roster."""
    seed_roster(db, clock, tmp_path, count=5)
    return db


def _registrations(db) -> list[tuple[str, int, bool]]:
    with db.sessions() as session:
        rows = session.execute(
            select(Student.student_no, Registration.version, Registration.is_current)
            .join(Student, Student.id == Registration.student_id)
            .order_by(Student.student_no, Registration.version)
        )
        return [tuple(row) for row in rows]


def _file(tmp_path: Path, rows: list[list[object]], name: str = "reg.xlsx") -> Path:
    return write_xlsx(tmp_path / name, [REGISTRATION_HEADERS, *rows])


def test_clean_file_imports_and_reimport_changes_nothing(
    school, clock, tmp_path
) -> None:
    path = _file(tmp_path, [registration_row(i) for i in range(1, 6)])

    first = run_import(school, clock, "registrations", path)
    again = run_import(school, clock, "registrations", path)

    assert (first.created, first.updated, first.unchanged) == (5, 0, 0)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)
    assert all(
        version == 1 and current for _no, version, current in _registrations(school)
    )
    with school.sessions() as session:
        student = session.scalars(
            select(Student).where(Student.student_no == "2019000002")
        ).one()
        assert (student.doc_number, student.doc_tail, student.phone) == (
            id_number(2),
            id_number(2)[-4:],
            phone(2),
        )
        events = session.scalars(
            select(AuditEvent.details).where(
                AuditEvent.action == "import.registrations"
            )
        ).all()
        assert len(events) == 2 and id_number(2) not in events[0]


def test_changed_row_adds_a_version(school, clock, tmp_path) -> None:
    run_import(school, clock, "registrations", _file(tmp_path, [registration_row(1)]))

    changed = registration_row(1, 宿舍号="501")
    result = run_import(
        school, clock, "registrations", _file(tmp_path, [changed], "b.xlsx")
    )

    assert (result.created, result.updated) == (0, 1)
    assert _registrations(school) == [("2019000001", 1, False), ("2019000001", 2, True)]


def test_messy_file_reads_as_meant(school, clock, tmp_path) -> None:
    headers = [
        "Student No.",
        " 姓 名 ",
        "性别*",
        "学校",
        "所在区",
        "入学年份",
        "入学月份",
    ]
    headers += ["是否留学生", "学院", "专业", "是否住校", "宿舍楼", "房间号", "ID Type"]
    headers += ["身份证号（必填）", "手机号", "离京", "返京日期", "来源地", "省", "市"]
    headers += ["发热", "咳嗽", "乏力"]
    row = [2019000001.0, " 学生乙 ", "男", "中国社会科学院大学 ", "房山区", "2019年", 9]
    row += ["N", "经济学院", "金融学", "√", "３号楼", 402, "居民身份证"]
    row += [id_number(1).lower(), 13800000001, "Y", 43915, "国内", "河北", "石家庄"]
    row += ["×", "0", "无"]

    result = run_import(
        school, clock, "registrations", write_xlsx(tmp_path / "m.xlsx", [headers, row])
    )

    assert result.created == 1
    with school.sessions() as session:
        saved = session.scalars(select(Registration)).one()
        assert (saved.arrival_date, saved.building, saved.room) == (
            date(2020, 3, 25),
            "3号楼",
            "402",
        )
        assert (saved.province, saved.city, saved.doc_number) == (
            "河北省",
            "石家庄市",
            id_number(1),
        )
        assert saved.on_campus and not saved.international and saved.fever is False


def test_gbk_csv_with_tbd_and_dotted_dates(school, clock, tmp_path) -> None:
    rows = [
        REGISTRATION_HEADERS,
        registration_row(1, 抵京日期="待定", 入学年月="2019.9"),
    ]
    rows.append(registration_row(2, 抵京日期="2020.3.25"))

    result = run_import(
        school, clock, "registrations", write_csv(tmp_path / "g.csv", rows, "gbk")
    )

    assert result.created == 2
    with school.sessions() as session:
        tbd = session.scalars(
            select(Registration.arrival_tbd).order_by(Registration.id)
        ).all()
        assert tbd == [True, False]


def test_every_problem_has_row_column_and_reason(school, clock, tmp_path) -> None:
    bad_id = id_number(3)[:-1] + ("0" if id_number(3)[-1] != "0" else "1")
    rows = [
        registration_row(1),
        registration_row(2, 是否离京="也许", 省份="火星"),
        registration_row(3, 证件号码=bad_id),
        registration_row(9),
        registration_row(4, 学号="2019000004", 联系电话="12345"),
        registration_row(4),
    ]
    path = _file(tmp_path, rows)

    found = plan(school, clock, "registrations", path)

    messages = [p.message() for p in found.problems]
    assert "第3行 S列「是否离京」：应填“是”或“否”" in messages
    assert "第3行 V列「省份」：请从列表中选择省份" in messages
    assert "第4行 Q列「证件号码」：身份证号码校验位不正确，请核对" in messages
    assert (
        "第5行 A列「学号」：学号 2019000009 不在应登记名单中，请先导入名单" in messages
    )
    assert any(m.startswith("第6行 R列「联系电话」") for m in messages)
    assert "第7行 A列「学号」：学号在文件中重复出现（第6、7行）" in messages
    assert [row.valid for row in found.rows] == [
        True,
        False,
        False,
        False,
        False,
        False,
    ]
    assert not any(bad_id in m or phone(4) in m for m in messages)  # nothing personal


def test_one_bad_row_writes_nothing(school, clock, tmp_path) -> None:
    rows = [registration_row(i) for i in range(1, 5)] + [registration_row(5, 性别="?")]

    with pytest.raises(ImportRefused):
        run_import(school, clock, "registrations", _file(tmp_path, rows))

    assert _registrations(school) == []
    with school.sessions() as session:
        assert (
            session.scalar(
                select(func.count(AuditEvent.id)).where(
                    AuditEvent.action == "import.registrations"
                )
            )
            == 0
        )


def test_valid_only_then_fixed_error_workbook_round_trip(
    school, clock, tmp_path
) -> None:
    rows = [
        registration_row(1),
        registration_row(2, 抵京日期="下周"),
        registration_row(3),
    ]
    path = _file(tmp_path, rows)
    errors = tmp_path / "errors.xlsx"

    with school.sessions() as session, session.begin():
        from desktop.services.imports import apply_import, plan_import
        from tests.services.imports.sheets import ADMIN

        found = plan_import(session, ADMIN, "registrations", path, clock=clock)
        result = apply_import(session, clock, ADMIN, found, valid_only=True)
        write_error_workbook(found, errors)

    assert (result.created, result.rejected) == (2, 1)
    sheet = read_xlsx(errors)
    assert sheet[0] == [*REGISTRATION_HEADERS, "错误原因"]
    assert sheet[1][0] == "2019000002" and "抵京日期" in sheet[1][-1]
    sheet[1][REGISTRATION_HEADERS.index("抵京日期")] = "2020-03-26"
    fixed = write_xlsx(tmp_path / "fixed.xlsx", sheet)
    again = run_import(school, clock, "registrations", fixed)
    assert (again.created, again.rejected) == (1, 0)
    assert len(_registrations(school)) == 3


def test_error_workbook_marks_problems_in_red(school, clock, tmp_path) -> None:
    from openpyxl import load_workbook

    found = plan(
        school, clock, "registrations", _file(tmp_path, [registration_row(1, 性别="?")])
    )
    write_error_workbook(found, tmp_path / "e.xlsx")

    sheet = load_workbook(tmp_path / "e.xlsx").active
    gender = REGISTRATION_HEADERS.index("性别") + 1
    assert sheet.cell(row=2, column=gender).font.color.rgb.endswith("C00000")
    assert sheet.cell(row=1, column=1).font.bold and sheet.freeze_panes == "A2"


def test_bound_phone_cannot_change(school, clock, tmp_path) -> None:
    run_import(school, clock, "registrations", _file(tmp_path, [registration_row(1)]))

    other = registration_row(1, 联系电话="13912345678")
    found = plan(school, clock, "registrations", _file(tmp_path, [other], "b.xlsx"))

    assert [p.message() for p in found.problems] == [
        "第2行 R列「联系电话」：联系电话已绑定，不可修改"
    ]


def test_two_column_enrolment_and_serial_dates(school, clock, tmp_path) -> None:
    headers = [h for h in REGISTRATION_HEADERS if h != "入学年月"] + [
        "入学年份",
        "入学月份",
    ]
    row = registration_row(1, 抵京日期=datetime(2020, 3, 25))
    row = [v for h, v in zip(REGISTRATION_HEADERS, row, strict=True) if h != "入学年月"]
    row += [2019, "9月"]

    result = run_import(
        school, clock, "registrations", write_xlsx(tmp_path / "t.xlsx", [headers, row])
    )

    assert result.created == 1


def test_wrong_kind_of_file_names_missing_columns(school, clock, tmp_path) -> None:
    path = write_xlsx(
        tmp_path / "roster.xlsx",
        [["学号", "姓名", "性别"], ["2019000001", "学生甲", "男"]],
    )

    found = plan(school, clock, "approvals", path)

    assert len(found.problems) == 1
    assert "缺少必需的列：审批类型、批准返校日期" in found.problems[0].message()


@pytest.mark.parametrize("content", [[], [["", ""], [None]]])
def test_empty_files_are_refused(school, clock, tmp_path, content) -> None:
    found = plan(
        school, clock, "registrations", write_xlsx(tmp_path / "e.xlsx", content)
    )

    assert [p.reason for p in found.problems] == ["文件是空的"]


def test_title_row_above_headers_and_trailing_blank_rows(
    school, clock, tmp_path
) -> None:
    rows = [
        ["研究生信息登记表"],
        REGISTRATION_HEADERS,
        registration_row(1),
        [""] * 5,
        [None] * 3,
    ]

    found = plan(school, clock, "registrations", write_xlsx(tmp_path / "t.xlsx", rows))

    assert found.ok and found.header_row == 2 and len(found.rows) == 1


def test_class_head_only_for_own_classes(school, clock, tmp_path) -> None:
    head = Actor(77, "head", "别的老师", Role.CLASS_HEAD)

    found = plan(
        school, clock, "registrations", _file(tmp_path, [registration_row(1)]), head
    )

    assert "不在您负责的范围内" in found.problems[0].reason


def test_problems_quote_no_personal_values(school, clock, tmp_path) -> None:
    row = registration_row(1, 姓名="张3", 证件号码="11010519990101", 联系电话="1381234")

    found = plan(school, clock, "registrations", _file(tmp_path, [row]))

    assert len(found.problems) == 3
    for secret in ("张3", "11010519990101", "1381234"):
        assert all(secret not in p.message() for p in found.problems)
