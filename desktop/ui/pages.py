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
    return []
