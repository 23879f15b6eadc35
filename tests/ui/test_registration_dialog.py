"""The registration dialog: autocomplete, inline errors, submit, modify."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from desktop.clock import FixedClock
from desktop.models import Registration, SchoolClass, Student
from desktop.services import registration
from desktop.services.auth import Actor
from desktop.services.db import Database
from desktop.services.idcard import check_digit
from desktop.services.keys import Keyring
from desktop.services.passes import verify_pass
from desktop.ui.context import ConsoleContext
from desktop.ui.form_fields import ChoiceCombo, YesNo
from desktop.ui.history_dialog import HistoryDialog
from desktop.ui.registration_dialog import RegistrationDialog
from desktop.ui.registration_form import RegistrationFormWidget
from desktop.ui.tasks import SyncTaskRunner
from tests.ui.conftest import TEST_GATE

WAIT_MS = 10_000
# The offscreen platform warns when the completer's popup raises itself.
pytestmark = pytest.mark.qt_log_ignore(
    "does not support raise", "does not support grabbing the keyboard"
)
GOOD_ID = "11010519900307" + "123"
GOOD_ID += check_digit(GOOD_ID)
BAD_ID = GOOD_ID[:17] + ("0" if GOOD_ID[17] != "0" else "1")


@dataclass
class Rig:
    context: ConsoleContext
    actor: Actor
    runner: SyncTaskRunner


@pytest.fixture
def rig(
    demo_db: Database,
    demo_keyring: Keyring,
    demo_clock: FixedClock,
    demo_actor: Callable[[str], Actor],
    error_sink: object,
) -> Rig:
    context = ConsoleContext(demo_db, demo_keyring, demo_clock, TEST_GATE, "test")
    # FIXME(qt-crash): with a thread pool here, about one run in five of
    # test_register_through_the_autocomplete died in Qt's glyph drawing
    # (QRasterPaintEngine::alphaPenBlt under QLabel::paintEvent, offscreen
    # platform) while painting after the test; the worker functions use no
    # Qt. Not root-caused; the dialog's threading is covered by the gate and
    # roster tests, this file tests the form. Remove once understood.
    return Rig(context, demo_actor("head"), SyncTaskRunner())


def _unregistered_student_of_head(rig: Rig) -> str:
    with rig.context.db.sessions() as session:
        registered = select(Registration.student_id)
        return session.scalars(
            select(Student.student_no)
            .join(SchoolClass)
            .where(SchoolClass.head_operator_id == rig.actor.operator_id)
            .where(Student.id.not_in(registered))
            .order_by(Student.student_no)
        ).first()


def _open(qtbot: QtBot, rig: Rig, student_no: str) -> RegistrationDialog:
    dialog = RegistrationDialog(rig.context, rig.actor, rig.runner, student_no)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.student is not None, timeout=WAIT_MS)
    return dialog


def _type(qtbot: QtBot, edit: QLineEdit, text: str) -> None:
    """Type as a user would; Chinese arrives as an input method commits it."""
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key_Backspace)
    if text.isascii():
        qtbot.keyClicks(edit, text)
        return
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(edit, event)


def _choose(combo: QComboBox, value: object) -> None:
    index = combo.findData(value)
    assert index > 0, value
    combo.setCurrentIndex(index)
    combo.activated.emit(index)


def _answer(qtbot: QtBot, widget: YesNo, yes: bool) -> None:
    button = widget.yes_button if yes else widget.no_button
    qtbot.mouseClick(button, Qt.LeftButton)


def _pick_school(qtbot: QtBot, form: RegistrationFormWidget, query: str) -> None:
    _type(qtbot, form.edits["school"], query)
    popup = form.school_completer.popup()
    qtbot.waitUntil(popup.isVisible, timeout=WAIT_MS)
    popup.setCurrentIndex(form.school_completer.completionModel().index(0, 0))
    qtbot.keyClick(popup, Qt.Key_Return)


def _fill_valid(qtbot: QtBot, form: RegistrationFormWidget) -> None:
    _choose(form.district, "房山区")
    _choose(form.enrol_year, 2019)
    _choose(form.enrol_month, 9)
    _answer(qtbot, form.yes_no["international"], False)
    _type(qtbot, form.edits["college"], "外国语言文学学院")
    _type(qtbot, form.edits["major"], "英语语言文学")
    _answer(qtbot, form.yes_no["on_campus"], True)
    _type(qtbot, form.edits["building"], "3号楼")
    _type(qtbot, form.edits["room"], "402")
    _type(qtbot, form.edits["name"], "李小红")
    _choose(form.gender, "女")
    _choose(form.doc_type, "二代身份证")
    _type(qtbot, form.edits["phone"], "13812345678")
    _answer(qtbot, form.yes_no["left_beijing"], True)
    form.arrival_tbd.click()
    _answer(qtbot, form.origin, False)
    _choose(form.province, "河北省")
    _choose(form.city, "石家庄市")
    for symptom in ("fever", "cough", "fatigue"):
        _answer(qtbot, form.yes_no[symptom], False)


def test_register_through_the_autocomplete(
    qtbot: QtBot, rig: Rig, demo_keyring: Keyring
) -> None:
    number = _unregistered_student_of_head(rig)
    dialog = _open(qtbot, rig, number)
    form = dialog.form_widget

    _pick_school(qtbot, form, "北外")
    _fill_valid(qtbot, form)
    _type(qtbot, form.edits["doc_number"], BAD_ID)
    qtbot.waitUntil(lambda: "校验位" in form.error_text("doc_number"), timeout=WAIT_MS)

    assert form.edits["school"].text() == "北京外国语大学"
    assert form.category_edit.text() == "中央部属"
    assert form.category_edit.isReadOnly()
    assert not dialog.submit_button.isEnabled()
    assert set(form.errors) == {"doc_number"}

    _type(qtbot, form.edits["doc_number"], GOOD_ID)
    qtbot.waitUntil(dialog.submit_button.isEnabled, timeout=WAIT_MS)
    with qtbot.waitSignal(dialog.registered, timeout=WAIT_MS) as blocker:
        qtbot.mouseClick(dialog.submit_button, Qt.LeftButton)

    record = blocker.args[0]
    assert dialog.pages.currentWidget() is dialog.preview
    assert dialog.preview.has_qr()
    assert record.version == 1 and record.student_no == number
    assert verify_pass(record.pass_text, demo_keyring).valid
    shown = dict(record.lines)
    assert shown["学校名称"] == "北京外国语大学"
    assert GOOD_ID not in shown["证件号码"] and shown["抵京日期"] == "待定"


def test_pinyin_initials_find_the_school(qtbot: QtBot, rig: Rig) -> None:
    dialog = _open(qtbot, rig, _unregistered_student_of_head(rig))
    form = dialog.form_widget

    _pick_school(qtbot, form, "bjdx")

    assert form.edits["school"].text() == "北京大学"
    assert form.category_edit.text() == "中央部属"


def test_every_field_rule_shows_next_to_its_field(qtbot: QtBot, rig: Rig) -> None:
    dialog = _open(qtbot, rig, _unregistered_student_of_head(rig))
    form = dialog.form_widget
    for name in ("school", "college", "major", "name", "doc_number", "phone"):
        _type(qtbot, form.edits[name], "")
    form.fill(registration.RegistrationForm())

    form.show_all_errors()
    always = (
        "school district enrol_year international college major on_campus name "
        "gender doc_type phone left_beijing origin_abroad fever cough fatigue"
    ).split()
    assert all(form.error_text(name) for name in always), form.errors

    cases = (
        (lambda: _answer(qtbot, form.yes_no["international"], True), "country"),
        (lambda: _answer(qtbot, form.yes_no["on_campus"], True), "building"),
        (lambda: _answer(qtbot, form.yes_no["on_campus"], True), "room"),
        (lambda: _answer(qtbot, form.yes_no["on_campus"], False), "community"),
        (lambda: _answer(qtbot, form.yes_no["on_campus"], False), "address"),
        (lambda: _answer(qtbot, form.yes_no["left_beijing"], True), "arrival_date"),
        (lambda: _answer(qtbot, form.origin, False), "province"),
        (lambda: _answer(qtbot, form.origin, True), "foreign_address"),
        (lambda: _type(qtbot, form.edits["school"], "北京某某大学"), "school"),
        (lambda: _type(qtbot, form.edits["phone"], "12345"), "phone"),
        (lambda: _type(qtbot, form.edits["name"], "张3"), "name"),
    )
    for act, field in cases:
        act()
        form.revalidate()
        assert form.error_text(field), field
    assert "名单" in form.error_text("school")


def test_errors_wait_until_a_field_is_touched(qtbot: QtBot, rig: Rig) -> None:
    dialog = _open(qtbot, rig, _unregistered_student_of_head(rig))
    form = dialog.form_widget

    form.revalidate()
    untouched = form.error_text("district")
    _type(qtbot, form.edits["phone"], "139")
    qtbot.waitUntil(lambda: bool(form.error_text("phone")), timeout=WAIT_MS)

    assert "district" in form.errors and untouched == ""
    assert form.error_text("district") == ""
    assert "手机" in form.error_text("phone")


def test_city_follows_the_province(qtbot: QtBot, rig: Rig) -> None:
    dialog = _open(qtbot, rig, _unregistered_student_of_head(rig))
    form = dialog.form_widget
    _answer(qtbot, form.origin, False)

    _choose(form.province, "四川省")
    cities = [form.city.itemText(i) for i in range(1, form.city.count())]

    assert "成都市" in cities and "石家庄市" not in cities
    assert isinstance(form.city, ChoiceCombo) and form.city.value() is None


def test_modify_keeps_history_and_the_bound_phone(qtbot: QtBot, rig: Rig) -> None:
    number = _unregistered_student_of_head(rig)
    first = _open(qtbot, rig, number)
    _pick_school(qtbot, first.form_widget, "北外")
    _fill_valid(qtbot, first.form_widget)
    _type(qtbot, first.form_widget.edits["doc_number"], GOOD_ID)
    qtbot.waitUntil(first.submit_button.isEnabled, timeout=WAIT_MS)
    with qtbot.waitSignal(first.registered, timeout=WAIT_MS):
        first.submit()

    again = _open(qtbot, rig, number)
    form = again.form_widget
    assert again.student.registered and "修改" in again.windowTitle()
    assert form.edits["phone"].isReadOnly()
    assert form.edits["building"].text() == "3号楼"
    _type(qtbot, form.edits["building"], "7号楼")
    qtbot.waitUntil(again.submit_button.isEnabled, timeout=WAIT_MS)
    with qtbot.waitSignal(again.registered, timeout=WAIT_MS) as blocker:
        again.submit()

    assert blocker.args[0].version == 2
    history = HistoryDialog(rig.context, rig.actor, rig.runner, number)
    qtbot.addWidget(history)
    qtbot.waitUntil(lambda: history.table.rowCount() > 0, timeout=WAIT_MS)
    rows = [
        [history.table.item(r, c).text() for c in range(6)]
        for r in range(history.table.rowCount())
    ]
    assert ["2", rows[-1][1], "head", "宿舍楼号", "3号楼", "7号楼"] in rows
    phone_rows = [row for row in rows if row[3] == "联系电话"]
    assert phone_rows and "13812345678" not in phone_rows[0][5]
