"""The gate side of the command line: demo, scan, pass, passes, verify, gui."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path

from sqlalchemy import select

from desktop import paths
from desktop.clock import BEIJING, SystemClock
from desktop.commands.common import (
    EXIT_NO,
    EXIT_OK,
    FILE_SOURCE_FPS,
    CommandError,
    cli_actor,
    command_database,
    database_and_keys,
)
from desktop.i18n import _
from desktop.models import GatePass, Student
from desktop.services import demo as demo_service
from desktop.services.auth import Role
from desktop.services.certificates import (
    CertificateState,
    inspect,
    looks_like_certificate,
)
from desktop.services.db import Database
from desktop.services.demo_accounts import keep_passwords, password_lines
from desktop.services.gate import GateResult, GateService
from desktop.services.issuing import current_pass, issue_pass, pass_text
from desktop.services.keys import Keyring, load_keyring
from desktop.services.masking import mask_name
from desktop.services.pass_sheets import qr_image
from desktop.services.passes import verify_pass
from desktop.services.verdict import GateFacts, decide

log = logging.getLogger(__name__)


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
    db, keyring = database_and_keys(args, create=True)
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

    db, keyring = database_and_keys(args)
    gate = GateService(
        db, keyring, SystemClock(), cli_actor(Role.GATE_STAFF, args.gate), args.gate
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


def run_pass(args: argparse.Namespace) -> int:
    """``campus-console pass``: write a student's pass as a PNG."""
    db, keyring = database_and_keys(args)
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
                session, clock, keyring, cli_actor(), student, reason=reason
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
    db, keyring = database_and_keys(args)
    with db.sessions() as session, session.begin():
        try:
            cards = pass_sheets.class_passes(
                session,
                SystemClock(),
                keyring,
                cli_actor(),
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
        db = command_database(args)
    except Exception as error:  # noqa: BLE001 - verification works offline
        log.warning("database unavailable, verifying offline: %s", error)
        db = None
    all_valid = True
    for text in _texts_from(args.code):
        valid, line = describe_code(text, db, keyring)
        all_valid &= valid
        print(line)
    if all_valid and db is None:
        # The signature holds, but a revoked code would look the same: a
        # script reading the exit code must not take it as valid.
        print(_("数据库不可用，未能确认是否已作废或撤销"), file=sys.stderr)
        return EXIT_NO
    return EXIT_OK if all_valid else EXIT_NO
