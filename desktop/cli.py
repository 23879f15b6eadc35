"""The ``campus-console`` command line: a thin layer over the services.

Exit codes (DESIGN section 9): 0 success; 1 the command ran but the answer
is no (a refused import, a code that does not verify); 2 a usage error.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from desktop.i18n import _
from desktop.services.db import DatabaseUnavailable
from desktop.services.keys import KeyStoreError

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_NO = 1
EXIT_USAGE = 2


class UsageError(Exception):
    """The command line was wrong; the message says how."""


def _add_db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        metavar="URL",
        help="database URL (default: $CAMPUS_CONSOLE_DB or the embedded SQLite file)",
    )


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _name(text: str) -> str:
    if not text.strip():
        raise argparse.ArgumentTypeError("must not be empty")
    return text.strip()


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command."""
    parser = argparse.ArgumentParser(
        prog="campus-console",
        description="Campus Return Console: gate check-in and return administration.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log more")
    commands = parser.add_subparsers(dest="command")

    gui = commands.add_parser("gui", help="open the console window (the default)")
    _add_db(gui)
    gui.add_argument("--demo", action="store_true", help="open on the demo database")
    gui.add_argument("--gate", default="东门", help="this workstation's gate name")
    gui.add_argument("--source", help="camera index, video file or image folder")
    gui.add_argument(
        "--kiosk", action="store_true", help="start the gate in kiosk mode"
    )
    gui.add_argument("--lang", choices=("zh", "en"), help="user interface language")

    demo = commands.add_parser("demo", help="fill a database with a demo school")
    _add_db(demo)
    demo.add_argument(
        "--students", type=_positive, default=2000, help="how many students"
    )
    demo.add_argument("--seed", type=int, default=2020, help="random seed")
    demo.add_argument("--frames", metavar="DIR", help="also write demo camera frames")

    scan = commands.add_parser("scan", help="headless gate: read, decide, record")
    _add_db(scan)
    scan.add_argument("--source", required=True, help="camera index, video or folder")
    scan.add_argument("--gate", required=True, type=_name, help="this gate's name")
    scan.add_argument("--json", action="store_true", help="one JSON object per line")

    pass_cmd = commands.add_parser("pass", help="write a student's pass QR as PNG")
    _add_db(pass_cmd)
    pass_cmd.add_argument("student_no")
    pass_cmd.add_argument("--out", required=True, metavar="FILE.png")
    pass_cmd.add_argument("--reissue", action="store_true", help="revoke and re-issue")

    passes = commands.add_parser(
        "passes", help="write a class's passes as a PDF sheet or a zip of PNGs"
    )
    _add_db(passes)
    passes.add_argument("--class", dest="class_name", required=True, metavar="NAME")
    passes.add_argument("--out", required=True, metavar="FILE.pdf|FILE.zip")
    passes.add_argument("--reissue", action="store_true", help="revoke and re-issue")

    verify = commands.add_parser("verify", help="check a code from an image or text")
    _add_db(verify)
    verify.add_argument("code", help="an image file, or the code's text")

    release = commands.add_parser(
        "release", help="release students from observation (school admins)"
    )
    _add_db(release)
    release.add_argument("student_no", nargs="*", help="students to release")
    release.add_argument("--reason", help="why (required to release or undo)")
    release.add_argument(
        "--eligible", action="store_true", help="list who may be released now"
    )
    release.add_argument(
        "--undo", action="store_true", help="undo a release of the last day"
    )

    certificate = commands.add_parser(
        "certificate", help="write a release certificate QR as PNG, or revoke it"
    )
    _add_db(certificate)
    certificate.add_argument("student_no")
    certificate.add_argument("--out", metavar="FILE.png")
    certificate.add_argument("--revoke", action="store_true", help="revoke it")
    certificate.add_argument("--reason", help="why it is revoked")

    imports = commands.add_parser(
        "import", help="import a roster, registrations, approvals or health punch-ins"
    )
    _add_db(imports)
    imports.add_argument("kind", help="roster, registrations, approvals or health")
    imports.add_argument("file", help="an xlsx or csv file")
    imports.add_argument(
        "--dry-run", action="store_true", help="check only, write nothing"
    )
    imports.add_argument(
        "--valid-only", action="store_true", help="write the valid rows, skip the rest"
    )
    imports.add_argument(
        "--errors", metavar="FILE.xlsx", help="write the rejected rows to this workbook"
    )

    sheet = commands.add_parser("sheet", help="write a statistics sheet workbook")
    _add_db(sheet)
    sheet_scope = sheet.add_mutually_exclusive_group(required=True)
    sheet_scope.add_argument("--class", dest="class_name", metavar="NAME")
    sheet_scope.add_argument("--college", metavar="NAME")
    sheet_scope.add_argument("--school", action="store_true", help="the whole school")
    sheet.add_argument("--out", required=True, metavar="FILE.xlsx|DIR")

    send = commands.add_parser("send", help="e-mail a class's statistics sheet")
    _add_db(send)
    send.add_argument("--class", dest="class_name", metavar="NAME", required=True)

    operator = commands.add_parser("operator", help="add or list operator accounts")
    _add_db(operator)
    operator_actions = operator.add_subparsers(dest="action", required=True)
    add = operator_actions.add_parser("add", help="add an account (asks the password)")
    add.add_argument("login", help="the login name (ASCII, no spaces)")
    add.add_argument(
        "--role",
        required=True,
        choices=("gate_staff", "class_head", "college_admin", "school_admin"),
    )
    add.add_argument("--name", default="", help="the name shown in the window")
    add.add_argument("--college", help="a college admin's college")
    add.add_argument(
        "--classes", default="", help="a class head's classes, comma-separated"
    )
    add.add_argument(
        "--password-stdin", action="store_true", help="read the password from stdin"
    )
    operator_actions.add_parser("list", help="list the accounts")

    template = commands.add_parser("template", help="write an import template workbook")
    template.add_argument("kind", help="roster, registrations, approvals or health")
    template.add_argument("--out", required=True, metavar="FILE.xlsx")
    return parser


def _configure_logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    _configure_logging(args.verbose)
    if args.command is None:
        args = parser.parse_args(["gui", *(argv if argv is not None else sys.argv[1:])])
    command = args.command

    from desktop import commands  # noqa: PLC0415 - keeps --help fast

    handlers = {
        "gui": commands.run_gui_command,
        "demo": commands.run_demo,
        "scan": commands.run_scan,
        "pass": commands.run_pass,
        "passes": commands.run_passes,
        "verify": commands.run_verify,
        "release": commands.run_release,
        "certificate": commands.run_certificate,
        "import": commands.run_import,
        "template": commands.run_template,
        "operator": commands.run_operator,
        "sheet": commands.run_sheet,
        "send": commands.run_send,
    }
    try:
        return handlers[command](args)
    except (UsageError, commands.CommandError) as error:
        return _fail(command, str(error), EXIT_USAGE)
    except (DatabaseUnavailable, KeyStoreError) as error:
        return _fail(command, str(error), EXIT_NO)
    except IntegrityError as error:
        log.info("write refused by the database", exc_info=error)
        reason = _("另一工作站同时修改了相同数据，请重试")
        return _fail(
            command, f"{reason} (conflicting write: {_first_line(error)})", EXIT_NO
        )
    except SQLAlchemyError as error:
        log.info("database error", exc_info=error)
        return _fail(command, f"database error: {_first_line(error)}", EXIT_NO)
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, as shell tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except OSError as error:
        where = f" {error.filename}" if error.filename else ""
        return _fail(command, f"{error.strerror or error}:{where}", EXIT_USAGE)
    except KeyboardInterrupt:
        return 130


def _first_line(error: BaseException) -> str:
    text = str(getattr(error, "orig", None) or error)
    return text.splitlines()[0] if text else type(error).__name__


def _fail(command: str, reason: str, code: int) -> int:
    """Print the one-line reason on stderr and give the exit code."""
    print(f"campus-console {command}: {reason}", file=sys.stderr)
    return code

