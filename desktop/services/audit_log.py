"""Browsing and exporting the audit log (操作日志), for school admins only.

The log is read here and written only by :func:`desktop.services.audit.record`;
this module offers no way to change or remove an event, and neither does
the console. Browsing filters by operator, action, target (substrings) and
a date range in Beijing time, newest first, a page at a time. An export
writes xlsx or csv and is itself an audit event.
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from desktop.clock import BEIJING, Clock
from desktop.i18n import N_, _
from desktop.models import AuditEvent
from desktop.services import audit
from desktop.services.auth import Actor, Permission

log = logging.getLogger(__name__)

EXPORT_BATCH = 2000
COLUMNS = (N_("时间"), N_("操作员"), N_("工作站"), N_("操作"), N_("对象"), N_("详情"))
ACTION_LABELS = {
    "approval.grant": N_("批准返校"),
    "approval.revoke": N_("撤销审批"),
    "audit.export": N_("导出操作日志"),
    "certificate.issue": N_("签发电子证明"),
    "certificate.revoke": N_("撤销电子证明"),
    "check_in": N_("报到"),
    "gate.lookup": N_("门岗人工查询"),
    "gate.manual": N_("门岗人工放行判定"),
    "health.correct": N_("更正健康打卡"),
    "health.punch_in": N_("健康打卡"),
    "import.approvals": N_("导入审批"),
    "import.health": N_("导入健康打卡"),
    "import.registrations": N_("导入登记信息"),
    "import.roster": N_("导入名单"),
    "pass.issue": N_("生成报到码"),
    "pass.reissue": N_("重新生成报到码"),
    "registration.modify": N_("修改登记"),
    "registration.submit": N_("提交登记"),
    "release": N_("解除观察"),
    "release.undo": N_("撤回解除观察"),
    "sheet.export": N_("导出统计表"),
    "sheet.send": N_("发送统计表邮件"),
}
# A cell starting with one of these is a formula to Excel and WPS.
_FORMULA_STARTS = ("=", "+", "@", "\t", "\r")


def action_label(action: str) -> str:
    """The action in words, ``action`` itself when it has no label."""
    label = ACTION_LABELS.get(action)
    return f"{_(label)}（{action}）" if label else action


@dataclass(frozen=True)
class AuditQuery:
    """What to show: every field is optional and narrows the log.

    Attributes:
        operator: part of the operator's login.
        action: the exact action (``sheet.export``); "" for every action.
        target: part of the target (``class:``, a student number…).
        since: the first day shown (Beijing time).
        until: the last day shown (Beijing time), inclusive.
    """

    operator: str = ""
    action: str = ""
    target: str = ""
    since: date | None = None
    until: date | None = None


@dataclass(frozen=True)
class AuditRow:
    """One event as the page and the export show it."""

    id: int
    at: datetime
    operator: str
    workstation: str
    action: str
    target: str
    details: str

    def cells(self) -> list[str]:
        """The row's text, in the order of :data:`COLUMNS`."""
        return [
            self.at.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S"),
            self.operator,
            self.workstation,
            action_label(self.action),
            self.target,
            self.details,
        ]


def _contains(column: Any, text: str) -> ColumnElement[bool]:
    return func.lower(column).contains(text.strip().lower(), autoescape=True)


def _conditions(query: AuditQuery) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    if query.operator.strip():
        found.append(_contains(AuditEvent.operator_login, query.operator))
    if query.action:
        found.append(AuditEvent.action == query.action)
    if query.target.strip():
        found.append(_contains(AuditEvent.target, query.target))
    if query.since is not None:
        found.append(AuditEvent.at >= datetime.combine(query.since, time(), BEIJING))
    if query.until is not None:
        end = datetime.combine(query.until + timedelta(days=1), time(), BEIJING)
        found.append(AuditEvent.at < end)
    return found


def _events(actor: Actor, query: AuditQuery) -> Select[Any]:
    actor.require(Permission.AUDIT)
    return (
        select(
            AuditEvent.id,
            AuditEvent.at,
            AuditEvent.operator_login,
            AuditEvent.workstation,
            AuditEvent.action,
            AuditEvent.target,
            AuditEvent.details,
        )
        .where(*_conditions(query))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    )


def _row(values: Any) -> AuditRow:
    event_id, at, login, workstation, action, target, details = values
    return AuditRow(event_id, at, login or "", workstation, action, target, details)


def count(session: Session, actor: Actor, query: AuditQuery) -> int:
    """How many events match ``query``."""
    actor.require(Permission.AUDIT)
    statement = select(func.count(AuditEvent.id)).where(*_conditions(query))
    return int(session.scalar(statement) or 0)


def fetch_page(
    session: Session, actor: Actor, query: AuditQuery, offset: int, limit: int
) -> list[AuditRow]:
    """Events ``offset`` to ``offset + limit`` of ``query``, newest first."""
    statement = _events(actor, query).offset(offset).limit(limit)
    return [_row(values) for values in session.execute(statement)]


def known_actions(session: Session, actor: Actor) -> list[str]:
    """Every action in the log or with a label, for the filter's list."""
    actor.require(Permission.AUDIT)
    stored = session.scalars(select(AuditEvent.action).distinct())
    return sorted(set(stored) | set(ACTION_LABELS))


def _rows(session: Session, actor: Actor, query: AuditQuery) -> Iterator[AuditRow]:
    result = session.execute(
        _events(actor, query), execution_options={"yield_per": EXPORT_BATCH}
    )
    for values in result:
        yield _row(values)


def _as_text(value: str) -> str:
    """``value`` that a spreadsheet will not take for a formula."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def _write_csv(rows: Iterator[AuditRow], path: Path) -> int:
    written = 0
    # utf-8-sig: Excel and WPS open it as UTF-8 without asking.
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([_(c) for c in COLUMNS])
        for row in rows:
            writer.writerow([_as_text(cell) for cell in row.cells()])
            written += 1
    return written


def _write_xlsx(rows: Iterator[AuditRow], path: Path) -> int:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("操作日志"))
    for letter, width in zip("ABCDEF", (20, 14, 18, 26, 30, 60), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for label in COLUMNS:
        cell = WriteOnlyCell(sheet, value=_(label))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    written = 0
    for row in rows:
        cells = []
        for value in row.cells():
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"  # never a formula, whatever the text
            cells.append(cell)
        sheet.append(cells)
        written += 1
    book.save(path)
    return written


def export(
    session: Session, clock: Clock, actor: Actor, query: AuditQuery, path: Path
) -> int:
    """Write the events of ``query`` to ``path`` (.xlsx or .csv); how many.

    The export is recorded in the log, in the caller's transaction, with
    the filters it used.
    """
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise ValueError(_("只能导出为 .xlsx 或 .csv 文件：{path}").format(path=path))
    actor.require(Permission.AUDIT)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".part")
    writer = _write_csv if suffix == ".csv" else _write_xlsx
    written = writer(_rows(session, actor, query), temporary)
    temporary.replace(path)
    filters = {k: v for k, v in asdict(query).items() if v not in ("", None)}
    audit.record(
        session,
        clock,
        actor,
        "audit.export",
        f"file:{path.name}",
        rows=written,
        format=suffix[1:],
        filters=filters,
    )
    log.info("audit log exported: %d events to %s", written, path)
    return written
