"""Judging a file as a whole, then writing it in the caller's transaction.

``plan_import`` reads the file, finds its header row (a title may sit
above it), matches the columns, reads and checks every row and returns an
``ImportPlan`` listing every problem. It writes nothing. ``apply_import``
writes a clean plan, or only its valid rows when asked to, and leaves one
audit event.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from sqlalchemy.orm import Session

from desktop.clock import Clock, SystemClock, today
from desktop.i18n import _
from desktop.services import audit
from desktop.services.auth import Actor, Permission
from desktop.services.imports import approvals, health, registrations, roster
from desktop.services.imports.columns import (
    COLUMNS,
    KIND_LABELS,
    SATISFIERS,
    ImportKind,
    find_column,
    match_headers,
)
from desktop.services.imports.reader import (
    HEADER_SEARCH_ROWS,
    Cells,
    UnreadableFile,
    read_sheet,
)
from desktop.services.imports.report import (
    ImportPlan,
    ImportRefused,
    ImportResult,
    PlannedRow,
    Problem,
)
from desktop.services.imports.rows import Layout, RowReader, mark_duplicates

log = logging.getLogger(__name__)


class _Kind(Protocol):
    """What each import kind provides (see roster.py for an example)."""

    def layout(self, layout: Layout) -> None: ...

    def file_problems(self, layout: Layout) -> list[str]: ...

    def parse(self, reader: RowReader) -> None: ...

    def check(self, rows: list[PlannedRow], layout: Layout) -> None: ...


_PLANNERS = {
    ImportKind.ROSTER: roster.RosterRows,
    ImportKind.REGISTRATIONS: registrations.RegistrationRows,
    ImportKind.APPROVALS: approvals.ApprovalRows,
    ImportKind.HEALTH: health.HealthRows,
}
_WRITERS = {
    ImportKind.ROSTER: roster.write,
    ImportKind.REGISTRATIONS: registrations.write,
    ImportKind.APPROVALS: approvals.write,
    ImportKind.HEALTH: health.write,
}


def _require(actor: Actor, kind: ImportKind) -> None:
    actor.require(Permission.IMPORT)
    if kind is ImportKind.APPROVALS:
        actor.require(Permission.APPROVE)


def plan_import(
    session: Session,
    actor: Actor,
    kind: ImportKind | str,
    path: Path | str,
    *,
    clock: Clock | None = None,
) -> ImportPlan:
    """Read and judge ``path``; nothing is written.

    Args:
        session: the unit of work to read the database through.
        actor: who imports; their role limits the rows they may touch.
        kind: roster, registrations or approvals.
        path: an xlsx or csv file.
        clock: today's date for the form's rules (default: the wall clock).

    Raises:
        PermissionDenied: the actor may not import this kind.
        ValueError: ``kind`` is not a kind of import.
    """
    kind = ImportKind(kind)
    _require(actor, kind)
    plan = ImportPlan(kind=kind, path=Path(path))
    try:
        _judge(session, actor, plan, today(clock or SystemClock()))
    except UnreadableFile as error:
        plan.rows.clear()
        plan.file_problems.append(Problem(None, None, None, "", str(error)))
    for row in plan.rows:
        if row.valid:
            row.cells = ()  # only rejected rows go to the error workbook
    log.info(
        "planned %s import of %s: %d rows, %d problems",
        kind.value,
        plan.file_name,
        len(plan.rows),
        len(plan.problems),
    )
    return plan


def _judge(session: Session, actor: Actor, plan: ImportPlan, day: object) -> None:
    columns = COLUMNS[plan.kind]
    rows = read_sheet(plan.path).rows
    header_row, headers, data = _header(rows, plan)
    if header_row is None:
        plan.file_problems.append(Problem(None, None, None, "", _("文件是空的")))
        return
    plan.header_row, plan.headers = header_row, headers

    match = match_headers(headers, columns, satisfiers=SATISFIERS.get(plan.kind))
    plan.positions = match.positions
    if match.missing or match.conflicts:
        _header_problems(plan, match.missing, match.conflicts)
        return

    rules = _PLANNERS[plan.kind](session, actor, day)
    layout = Layout.of(headers, match.positions, columns)
    rules.layout(layout)
    for reason in rules.file_problems(layout):
        plan.file_problems.append(Problem(None, None, None, "", reason))
    if plan.file_problems:
        return

    _read_rows(plan, layout, rules, data)
    mark_duplicates(plan.rows, layout)
    rules.check(plan.rows, layout)
    if not plan.rows:
        plan.file_problems.append(Problem(None, None, None, "", _("文件中没有数据行")))


def _header(
    rows: Iterator[tuple[int, Cells]], plan: ImportPlan
) -> tuple[int | None, list[str], Iterator[tuple[int, Cells]]]:
    """The header row (the best-matching of the first few) and the rest."""
    columns = COLUMNS[plan.kind]
    top: list[tuple[int, Cells]] = []
    for item in rows:
        top.append(item)
        if len(top) >= HEADER_SEARCH_ROWS:
            break
    if not top:
        return None, [], iter(())

    def score(cells: Cells) -> int:
        return sum(find_column(cell, columns) is not None for cell in cells)

    best = max(range(len(top)), key=lambda index: (score(top[index][1]), -index))
    number, cells = top[best]
    headers = ["" if cell is None else str(cell).strip() for cell in cells]

    def rest() -> Iterator[tuple[int, Cells]]:
        yield from top[best + 1 :]
        yield from rows

    return number, headers, rest()


def _header_problems(
    plan: ImportPlan, missing: list[str], conflicts: list[str]
) -> None:
    if missing:
        plan.file_problems.append(
            Problem(
                plan.header_row,
                None,
                None,
                "",
                _("缺少必需的列：{columns}（这是{kind}文件吗？）").format(
                    columns="、".join(_(label) for label in missing),
                    kind=_(KIND_LABELS[plan.kind]),
                ),
            )
        )
    for label in conflicts:
        plan.file_problems.append(
            Problem(
                plan.header_row,
                None,
                None,
                _(label),
                _("有多个列都表示这一项，请只保留一列"),
            )
        )


def _read_rows(
    plan: ImportPlan,
    layout: Layout,
    rules: _Kind,
    data: Iterator[tuple[int, Cells]],
) -> None:
    known = sorted(layout.positions.values())
    for number, cells in data:
        if all(_blank_at(cells, index) for index in known):
            continue  # a note beside the table, or a fixed row's old reason
        reader = RowReader.start(layout, number, cells)
        rules.parse(reader)
        plan.rows.append(reader.planned)


def _blank_at(cells: Cells, index: int) -> bool:
    if index >= len(cells):
        return True
    cell = cells[index]
    return cell is None or (isinstance(cell, str) and not cell.strip())


def apply_import(
    session: Session,
    clock: Clock,
    actor: Actor,
    plan: ImportPlan,
    *,
    valid_only: bool = False,
) -> ImportResult:
    """Write ``plan`` in the caller's transaction.

    Args:
        session: the caller's unit of work (``with s.begin():``).
        clock: the time written into new rows.
        actor: who imports (the one who made the plan).
        plan: a plan from ``plan_import``.
        valid_only: write the valid rows of a plan that has bad ones.

    Raises:
        ImportRefused: the file has problems (and ``valid_only`` is not
            set, or the file as a whole is wrong); nothing was written.
        PermissionDenied: the actor may not import this kind.
    """
    _require(actor, plan.kind)
    if plan.file_problems or (not plan.ok and not valid_only):
        raise ImportRefused(plan)

    created, updated, unchanged = _WRITERS[plan.kind](
        session, clock, actor, plan.valid_rows
    )
    result = ImportResult(created, updated, unchanged, len(plan.rejected_rows))
    audit.record(
        session,
        clock,
        actor,
        f"import.{plan.kind.value}",
        f"file:{plan.file_name}"[:200],
        created=result.created,
        updated=result.updated,
        unchanged=result.unchanged,
        rejected=result.rejected,
        valid_only=valid_only,
    )
    session.flush()
    log.info("imported %s: %s", plan.file_name, result)
    return result
