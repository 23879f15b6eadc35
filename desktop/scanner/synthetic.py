"""Demo frames of a phone held up to a webcam, showing QR codes.

:func:`render_frames` draws each code on a phone-like screen, warps it onto
a room-like background and degrades it the way a cheap webcam does (blur,
glare, sensor noise, JPEG). Output is deterministic for a given seed, so
tests and demos can rely on it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import qrcode
from qrcode.constants import ERROR_CORRECT_M

logger = logging.getLogger(__name__)

VIDEO_NAME = "demo.avi"
VIDEO_FPS = 10.0


@dataclass(frozen=True)
class FrameItem:
    """One code to show.

    Attributes:
        text: The QR payload.
        tag: A label for the caller, e.g. ``"valid-pass"``.
    """

    text: str
    tag: str


@dataclass(frozen=True)
class FrameRecord:
    """What one rendered frame shows.

    Attributes:
        index: 1-based frame number.
        path: The JPEG file.
        tag: The item's tag, or None for a frame without a code.
        text: The item's payload, or None for a frame without a code.
    """

    index: int
    path: Path
    tag: str | None
    text: str | None


@dataclass(frozen=True)
class _Pose:
    """Where the phone is for one item, before per-frame hand shake."""

    centre: tuple[float, float]
    qr_side: float
    angle: float
    tilt: tuple[float, float]


def render_frames(
    items: Sequence[FrameItem],
    out_dir: Path,
    *,
    seed: int = 0,
    frames_per_item: int = 6,
    gap_frames: int = 3,
    size: tuple[int, int] = (1280, 720),
    video: bool = True,
) -> list[FrameRecord]:
    """Render every item on a phone in front of a webcam.

    Args:
        items: The codes to show, in order.
        out_dir: Receives ``frames/000001.jpg`` ... and ``demo.avi``.
        seed: Makes the output reproducible.
        frames_per_item: Frames showing each code.
        gap_frames: Frames without a code before each item.
        size: Frame width and height.
        video: Also write an MJPG video at 10 fps.

    Returns:
        One record per frame, in order.
    """
    rng = np.random.default_rng(seed)
    frames_dir = out_dir / "frames"
    frames_dir.mkdir(parents=True, exist_ok=True)
    background = _background(rng, size)

    records: list[FrameRecord] = []
    for item in items:
        for _ in range(gap_frames):
            frame = _camera_effects(background.copy(), rng)
            records.append(_save(frame, frames_dir, len(records) + 1, None, rng))

        phone = _phone_image(item.text)
        pose = _random_pose(rng, size, phone)
        for _ in range(frames_per_item):
            frame = _compose(background, phone, _shake(pose, rng), rng)
            records.append(_save(frame, frames_dir, len(records) + 1, item, rng))

    if video:
        _write_video(records, out_dir / VIDEO_NAME, size)
    logger.info("Rendered %s demo frames into %s", len(records), out_dir)
    return records


def _background(rng: np.random.Generator, size: tuple[int, int]) -> np.ndarray:
    """A blurry room: a lit gradient, a few furniture blocks, texture."""
    width, height = size
    ys = np.linspace(0.0, 1.0, height)[:, None]
    xs = np.linspace(0.0, 1.0, width)[None, :]
    light = 150 + 60 * (1 - ys) - 40 * (xs - 0.5) ** 2
    tint = rng.uniform(0.85, 1.1, size=3)
    image = np.clip(light[:, :, None] * tint, 0, 255).astype(np.uint8)

    for _ in range(6):
        x0, y0 = int(rng.integers(0, width)), int(rng.integers(0, height))
        x1, y1 = x0 + int(rng.integers(80, 400)), y0 + int(rng.integers(60, 300))
        colour = tuple(int(c) for c in rng.integers(40, 220, size=3))
        cv2.rectangle(image, (x0, y0), (x1, y1), colour, thickness=-1)

    texture = rng.normal(0, 12, size=(height // 8, width // 8, 1))
    texture = cv2.resize(texture, size, interpolation=cv2.INTER_CUBIC)
    image = np.clip(image + texture[:, :, None], 0, 255).astype(np.uint8)
    return cv2.GaussianBlur(image, (0, 0), 4)


def _phone_image(text: str) -> np.ndarray:
    """Draw the phone: dark rounded bezel, white screen, header, the QR."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0, box_size=1)
    code.add_data(text)
    code.make(fit=True)
    modules = np.array(code.get_matrix(), dtype=bool)

    qr_side = 400
    qr = np.where(modules, 0, 255).astype(np.uint8)
    qr = cv2.resize(qr, (qr_side, qr_side), interpolation=cv2.INTER_NEAREST)

    width, height = 520, 1000
    phone = np.zeros((height, width, 3), dtype=np.uint8)
    _rounded_rect(phone, (0, 0, width, height), 60, (25, 25, 30))
    _rounded_rect(phone, (14, 14, width - 14, height - 14), 48, (250, 250, 250))
    cv2.rectangle(phone, (14, 90), (width - 14, 170), (200, 140, 40), -1)

    top = (height - qr_side) // 2 + 40
    left = (width - qr_side) // 2
    phone[top : top + qr_side, left : left + qr_side] = qr[:, :, None]
    return phone


def _rounded_rect(
    image: np.ndarray,
    box: tuple[int, int, int, int],
    radius: int,
    colour: tuple[int, int, int],
) -> None:
    x0, y0, x1, y1 = box
    cv2.rectangle(image, (x0 + radius, y0), (x1 - radius, y1), colour, -1)
    cv2.rectangle(image, (x0, y0 + radius), (x1, y1 - radius), colour, -1)
    for cx, cy in (
        (x0 + radius, y0 + radius),
        (x1 - radius, y0 + radius),
        (x0 + radius, y1 - radius),
        (x1 - radius, y1 - radius),
    ):
        cv2.circle(image, (cx, cy), radius, colour, -1, lineType=cv2.LINE_AA)


def _random_pose(
    rng: np.random.Generator, size: tuple[int, int], phone: np.ndarray
) -> _Pose:
    width, height = size
    qr_side = float(rng.uniform(180, 330))
    return _Pose(
        centre=(
            float(rng.uniform(0.35, 0.65) * width),
            float(rng.uniform(0.4, 0.6) * height),
        ),
        qr_side=qr_side,
        angle=float(rng.uniform(-20, 20)),
        tilt=(float(rng.uniform(-0.12, 0.12)), float(rng.uniform(-0.12, 0.12))),
    )


def _shake(pose: _Pose, rng: np.random.Generator) -> _Pose:
    x, y = pose.centre
    return _Pose(
        centre=(x + float(rng.normal(0, 6)), y + float(rng.normal(0, 6))),
        qr_side=pose.qr_side * float(rng.uniform(0.97, 1.03)),
        angle=pose.angle + float(rng.normal(0, 1.5)),
        tilt=pose.tilt,
    )


def _compose(
    background: np.ndarray,
    phone: np.ndarray,
    pose: _Pose,
    rng: np.random.Generator,
) -> np.ndarray:
    """Warp the phone into the frame at the pose, then degrade the frame."""
    matrix = _phone_homography(phone, pose)
    size = (background.shape[1], background.shape[0])
    warped = cv2.warpPerspective(phone, matrix, size, flags=cv2.INTER_LINEAR)
    mask = cv2.warpPerspective(
        np.full(phone.shape[:2], 255, np.uint8), matrix, size, flags=cv2.INTER_LINEAR
    )
    alpha = (mask.astype(np.float32) / 255.0)[:, :, None]
    frame = background * (1 - alpha) + warped * alpha

    frame = _add_glare(frame, pose, rng)
    return _camera_effects(np.clip(frame, 0, 255).astype(np.uint8), rng)


def _phone_homography(phone: np.ndarray, pose: _Pose) -> np.ndarray:
    height, width = phone.shape[:2]
    scale = pose.qr_side / 400.0
    half_w, half_h = width * scale / 2, height * scale / 2
    tilt_x, tilt_y = pose.tilt
    # Perspective: one side of the phone a little nearer the camera.
    corners = np.array(
        [
            (-half_w * (1 - tilt_y), -half_h * (1 - tilt_x)),
            (half_w * (1 + tilt_y), -half_h * (1 + tilt_x)),
            (half_w * (1 + tilt_y), half_h * (1 - tilt_x)),
            (-half_w * (1 - tilt_y), half_h * (1 + tilt_x)),
        ]
    )
    theta = np.deg2rad(pose.angle)
    rotation = np.array(
        [[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]]
    )
    target = corners @ rotation.T + np.array(pose.centre)
    source = np.array([(0, 0), (width, 0), (width, height), (0, height)])
    return cv2.getPerspectiveTransform(
        source.astype(np.float32), target.astype(np.float32)
    )


def _add_glare(frame: np.ndarray, pose: _Pose, rng: np.random.Generator) -> np.ndarray:
    height, width = frame.shape[:2]
    x = pose.centre[0] + rng.uniform(-0.6, 0.6) * pose.qr_side
    y = pose.centre[1] + rng.uniform(-0.6, 0.6) * pose.qr_side
    radius = rng.uniform(0.15, 0.35) * pose.qr_side
    ys, xs = np.ogrid[:height, :width]
    blob = np.exp(-((xs - x) ** 2 + (ys - y) ** 2) / (2 * radius**2))
    strength = rng.uniform(40, 90)
    return frame + (strength * blob)[:, :, None]


def _camera_effects(frame: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Defocus or motion blur, then sensor noise."""
    if rng.random() < 0.5:
        length = int(rng.integers(2, 5))
        kernel = np.zeros((length, length), np.float32)
        kernel[length // 2, :] = 1.0 / length
        frame = cv2.filter2D(frame, -1, kernel)
    else:
        frame = cv2.GaussianBlur(frame, (0, 0), float(rng.uniform(0.5, 1.2)))

    noise = rng.normal(0, rng.uniform(2, 6), size=frame.shape)
    return np.clip(frame + noise, 0, 255).astype(np.uint8)


def _save(
    frame: np.ndarray,
    frames_dir: Path,
    index: int,
    item: FrameItem | None,
    rng: np.random.Generator,
) -> FrameRecord:
    path = frames_dir / f"{index:06d}.jpg"
    quality = int(rng.integers(60, 86))
    cv2.imwrite(str(path), frame, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if item is None:
        return FrameRecord(index, path, None, None)
    return FrameRecord(index, path, item.tag, item.text)


def _write_video(
    records: Sequence[FrameRecord], path: Path, size: tuple[int, int]
) -> None:
    fourcc = cv2.VideoWriter.fourcc(*"MJPG")
    writer = cv2.VideoWriter(str(path), fourcc, VIDEO_FPS, size)
    if not writer.isOpened():
        raise OSError(f"cannot write video {path}")
    try:
        for record in records:
            writer.write(cv2.imread(str(record.path), cv2.IMREAD_COLOR))
    finally:
        writer.release()
