"""Decoders and the decode pipeline on rendered codes."""

from __future__ import annotations

import numpy as np
import pytest
import qrcode

from desktop.scanner.decoders import (
    DecodePipeline,
    ZxingDecoder,
)
from desktop.scanner.preprocess import to_gray
from desktop.scanner.second_opinions import OpenCvDecoder, PyzbarDecoder, _undo_latin1
from tests.scanner.conftest import on_frame, qr_image

TEXT = "证书 编号 2020-0313 签名 ABCDEFGHIJKLMNOP"


@pytest.mark.parametrize("decoder_type", [ZxingDecoder, PyzbarDecoder, OpenCvDecoder])
def test_each_decoder_reads_utf8_text(decoder_type: type) -> None:
    gray = to_gray(on_frame(qr_image(TEXT)))

    found = decoder_type().decode(gray)

    assert [item.text for item in found] == [TEXT]
    assert found[0].corners is not None


@pytest.mark.parametrize("mode", ["live", "still"])
def test_pipeline_accepts_bgr_and_gray(mode: str) -> None:
    frame = on_frame(qr_image("1234567890"))
    pipeline = DecodePipeline.default(mode)

    from_bgr = pipeline.decode(frame)
    from_gray = pipeline.decode(to_gray(frame))

    assert [item.text for item in from_bgr] == ["1234567890"]
    assert [item.text for item in from_gray] == ["1234567890"]


@pytest.mark.parametrize("mode", ["live", "still"])
def test_pipeline_finds_nothing_on_blank(mode: str) -> None:
    rng = np.random.default_rng(0)
    frame = rng.integers(0, 255, (480, 640, 3), dtype=np.uint8)

    assert DecodePipeline.default(mode).decode(frame) == []


def test_live_pipeline_reads_inverted_code_via_sweep() -> None:
    inverted = 255 - on_frame(qr_image("dark mode"))
    pipeline = DecodePipeline.default("live", sweep_every=2)

    results = [pipeline.decode(inverted) for _ in range(2)]

    assert [item.text for item in results[-1]] == ["dark mode"]


def test_opencv_latin1_guess_is_not_a_misread() -> None:
    shift_jis = "ﾃﾞｻﾞｲﾝ".encode("shift_jis").decode("latin-1")
    utf8 = "测试".encode().decode("latin-1")

    assert _undo_latin1(shift_jis) is None
    assert _undo_latin1(utf8) == "测试"
    assert _undo_latin1("测试") == "测试"


def test_zbar_drops_non_utf8_bytes() -> None:
    # qrcode writes bytes as given: these Shift_JIS bytes are not UTF-8.
    maker = qrcode.QRCode(box_size=6, border=4)
    maker.add_data("ﾃﾞｻﾞｲﾝQR".encode("shift_jis"))
    maker.make(fit=True)
    modules = np.array(maker.get_matrix(), dtype=bool)
    gray = np.where(modules, 0, 255).astype(np.uint8)
    gray = np.kron(gray, np.ones((6, 6), np.uint8))

    assert PyzbarDecoder().decode(gray) == []


def test_unknown_mode_is_refused() -> None:
    with pytest.raises(ValueError):
        DecodePipeline(ZxingDecoder(), mode="fast")
