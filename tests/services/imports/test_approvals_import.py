"""The return approvals import: school admins only, changes revoke."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from desktop.models import ReturnApproval
from desktop.services.auth import Actor, PermissionDenied, Role
from tests.services.imports.sheets import plan, run_import, seed_roster, write_xlsx

HEADERS = ["学号", "审批类型", "批准返校日期", "备注"]


def _approvals(db) -> list[tuple[str, date, bool]]:
    with db.sessions() as session:
        rows = session.execute(
            select(
                ReturnApproval.kind,
                ReturnApproval.approved_from,
                ReturnApproval.revoked_at,
            ).order_by(ReturnApproval.id)
        )
        return [(kind, day, revoked is None) for kind, day, revoked in rows]


def test_grant_reimport_and_change(db, clock, tmp_path: Path) -> None:
    seed_roster(db, clock, tmp_path, count=2)
    rows = [HEADERS, ["2019000001", "返校", "2020年3月25日", "导师同意"]]
    rows.append([2019000002, "返京不返校", 43915, ""])
    path = write_xlsx(tmp_path / "a.xlsx", rows)

    first = run_import(db, clock, "approvals", path)
    again = run_import(db, clock, "approvals", path)
    rows[1][2] = "2020/3/28"
    changed = run_import(db, clock, "approvals", write_xlsx(tmp_path / "b.xlsx", rows))

    assert (first.created, again.unchanged) == (2, 2)
    assert (changed.updated, changed.unchanged) == (1, 1)
    assert _approvals(db) == [
        ("campus", date(2020, 3, 25), False),
        ("beijing_only", date(2020, 3, 25), True),
        ("campus", date(2020, 3, 28), True),
    ]


def test_bad_kind_and_missing_date_are_reported(db, clock, tmp_path: Path) -> None:
    seed_roster(db, clock, tmp_path, count=2)
    rows = [HEADERS, ["2019000001", "回家", "2020-03-25"], ["2019000002", "返校", ""]]

    found = plan(db, clock, "approvals", write_xlsx(tmp_path / "a.xlsx", rows))

    assert [p.message() for p in found.problems] == [
        "第2行 B列「审批类型」：审批类型应为“返校”或“返京不返校”",
        "第3行 C列「批准返校日期」：请填写批准返校日期",
    ]


@pytest.mark.parametrize("role", [Role.CLASS_HEAD, Role.COLLEGE_ADMIN])
def test_only_school_admins_import_approvals(db, clock, tmp_path: Path, role) -> None:
    path = write_xlsx(
        tmp_path / "a.xlsx", [HEADERS, ["2019000001", "返校", "2020-03-25"]]
    )

    with pytest.raises(PermissionDenied):
        plan(db, clock, "approvals", path, Actor(5, "x", "x", role, college_id=1))
