"""A class's passes: gathered, re-issued, zipped as PNGs that verify."""

from __future__ import annotations

import zipfile
from pathlib import Path

import cv2
import numpy as np
import pytest
from sqlalchemy import select

from desktop.models import GatePass
from desktop.scanner.decoders import DecodePipeline
from desktop.services import pass_sheets
from desktop.services.auth import SYSTEM, Actor, PermissionDenied, Role
from desktop.services.passes import verify_pass
from tests.helpers import Factory

CLASS = "2019级经济硕士1班"


def _cards(factory: Factory, actor: Actor = SYSTEM, **options: bool) -> list:
    with factory.db.sessions() as session, session.begin():
        return pass_sheets.class_passes(
            session, factory.clock, factory.keyring, actor, CLASS, **options
        )


def test_one_card_per_student_with_the_current_pass(factory: Factory) -> None:
    made = [factory.student() for _ in range(3)]

    cards = _cards(factory)

    assert [card.student_no for card in cards] == [m.student_no for m in made]
    assert [card.text for card in cards] == [m.pass_text for m in made]
    assert {card.class_name for card in cards} == {CLASS}


def test_reissue_revokes_every_old_serial(factory: Factory) -> None:
    made = [factory.student() for _ in range(2)]

    cards = _cards(factory, reissue=True)

    assert all(card.text != m.pass_text for card, m in zip(cards, made, strict=True))
    with factory.db.sessions() as session:
        passes = session.scalars(select(GatePass)).all()
    live = {p.id for p in passes if p.revoked_at is None}
    assert live == {card.serial for card in cards} and len(passes) == 4


def test_zip_holds_one_png_per_student_that_verifies(
    factory: Factory, tmp_path: Path
) -> None:
    for _ in range(3):
        factory.student()
    cards = _cards(factory)

    path = pass_sheets.write_zip(cards, tmp_path / "passes.zip")

    pipeline = DecodePipeline.default("still")
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        assert names == [f"{card.student_no}.png" for card in cards]
        for card in cards:
            raw = np.frombuffer(archive.read(f"{card.student_no}.png"), np.uint8)
            texts = [d.text for d in pipeline.decode(cv2.imdecode(raw, 1))]
            assert texts == [card.text]
            check = verify_pass(texts[0], factory.keyring)
            assert check.valid and check.claims.serial == card.serial


@pytest.mark.parametrize(
    "actor",
    [
        Actor(9999, "other", "other", Role.CLASS_HEAD),
        Actor(9998, "gate", "gate", Role.GATE_STAFF),
    ],
    ids=["head of another class", "gate staff"],
)
def test_out_of_scope_is_refused(factory: Factory, actor: Actor) -> None:
    factory.student()

    with pytest.raises(PermissionDenied):
        _cards(factory, actor)


def test_unknown_class(factory: Factory) -> None:
    factory.student()

    with (
        factory.db.sessions() as session,
        pytest.raises(pass_sheets.UnknownClass),
    ):
        pass_sheets.class_passes(
            session, factory.clock, factory.keyring, SYSTEM, "没有这个班"
        )
