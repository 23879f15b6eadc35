"""Shared fixtures for the scanner tests: rendered codes and frames."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
import qrcode


def qr_image(text: str, box: int = 6) -> np.ndarray:
    """A clean black-on-white BGR QR code with a quiet zone."""
    code = qrcode.QRCode(box_size=box, border=4)
    code.add_data(text)
    code.make(fit=True)
    modules = np.array(code.get_matrix(), dtype=bool)
    gray = np.where(modules, 0, 255).astype(np.uint8)
    gray = np.kron(gray, np.ones((box, box), np.uint8))
    return cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR)


def on_frame(code: np.ndarray, size: tuple[int, int] = (640, 480)) -> np.ndarray:
    """Paste a code in the middle of a grey frame."""
    width, height = size
    frame = np.full((height, width, 3), 128, np.uint8)
    top = (height - code.shape[0]) // 2
    left = (width - code.shape[1]) // 2
    frame[top : top + code.shape[0], left : left + code.shape[1]] = code
    return frame


@pytest.fixture
def code_folder(tmp_path: Path) -> Path:
    """A folder of frames: A, A, blank, B, C (named to test natural sort)."""
    folder = tmp_path / "frames"
    folder.mkdir()
    blank = np.full((480, 640, 3), 128, np.uint8)
    frames = [
        on_frame(qr_image("A")),
        on_frame(qr_image("A")),
        blank,
        on_frame(qr_image("B")),
        on_frame(qr_image("C")),
    ]
    for index, frame in enumerate(frames, start=1):
        cv2.imwrite(str(folder / f"img{index * 5}.png"), frame)
    return folder
