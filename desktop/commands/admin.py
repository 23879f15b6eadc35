"""School-admin commands: release, certificate and operator accounts."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from sqlalchemy import select

from desktop import paths
from desktop.clock import SystemClock
from desktop.commands.common import (
    EXIT_NO,
    EXIT_OK,
    EXIT_USAGE,
    CommandError,
    cli_actor,
    command_database,
    database_and_keys,
)
from desktop.i18n import _
from desktop.models import Student
from desktop.services import release as release_service
from desktop.services.auth import Role
from desktop.services.certificates import (
    STATE_LABELS,
    CertificateState,
    current_certificate,
)
from desktop.services.db import Database
from desktop.services.keys import load_keyring
from desktop.services.pass_sheets import qr_image
from desktop.services.release_desk import printable

log = logging.getLogger(__name__)

# --- release and certificate ------------------------------------------------


def _print_refusal(refused: release_service.ReleaseRefused) -> None:
    print(_("未解除任何学生：") + str(refused), file=sys.stderr)
    for number, reason in refused.problems.items():
        print(f"  {number}\t{reason}")


def run_release(args: argparse.Namespace) -> int:
    """``campus-console release``: list, release (all or nothing) or undo."""
    db, keyring = database_and_keys(args)
    clock, actor = SystemClock(), cli_actor()
    if args.eligible:
        with db.sessions() as session:
            found = release_service.eligible_students(session, clock, actor)
        for item in found:
            print(f"{item.student_no}\t{item.class_name}\t{item.reason}")
        return EXIT_OK
    if not args.student_no:
        raise CommandError(_("请给出学号，或用 --eligible 列出可解除观察的学生"))
    if not args.reason:
        raise CommandError(_("请用 --reason 写明原因"))
    try:
        with db.sessions() as session, session.begin():
            if args.undo:
                for number in args.student_no:
                    release_service.undo_release(
                        session, clock, actor, number, args.reason
                    )
                done = []
            else:
                done = release_service.release_students(
                    session, clock, keyring, actor, args.student_no, args.reason
                )
    except release_service.ReleaseRefused as refused:
        _print_refusal(refused)
        return EXIT_NO
    except release_service.ReleaseError as error:
        print(str(error), file=sys.stderr)
        return EXIT_NO
    if args.undo:
        print(_("已撤回解除：{nos}").format(nos="、".join(args.student_no)))
    for item in done:
        print(
            _("已解除观察：{no}，证明编号 {number}").format(
                no=item.student_no, number=item.certificate_number
            )
        )
    return EXIT_OK


def run_certificate(args: argparse.Namespace) -> int:
    """``campus-console certificate``: write a certificate's QR, or revoke it."""
    db = command_database(args)
    clock, actor = SystemClock(), cli_actor()
    if args.revoke:
        if not args.reason:
            raise CommandError(_("撤销证明须用 --reason 写明原因"))
        try:
            with db.sessions() as session, session.begin():
                revoked = release_service.revoke_certificate(
                    session, clock, actor, args.student_no, args.reason
                )
                number = revoked.number
        except release_service.ReleaseError as error:
            print(str(error), file=sys.stderr)
            return EXIT_NO
        print(_("已撤销证明：{number}").format(number=number))
        return EXIT_OK

    if not args.out:
        raise CommandError(_("请用 --out 指定 PNG 文件"))
    if Path(args.out).suffix.lower() == ".pdf":
        return _certificate_pdf(db, args.student_no, Path(args.out))
    with db.sessions() as session:
        student = session.scalars(
            select(Student).where(Student.student_no == args.student_no)
        ).first()
        if student is None:
            raise CommandError(_("查无此学号：{no}").format(no=args.student_no))
        certificate = current_certificate(session, student.id)
    if certificate is None or certificate.revoked_at is not None:
        reason = _("尚未解除观察，没有电子证明") if certificate is None else ""
        reason = reason or _("证明 {number} 已撤销").format(number=certificate.number)
        print(f"{args.student_no}: {reason}", file=sys.stderr)
        return EXIT_NO
    qr_image(certificate.signed_text).save(args.out, format="PNG")
    print(
        _("已写出电子证明二维码：{path}（证明编号 {number}）").format(
            path=args.out, number=certificate.number
        )
    )
    return EXIT_OK


# --- operator ---------------------------------------------------------------


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    import getpass  # noqa: PLC0415

    first = getpass.getpass(_("新密码："))
    if getpass.getpass(_("再次输入：")) != first:
        raise CommandError(_("两次输入的密码不一致"))
    return first


def run_operator(args: argparse.Namespace) -> int:
    """``campus-console operator add|list``: manage accounts.

    The command line acts as the system, so it can add the first school
    admin of a new installation.
    """
    from desktop.services.operators import (  # noqa: PLC0415
        OperatorError,
        add_operator,
        list_operators,
    )

    db = command_database(args, create=args.action == "add")
    clock = SystemClock()
    if args.action == "list":
        with db.sessions() as session:
            for info in list_operators(session, cli_actor()):
                scope = info.college or "、".join(info.classes)
                state = "" if info.active else _("（停用）")
                role = info.role.value
                print(f"{info.login:<12} {role:<14} {info.display_name} {scope}{state}")
        return EXIT_OK

    password = _read_password(args.password_stdin)
    classes = tuple(name.strip() for name in args.classes.split(",") if name.strip())
    try:
        with db.sessions() as session, session.begin():
            add_operator(
                session,
                clock,
                cli_actor(),
                login=args.login,
                display_name=args.name,
                password=password,
                role=Role(args.role),
                college=args.college,
                classes=classes,
            )
    except OperatorError as error:
        raise CommandError(str(error)) from error
    print(_("已添加账号：{login}").format(login=args.login))
    return EXIT_OK


def _certificate_pdf(db: Database, student_no: str, out: Path) -> int:
    """``campus-console certificate NO --out FILE.pdf``: print to a PDF.

    Exit codes as the command line's: 0 written, 1 no valid certificate,
    2 unknown student; the reason is one line on stderr.
    """
    with db.sessions() as session:
        student = session.scalars(
            select(Student).where(Student.student_no == student_no)
        ).first()
        certificate = current_certificate(session, student.id) if student else None
    if student is None:
        print(_("查无此学号：{no}").format(no=student_no), file=sys.stderr)
        return EXIT_USAGE
    if certificate is None or certificate.revoked_at is not None:
        reason = _("尚未解除观察，没有电子证明")
        if certificate is not None:
            reason = _("证明 {number} {state}").format(
                number=certificate.number,
                state=_(STATE_LABELS[CertificateState.REVOKED]),
            )
        print(f"{student_no}: {reason}", file=sys.stderr)
        return EXIT_NO
    try:
        item = printable(
            student_no, certificate.signed_text, load_keyring(paths.keys_dir())
        )
    except ValueError:
        print(
            _("{no}: 证明 {number} 无法用本机密钥验证，未写出").format(
                no=student_no, number=certificate.number
            ),
            file=sys.stderr,
        )
        return EXIT_NO
    # Imported here: only the PDF needs Qt (offscreen painting).
    from desktop.ui.certificate_print import write_certificate_pdf  # noqa: PLC0415
    from desktop.ui.pass_print import ensure_gui_app  # noqa: PLC0415

    ensure_gui_app()
    write_certificate_pdf([item], out)
    print(
        _("已写出电子证明 PDF：{path}（证明编号 {number}）").format(
            path=out, number=certificate.number
        )
    )
    return EXIT_OK
