"""What each ``campus-console`` sub-command does (parsing is in cli.py)."""

from desktop.commands.admin import run_certificate, run_operator, run_release
from desktop.commands.common import CommandError
from desktop.commands.data import run_import, run_send, run_sheet, run_template
from desktop.commands.gate import (
    run_demo,
    run_gui_command,
    run_pass,
    run_passes,
    run_scan,
    run_verify,
)

__all__ = [
    "CommandError",
    "run_certificate",
    "run_demo",
    "run_gui_command",
    "run_import",
    "run_operator",
    "run_pass",
    "run_passes",
    "run_release",
    "run_scan",
    "run_send",
    "run_sheet",
    "run_template",
    "run_verify",
]
