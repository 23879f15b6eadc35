"""Frame sources: camera index, video file, folder of images or one image.

:func:`open_source` turns a user's source spec into a :class:`FrameSource`
so the rest of the scanner never cares where frames come from.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

import cv2
import numpy as np

logger = logging.getLogger(__name__)

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp"})
VIDEO_SUFFIXES = frozenset({".avi", ".mp4", ".mkv", ".mov", ".m4v", ".webm", ".mjpg"})


class SourceError(Exception):
    """A frame source cannot be opened or stopped delivering frames.

    Attributes:
        kind: A stable code for the UI to translate: ``"camera_unavailable"``,
            ``"camera_lost"``, ``"not_found"``, ``"empty"``, ``"unreadable"``
            or ``"unsupported"``.
        source: The source spec, as given.
    """

    def __init__(self, kind: str, source: str, message: str) -> None:
        """Create the error.

        Args:
            kind: The stable error code (see the class attributes).
            source: The source spec, as given.
            message: A complete English sentence for logs and the console.
        """
        super().__init__(message)
        self.kind = kind
        self.source = source


class FrameSource:
    """Base class of everything that yields frames.

    Attributes:
        is_live: True for a camera (frames never end, failures are retried).
        description: A short human-readable name, e.g. ``"camera 0"``.
    """

    is_live = False
    description = "frame source"

    def read(self) -> np.ndarray | None:
        """Return the next BGR frame, or None at the end of a finite source.

        Raises:
            SourceError: If a live source stops delivering frames, or an
                image in a folder cannot be read.
        """
        raise NotImplementedError

    def close(self) -> None:
        """Release the device or file; safe to call twice."""

    def __enter__(self) -> FrameSource:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class _CaptureSource(FrameSource):
    """A camera or a video file, both read through ``cv2.VideoCapture``."""

    def __init__(self, capture: cv2.VideoCapture, spec: str, live: bool) -> None:
        self._capture: cv2.VideoCapture | None = capture
        self._spec = spec
        self.is_live = live
        self.description = f"camera {spec}" if live else Path(spec).name

    def read(self) -> np.ndarray | None:
        if self._capture is None:
            return None
        ok, frame = self._capture.read()
        if ok and frame is not None:
            return frame
        if self.is_live:
            raise SourceError(
                "camera_lost",
                self._spec,
                f"camera {self._spec} stopped delivering frames",
            )
        return None

    @property
    def fps(self) -> float:
        """The frame rate the file declares, or 0.0 when unknown."""
        if self._capture is None:
            return 0.0
        return float(self._capture.get(cv2.CAP_PROP_FPS) or 0.0)

    def close(self) -> None:
        if self._capture is not None:
            self._capture.release()
            self._capture = None


class ImageListSource(FrameSource):
    """A finite list of image files, read one per frame.

    In a folder, a file that cannot be read (empty, damaged, not an image,
    or gone since the folder was listed) is skipped with a warning and
    counted in ``skipped``: one bad photo must not stop a gate. A single
    image that cannot be read is an error.
    """

    def __init__(
        self, paths: Sequence[Path], description: str, *, skip_unreadable: bool = True
    ) -> None:
        """Create the source.

        Args:
            paths: The images, in playback order.
            description: A short name for the UI.
            skip_unreadable: skip unreadable files instead of failing.
        """
        self._paths = list(paths)
        self._next = 0
        self._skip_unreadable = skip_unreadable
        self.description = description
        self.skipped: list[Path] = []

    def read(self) -> np.ndarray | None:
        while self._next < len(self._paths):
            path = self._paths[self._next]
            self._next += 1
            frame = cv2.imread(str(path), cv2.IMREAD_COLOR)
            if frame is not None:
                return frame
            if not self._skip_unreadable:
                raise SourceError("unreadable", str(path), f"cannot read image {path}")
            logger.warning("skipping unreadable image %s", path)
            self.skipped.append(path)
        return None


def natural_key(path: Path) -> list[int | str]:
    """Sort key that puts ``img2.jpg`` before ``img10.jpg``.

    Args:
        path: A file path.

    Returns:
        The name split into text and number parts.
    """
    parts = re.split(r"(\d+)", path.name.lower())
    return [int(part) if part.isdigit() else part for part in parts]


def open_source(spec: str | int) -> FrameSource:
    """Open a camera, video, folder of images or single image.

    Args:
        spec: A camera index (``0`` or ``"0"``) or a path.

    Returns:
        The opened source; the caller closes it.

    Raises:
        SourceError: If the source does not exist, is empty or cannot be
            opened; ``kind`` says which.
    """
    text = str(spec).strip()
    if isinstance(spec, int) or text.isdigit():
        return _open_camera(int(text))

    path = Path(text).expanduser()
    if path.is_dir():
        return _open_folder(path)
    if not path.is_file():
        raise SourceError("not_found", text, f"{path} does not exist")

    suffix = path.suffix.lower()
    if suffix in VIDEO_SUFFIXES:
        return _open_video(path)
    if suffix in IMAGE_SUFFIXES:
        return ImageListSource([path], path.name, skip_unreadable=False)
    raise SourceError(
        "unsupported", text, f"{path} is neither an image nor a video file"
    )


def _open_camera(index: int) -> FrameSource:
    capture = cv2.VideoCapture(index)
    if not capture.isOpened():
        capture.release()
        raise SourceError(
            "camera_unavailable",
            str(index),
            f"camera index {index} could not be opened",
        )
    logger.info("Opened camera %s", index)
    return _CaptureSource(capture, str(index), live=True)


def _open_video(path: Path) -> FrameSource:
    capture = cv2.VideoCapture(str(path))
    if not capture.isOpened():
        capture.release()
        raise SourceError("unreadable", str(path), f"video {path} cannot be decoded")
    logger.info("Opened video %s", path)
    return _CaptureSource(capture, str(path), live=False)


def _open_folder(path: Path) -> FrameSource:
    images = sorted(
        (
            child
            for child in path.iterdir()
            if child.is_file() and child.suffix.lower() in IMAGE_SUFFIXES
        ),
        key=natural_key,
    )
    if not images:
        raise SourceError(
            "empty", str(path), f"folder {path} has no jpg, png or bmp images"
        )
    logger.info("Opened folder %s with %s images", path, len(images))
    return ImageListSource(images, f"{path.name}/ ({len(images)} images)")
