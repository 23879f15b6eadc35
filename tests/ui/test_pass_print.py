"""The printable pass sheet of a class, and ``campus-console passes``."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from datetime import datetime
from pathlib import Path

import cv2
import pytest
from PySide6.QtCore import QRectF
from sqlalchemy import select

from desktop.cli import main
from desktop.clock import BEIJING, FixedClock
from desktop.models import SchoolClass
from desktop.scanner.decoders import DecodePipeline
from desktop.services.db import Database
from desktop.services.keys import Keyring
from desktop.services.pass_sheets import PassCard
from desktop.services.passes import verify_pass
from desktop.ui.pass_print import COLUMNS, ROWS, write_pass_pdf
from tests.helpers import Factory

PER_PAGE = COLUMNS * ROWS


def _cards(factory: Factory, count: int) -> list[PassCard]:
    made = [factory.student() for _ in range(count)]
    return [
        PassCard(m.student_no, "张小明", "2019级经济硕士1班", index + 1, m.pass_text)
        for index, m in enumerate(made)
    ]


def _pdf_pages(path: Path) -> int | None:
    if shutil.which("pdfinfo") is None:
        return None
    info = subprocess.run(
        ["pdfinfo", str(path)], capture_output=True, text=True, check=True
    ).stdout
    return int(
        next(line for line in info.splitlines() if line.startswith("Pages:"))[6:]
    )


@pytest.fixture
def sheet_factory(sqlite_db: Database, keyring: Keyring) -> Factory:
    return Factory(
        sqlite_db, FixedClock(datetime(2020, 3, 20, tzinfo=BEIJING)), keyring
    )


def test_one_card_per_student_on_as_many_pages_as_needed(
    qapp: object, sheet_factory: Factory, tmp_path: Path
) -> None:
    cards = _cards(sheet_factory, PER_PAGE + 2)
    drawn: list[tuple[int, int, QRectF]] = []

    result = write_pass_pdf(
        cards, tmp_path / "class.pdf", on_card=lambda *args: drawn.append(args)
    )

    assert (result.pages, result.cards) == (2, len(cards))
    assert [index for _page, index, _rect in drawn] == list(range(len(cards)))
    assert [page for page, _index, _rect in drawn].count(1) == 2
    first_page = [rect for page, _index, rect in drawn if page == 0]
    assert not any(
        a.intersects(b.adjusted(1, 1, -1, -1))
        for i, a in enumerate(first_page)
        for b in first_page[i + 1 :]
    )
    assert result.path.stat().st_size > 0
    assert _pdf_pages(result.path) in (None, 2)


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils")
def test_printed_codes_scan_and_verify(
    qapp: object, sheet_factory: Factory, keyring: Keyring, tmp_path: Path
) -> None:
    cards = _cards(sheet_factory, 4)
    pdf = write_pass_pdf(cards, tmp_path / "class.pdf").path

    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", str(pdf),
         str(tmp_path / "page")],
        check=True,
    )  # fmt: skip
    [png] = sorted(tmp_path.glob("page*.png"))
    texts = {
        d.text for d in DecodePipeline.default("still").decode(cv2.imread(str(png)))
    }

    assert texts == {card.text for card in cards}
    assert all(verify_pass(text, keyring).valid for text in texts)


def test_cli_writes_a_pdf_and_a_zip(
    qapp: object, sheet_factory: Factory, tmp_path: Path
) -> None:
    made = [sheet_factory.student() for _ in range(3)]
    url = sheet_factory.db.url
    with sheet_factory.db.sessions() as session:
        class_name = session.scalars(select(SchoolClass.name)).one()

    pdf, archive = tmp_path / "class.pdf", tmp_path / "class.zip"
    assert main(["passes", "--db", url, "--class", class_name, "--out", str(pdf)]) == 0
    assert (
        main(["passes", "--db", url, "--class", class_name, "--out", str(archive)]) == 0
    )

    assert pdf.stat().st_size > 0 and _pdf_pages(pdf) in (None, 1)
    with zipfile.ZipFile(archive) as files:
        assert sorted(files.namelist()) == sorted(f"{m.student_no}.png" for m in made)


def test_cli_refuses_an_unknown_class_or_format(
    sheet_factory: Factory, tmp_path: Path
) -> None:
    sheet_factory.student()
    url = sheet_factory.db.url

    assert main(["passes", "--db", url, "--class", "无此班", "--out", "x.zip"]) == 2
    assert main(["passes", "--db", url, "--class", "x", "--out", "x.txt"]) == 2
