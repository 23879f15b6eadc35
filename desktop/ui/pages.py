"""The console's pages beyond the gate and the roster, in navigation order.

Each page module exposes a factory ``make_page(env) -> QWidget``; adding a
page is one ``PageSpec`` line in ``page_specs``. The main window shows a
page only to operators whose role grants its permission; the services
check the permission again on every action.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QWidget

from desktop.services.auth import Actor, Permission
from desktop.ui.context import ConsoleContext
from desktop.ui.tasks import TaskRunner


@dataclass(frozen=True)
class PageEnv:
    """What a page factory gets: the session's context, actor and runner."""

    context: ConsoleContext
    actor: Actor
    runner: TaskRunner
    parent: QWidget


@dataclass(frozen=True)
class PageSpec:
    """A navigation entry: its title (Chinese source), permission, factory."""

    title: str
    permission: Permission
    make: Callable[[PageEnv], QWidget]


def page_specs() -> list[PageSpec]:
    """Every extra page, in the order the navigation lists them."""
    # Imported here, so that page modules may import PageEnv from this one.
    from desktop.ui import audit_page, dashboard_page, sheets_page  # noqa: PLC0415
    from desktop.ui.certificate_check_page import make_page as check_page
    from desktop.ui.health_page import make_page as health_page
    from desktop.ui.release_page import make_page as release_page

    return [
        PageSpec("总览", Permission.ROSTER_VIEW, dashboard_page.make_page),
        PageSpec("统计表", Permission.ROSTER_VIEW, sheets_page.make_page),
        PageSpec("操作日志", Permission.AUDIT, audit_page.make_page),
        PageSpec("健康打卡", Permission.HEALTH_RECORD, health_page),
        PageSpec("解除观察", Permission.RELEASE, release_page),
        PageSpec("证明核验", Permission.GATE_SCAN, check_page),
    ]
