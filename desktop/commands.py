"""What each ``campus-console`` sub-command does (parsing is in cli.py)."""

from __future__ import annotations

import argparse
import json
import logging
import socket
import sys
import time
from pathlib import Path

import qrcode
from sqlalchemy import select

from desktop import paths
from desktop.clock import BEIJING, SystemClock
from desktop.i18n import _
from desktop.models import GatePass, Student
from desktop.services import demo as demo_service
from desktop.services import release as release_service
from desktop.services.auth import Actor, Role
from desktop.services.certificates import (
    CertificateState,
    current_certificate,
    inspect,
    looks_like_certificate,
)
from desktop.services.db import Database, open_database
from desktop.services.demo_accounts import keep_passwords, password_lines
from desktop.services.gate import GateResult, GateService
from desktop.services.imports import (
    ImportKind,
    apply_import,
    plan_import,
    template_workbook,
    write_error_workbook,
)
from desktop.services.issuing import current_pass, issue_pass, pass_text
from desktop.services.keys import Keyring, load_keyring
from desktop.services.masking import mask_name
from desktop.services.passes import verify_pass
from desktop.services.verdict import GateFacts, decide

log = logging.getLogger(__name__)

EXIT_OK, EXIT_NO, EXIT_USAGE = 0, 1, 2
FILE_SOURCE_FPS = 10.0


class CommandError(Exception):
    """A command cannot run as asked; the message says why."""


def _url(args: argparse.Namespace, demo: bool = False) -> str:
    return getattr(args, "db", None) or paths.default_database_url(demo=demo)


def _database(args: argparse.Namespace, *, create: bool = False) -> Database:
    """The database of the command line.

    A SQLite file named with ``--db`` must already exist (a typing mistake
    must not become a new, empty school that refuses every student), except
    for ``demo``, which fills a new one. The default file is created on
    first use.
    """
    explicit = getattr(args, "db", None) is not None
    return open_database(_url(args), must_exist=explicit and not create)


def _open(
    args: argparse.Namespace, *, create: bool = False
) -> tuple[Database, Keyring]:
    return _database(args, create=create), load_keyring(paths.keys_dir())


def _cli_actor(role: Role = Role.SCHOOL_ADMIN, gate: str | None = None) -> Actor:
    host = socket.gethostname()
    return Actor(
        operator_id=None,
        login="cli",
        display_name="command line",
        role=role,
        workstation=f"{host}/{gate}" if gate else host,
    )


def run_gui_command(args: argparse.Namespace) -> int:
    """``campus-console gui``: open the console window."""
    from desktop.ui.app import run_gui  # noqa: PLC0415 - Qt only when needed

    return run_gui(
        db_url=getattr(args, "db", None),
        demo=args.demo,
        gate=args.gate,
        source=args.source,
        kiosk=args.kiosk,
        lang=args.lang,
    )


# --- demo -------------------------------------------------------------------


def run_demo(args: argparse.Namespace) -> int:
    """``campus-console demo``: fill an empty database with the demo school."""
    db, keyring = _open(args, create=True)
    with db.sessions() as session, session.begin():
        if not demo_service.is_empty(session):
            raise CommandError(_("数据库中已有学校数据，请使用空数据库"))
        school = demo_service.build_demo(
            session, SystemClock(), keyring, students=args.students, seed=args.seed
        )
    print(_("已生成演示学校：{count} 名学生").format(count=len(school.students)))
    print(password_lines(school.passwords), end="")
    kept = keep_passwords(school.passwords, db.url)
    print(_("（已保存到 {path}）").format(path=kept))
    if args.frames:
        from desktop.demo_frames import write_demo_frames  # noqa: PLC0415

        expected = write_demo_frames(school, keyring, Path(args.frames), seed=args.seed)
        print(_("已写出演示画面：{path}").format(path=expected))
    return EXIT_OK


# --- scan -------------------------------------------------------------------


def _print_result(result: GateResult, as_json: bool) -> None:
    if as_json:
        print(json.dumps(result.to_json(), ensure_ascii=False), flush=True)
        return
    when = result.scanned_at.astimezone(BEIJING).strftime("%H:%M:%S")
    print(
        f"{when} {result.gate} {result.verdict.value:<8} "
        f"{result.student_no or '-':<12} {'；'.join(result.reasons)} "
        f"({result.ms:.1f} ms)",
        flush=True,
    )


def run_scan(args: argparse.Namespace) -> int:
    """``campus-console scan``: read a source, decide and record each code."""
    from desktop.scanner.decoders import DecodePipeline  # noqa: PLC0415
    from desktop.scanner.repeat import RepeatFilter  # noqa: PLC0415
    from desktop.scanner.sources import SourceError, open_source  # noqa: PLC0415

    db, keyring = _open(args)
    gate = GateService(
        db, keyring, SystemClock(), _cli_actor(Role.GATE_STAFF, args.gate), args.gate
    )
    pipeline = DecodePipeline.default()
    repeats = RepeatFilter(gate.settings.repeat_window_seconds)
    try:
        source = open_source(args.source)
    except SourceError as error:
        raise CommandError(str(error)) from error

    with source:
        index = 0
        while (frame := source.read()) is not None:
            # Files carry no clock: frame n is at n / fps, so a code held for
            # a few frames is one scan whatever the machine's speed.
            moment = index / FILE_SOURCE_FPS if not source.is_live else time.monotonic()
            index += 1
            for decoded in pipeline.decode(frame):
                if repeats.accept(decoded.text, moment):
                    _print_result(gate.handle(decoded.text, source="cli"), args.json)
    return EXIT_OK


# --- pass -------------------------------------------------------------------


def qr_image(text: str, box_size: int = 8):  # noqa: ANN201 - PIL image
    """A QR image of ``text`` at level M (numeric mode for our passes)."""
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=box_size, border=4
    )
    code.add_data(text)
    code.make(fit=True)
    return code.make_image(fill_color="black", back_color="white")


def run_pass(args: argparse.Namespace) -> int:
    """``campus-console pass``: write a student's pass as a PNG."""
    db, keyring = _open(args)
    clock = SystemClock()
    with db.sessions() as session, session.begin():
        student = session.scalars(
            select(Student).where(Student.student_no == args.student_no)
        ).first()
        if student is None:
            raise CommandError(_("查无此学号：{no}").format(no=args.student_no))
        gate_pass = None if args.reissue else current_pass(session, student)
        if gate_pass is not None and gate_pass.key_id == keyring.signing_id:
            text = pass_text(keyring, student, gate_pass)
        else:
            reason = "re-issued from the command line" if args.reissue else ""
            gate_pass, text = issue_pass(
                session, clock, keyring, _cli_actor(), student, reason=reason
            )
        serial = gate_pass.id
    qr_image(text).save(args.out)
    print(
        _("已写出报到二维码：{path}（学号 {no}，序列号 {serial}）").format(
            path=args.out, no=args.student_no, serial=serial
        )
    )
    return EXIT_OK


def run_passes(args: argparse.Namespace) -> int:
    """``campus-console passes``: a class's passes as a PDF sheet or a zip."""
    from desktop.services import pass_sheets  # noqa: PLC0415

    out = Path(args.out)
    if out.suffix.lower() not in (".pdf", ".zip"):
        raise CommandError(_("输出文件须为 .pdf 或 .zip：{path}").format(path=out))
    db, keyring = _open(args)
    with db.sessions() as session, session.begin():
        try:
            cards = pass_sheets.class_passes(
                session,
                SystemClock(),
                keyring,
                _cli_actor(),
                args.class_name,
                reissue=args.reissue,
            )
        except pass_sheets.UnknownClass as error:
            raise CommandError(str(error)) from error
    if out.suffix.lower() == ".zip":
        pass_sheets.write_zip(cards, out)
    else:
        from desktop.ui.pass_print import ensure_gui_app, write_pass_pdf  # noqa: PLC0415

        ensure_gui_app()
        write_pass_pdf(cards, out)
    print(_("已写出 {count} 张报到码：{path}").format(count=len(cards), path=out))
    return EXIT_OK


# --- verify -----------------------------------------------------------------


_IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp")


def _texts_from(code: str) -> list[str]:
    path = Path(code)
    try:
        is_file = path.is_file()
    except (OSError, ValueError):  # a certificate's text is no file name
        is_file = False
    if not is_file:
        if code.lower().endswith(_IMAGE_SUFFIXES):
            raise CommandError(_("找不到图片文件：{path}").format(path=code))
        # What a scanner or a terminal adds around a code is not part of it.
        return [code.strip()]
    import cv2  # noqa: PLC0415

    from desktop.scanner.decoders import DecodePipeline  # noqa: PLC0415

    image = cv2.imread(str(path))
    if image is None:
        raise CommandError(_("无法读取图片：{path}").format(path=path))
    texts = [d.text for d in DecodePipeline.default().decode(image)]
    if not texts:
        raise CommandError(_("图片中未找到二维码：{path}").format(path=path))
    return texts


def describe_certificate(
    text: str, db: Database | None, keyring: Keyring
) -> tuple[bool, str]:
    """Whether a certificate text is valid, and its fields and state in words.

    Without a database only the signature is checked; that counts as valid.
    """
    if db is None:
        report = inspect(text, keyring, None)
    else:
        with db.sessions() as session:
            report = inspect(text, keyring, session)
    state, *_info = report.summary()
    lines = [_("解除观察电子证明：{state}").format(state=state)]
    if report.fields is not None:
        lines.extend(f"  {line}" for line in report.fields.lines())
    if report.student_no is not None:
        lines.append(_("  学号：{no}").format(no=report.student_no))
    valid = report.state in (CertificateState.VALID, CertificateState.UNCHECKED)
    return valid, "\n".join(lines)


def describe_code(text: str, db: Database | None, keyring: Keyring) -> tuple[bool, str]:
    """Whether ``text`` is a valid code of ours, and a line saying so."""
    if looks_like_certificate(text):
        return describe_certificate(text, db, keyring)
    check = verify_pass(text, keyring)
    if not check.valid:
        reason = decide(
            GateFacts(check=check, now=SystemClock().now(), severe_provinces=())
        )
        return False, _("无效：{reason}").format(reason="；".join(reason.reasons))
    claims = check.claims
    assert claims is not None
    valid = SystemClock().now() < claims.expires
    state = _("有效") if valid else _("已过期")
    line = _(
        "本系统报到二维码，签名有效（密钥 {key}，序列号 {serial}，有效期至 {until}）"
    ).format(
        key=claims.key_id,
        serial=claims.serial,
        until=claims.expires.astimezone(BEIJING).date().isoformat(),
    )
    if db is not None:
        with db.sessions() as session:
            student = session.scalars(
                select(Student).where(Student.pass_ref == claims.ref)
            ).first()
            gate_pass = session.get(GatePass, claims.serial)
            if (
                student is None
                or gate_pass is None
                or gate_pass.student_id != student.id
            ):
                return False, line + _("；查无签发记录")
            if gate_pass.revoked_at is not None:
                valid, state = False, _("已作废")
            line += _("；学生：{name}（{no}）").format(
                name=mask_name(student.name), no=student.student_no
            )
    return valid, f"{state}：{line}"


def run_verify(args: argparse.Namespace) -> int:
    """``campus-console verify``: say whether a code is ours and valid."""
    keyring = load_keyring(paths.keys_dir())
    try:
        db = _database(args)
    except Exception as error:  # noqa: BLE001 - verification works offline
        log.warning("database unavailable, verifying offline: %s", error)
        db = None
    all_valid = True
    for text in _texts_from(args.code):
        valid, line = describe_code(text, db, keyring)
        all_valid &= valid
        print(line)
    return EXIT_OK if all_valid else EXIT_NO


# --- release and certificate ------------------------------------------------


def _print_refusal(refused: release_service.ReleaseRefused) -> None:
    print(_("未解除任何学生：") + str(refused), file=sys.stderr)
    for number, reason in refused.problems.items():
        print(f"  {number}\t{reason}")


def run_release(args: argparse.Namespace) -> int:
    """``campus-console release``: list, release (all or nothing) or undo."""
    db, keyring = _open(args)
    clock, actor = SystemClock(), _cli_actor()
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
    db = _database(args)
    clock, actor = SystemClock(), _cli_actor()
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
        # Imported here: only the PDF needs Qt (offscreen painting).
        from desktop.ui.certificate_print import run_certificate_pdf

        return run_certificate_pdf(db, args.student_no, Path(args.out))
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
    db = _database(args, create=kind is ImportKind.ROSTER)
    clock, actor = SystemClock(), _cli_actor()
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
            print(_("文件有问题，未导入任何数据"))
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
    db = _database(args)
    clock, actor = SystemClock(), _cli_actor()
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

    db = _database(args)
    clock, actor = SystemClock(), _cli_actor()
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

    db = _database(args, create=args.action == "add")
    clock = SystemClock()
    if args.action == "list":
        with db.sessions() as session:
            for info in list_operators(session, _cli_actor()):
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
                _cli_actor(),
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
