"""Data in and out: import, template, statistics sheets and sending them."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from desktop import paths
from desktop.clock import SystemClock
from desktop.commands.common import (
    EXIT_NO,
    EXIT_OK,
    CommandError,
    cli_actor,
    command_database,
)
from desktop.i18n import _
from desktop.services.imports import (
    ImportKind,
    apply_import,
    plan_import,
    template_workbook,
    write_error_workbook,
)

log = logging.getLogger(__name__)

# --- import and template ----------------------------------------------------


def _import_kind(name: str) -> ImportKind:
    try:
        return ImportKind(name)
    except ValueError:
        kinds = "、".join(kind.value for kind in ImportKind)
        raise CommandError(
            _("未知的导入类型：{name}（可选 {kinds}）").format(name=name, kinds=kinds)
        ) from None


def run_import(args: argparse.Namespace) -> int:
    """``campus-console import``: judge a file, then write it all or nothing."""
    kind = _import_kind(args.kind)
    path = Path(args.file)
    if not path.is_file():
        raise CommandError(_("找不到文件：{path}").format(path=path))
    # A school starts by importing its roster, so that one may create the
    # database; the other kinds need a roster to belong to.
    db = command_database(args, create=kind is ImportKind.ROSTER)
    clock, actor = SystemClock(), cli_actor()
    with db.sessions() as session, session.begin():
        plan = plan_import(session, actor, kind, path, clock=clock)
        print(plan.summary())
        for problem in plan.problems:
            print(f"  {problem.message()}")
        if args.errors and (plan.rejected_rows or plan.file_problems):
            write_error_workbook(plan, args.errors)
            print(_("未通过的行已写入：{path}").format(path=args.errors))
        if args.dry_run:
            print(_("仅检查，未写入任何数据"))
            return EXIT_OK if plan.ok else EXIT_NO
        if plan.file_problems or not (plan.ok or args.valid_only):
            print(_("文件有问题，未导入任何数据"), file=sys.stderr)
            return EXIT_NO
        result = apply_import(session, clock, actor, plan, valid_only=args.valid_only)
    print(_("已导入：{summary}").format(summary=result.summary()))
    return EXIT_OK


def run_template(args: argparse.Namespace) -> int:
    """``campus-console template``: write the template workbook of a kind."""
    kind = _import_kind(args.kind)
    path = template_workbook(kind, args.out)
    print(_("已写出模板：{path}").format(path=path))
    return EXIT_OK


# --- statistics sheets and sending them --------------------------------------


def _sheet_path(args: argparse.Namespace) -> tuple[Path, Path | None]:
    """The folder to export into, and the file name asked for (if any)."""
    out = Path(args.out)
    if out.suffix.lower() == ".xlsx":
        return out.parent, out
    return out, None


def run_sheet(args: argparse.Namespace) -> int:
    """``campus-console sheet``: a class, college or school workbook."""
    from desktop.services import sheets  # noqa: PLC0415 - only this command
    from desktop.services.auth import PermissionDenied  # noqa: PLC0415

    folder, file = _sheet_path(args)
    db = command_database(args)
    clock, actor = SystemClock(), cli_actor()
    try:
        with db.sessions() as session, session.begin():
            if args.school:
                target = file or folder / sheets.safe_file_name(_("全校统计表"))
                path = sheets.export_school(session, clock, actor, target)
            elif args.college:
                path = sheets.export_college(
                    session, clock, actor, args.college, folder
                )
            else:
                path = sheets.export_class(
                    session, clock, actor, args.class_name, folder
                )
            if file is not None and path != file:
                path = path.replace(file)
    except PermissionDenied as error:
        print(str(error), file=sys.stderr)
        return EXIT_NO
    print(_("已写出统计表：{path}").format(path=path))
    return EXIT_OK


def run_send(args: argparse.Namespace) -> int:
    """``campus-console send``: export a class's sheet and e-mail it."""
    from desktop.services import mailer, sheets  # noqa: PLC0415 - only this command
    from desktop.services.auth import PermissionDenied  # noqa: PLC0415

    db = command_database(args)
    clock, actor = SystemClock(), cli_actor()
    name = args.class_name
    path: Path | None = None
    try:
        settings = mailer.load_mail_settings()
        password = mailer.load_password()
        with db.sessions() as session, session.begin():
            path = sheets.export_class(
                session, clock, actor, name, paths.home() / "sent-sheets"
            )
        mailer.send_workbook(
            db, clock, actor, settings, password, path, name, f"class:{name}"
        )
    except PermissionDenied as error:
        print(str(error), file=sys.stderr)
        return EXIT_NO
    except mailer.MailError as error:
        print(str(error), file=sys.stderr)
        if path is not None:
            print(_("工作簿已保存在：{path}").format(path=path), file=sys.stderr)
        return EXIT_NO
    print(_("已发送 {name} 至 {to}").format(name=name, to=settings.to_address))
    return EXIT_OK
