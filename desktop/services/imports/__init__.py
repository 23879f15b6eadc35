"""Spreadsheet imports: the roster, registrations and return approvals.

Files come from the schools' own Excel or WPS exports (xlsx or csv, any
common encoding, Chinese or English headers, a little mess). A file is
judged as a whole first (``plan_import``), then written in the caller's
transaction (``apply_import``), all or nothing unless only the valid rows
are asked for; ``write_error_workbook`` hands the rejected rows back for
fixing. No Qt here: the command line, the GUI and the tests share it.

Typical use::

    with db.sessions() as session, session.begin():
        plan = plan_import(session, actor, "registrations", path, clock=clock)
        if plan.ok:
            result = apply_import(session, clock, actor, plan)
"""

from __future__ import annotations

from desktop.services.imports.columns import KIND_LABELS, ImportKind
from desktop.services.imports.planner import apply_import, plan_import
from desktop.services.imports.report import (
    ImportPlan,
    ImportRefused,
    ImportResult,
    PlannedRow,
    Problem,
)
from desktop.services.imports.workbooks import template_workbook, write_error_workbook

__all__ = [
    "KIND_LABELS",
    "ImportKind",
    "ImportPlan",
    "ImportRefused",
    "ImportResult",
    "PlannedRow",
    "Problem",
    "apply_import",
    "plan_import",
    "template_workbook",
    "write_error_workbook",
]
