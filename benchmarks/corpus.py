"""Load the shared QR photograph corpus and score decode results against it.

The corpus lives outside the repository (``../shared/qr-corpus`` next to the
checkout, or wherever ``CAMPUS_CONSOLE_QR_CORPUS`` points). Three families of
images are understood:

- ``zxing-blackbox/*/N.png`` with the payload in ``N.txt``;
- ``boofcv-v3/decoding/*.png`` with the payload in a ``.txt`` of the same stem;
- ``boofcv-v3/detection/<category>/*.jpg`` whose ``.txt`` holds hand-labelled
  corner polygons: the number of codes is known, the payload is not.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

logger = logging.getLogger(__name__)

CORPUS_ENV = "CAMPUS_CONSOLE_QR_CORPUS"

# Images that show a second code the payload file does not describe: a text
# starting with the prefix is that other code, neither right nor a misread.
# qrcode-2/16.png is a "double QR" (a code printed inside another code).
_OTHER_CODES = {"qrcode-2/16.png": "[内側QRコード]"}

_REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = _REPO_ROOT.parent / "shared" / "qr-corpus"


@dataclass(frozen=True)
class CorpusImage:
    """One corpus image and what it is known to contain.

    Attributes:
        path: The image file.
        group: A short label for reports, e.g. ``"boofcv/glare"``.
        code_count: How many QR codes the image shows.
        payload: The exact text of the single code, or None when only the
            number of codes is known (the BoofCV detection set).
    """

    path: Path
    group: str
    code_count: int
    payload: str | None

    def load_gray(self) -> np.ndarray:
        """Read the image as a 2-D uint8 array.

        Returns:
            The grayscale pixels.

        Raises:
            OSError: If OpenCV cannot read the file.
        """
        gray = cv2.imread(str(self.path), cv2.IMREAD_GRAYSCALE)
        if gray is None:
            raise OSError(f"cannot read corpus image {self.path}")
        return gray


@dataclass
class Score:
    """Running decode-rate tally over corpus images.

    Attributes:
        codes: Codes present in the images scored so far.
        decoded: Codes decoded correctly (never more than present).
        misreads: Images with a wrong payload or more results than codes.
        misread_paths: The images counted in ``misreads``.
    """

    codes: int = 0
    decoded: int = 0
    misreads: int = 0
    misread_paths: list[Path] | None = None

    @property
    def rate(self) -> float:
        """Fraction of codes decoded (0.0 for an empty tally)."""
        return self.decoded / self.codes if self.codes else 0.0

    def add(self, image: CorpusImage, texts: Iterable[str]) -> None:
        """Score the decoded texts of one image.

        Args:
            image: The corpus image that was decoded.
            texts: Every text the decoder returned for it.
        """
        texts = list(texts)
        self.codes += image.code_count
        decoded, wrong = judge(image, texts)
        self.decoded += decoded
        if wrong:
            self.misreads += 1
            if self.misread_paths is None:
                self.misread_paths = []
            self.misread_paths.append(image.path)


def judge(image: CorpusImage, texts: list[str]) -> tuple[int, bool]:
    """Compare decoder output with the ground truth of one image.

    Args:
        image: The corpus image.
        texts: Every text the decoder returned for it.

    Returns:
        ``(codes decoded correctly, whether anything was misread)``.
    """
    if image.payload is not None:
        truth = _normalise(image.payload)
        texts = [_normalise(text) for text in texts if not _known_other(image, text)]
        wrong = any(text != truth for text in texts)
        right = any(text == truth for text in texts)
        return int(right and not wrong), wrong

    too_many = len(texts) > image.code_count
    return min(len(texts), image.code_count), too_many


def _normalise(text: str) -> str:
    # The BoofCV payload files store LF where the codes hold CRLF, and drop
    # the final line break; neither difference is a misread.
    return text.replace("\r\n", "\n").rstrip("\n")


def _known_other(image: CorpusImage, text: str) -> bool:
    prefix = _OTHER_CODES.get(f"{image.path.parent.name}/{image.path.name}")
    return prefix is not None and text.startswith(prefix)


def corpus_root() -> Path | None:
    """Find the corpus directory.

    Returns:
        The directory named by ``CAMPUS_CONSOLE_QR_CORPUS`` if set, else the
        shared default; None if that directory does not exist.
    """
    configured = os.environ.get(CORPUS_ENV)
    root = Path(configured) if configured else DEFAULT_CORPUS
    return root if root.is_dir() else None


def load_corpus(root: Path) -> list[CorpusImage]:
    """List every scorable image of the corpus, in a stable order.

    Args:
        root: The corpus directory.

    Returns:
        The images; ones without a ground-truth file are left out.
    """
    images = [
        *_payload_images(root / "zxing-blackbox", "*/*.png", "zxing"),
        *_payload_images(root / "boofcv-v3" / "decoding", "*.png", "boofcv"),
        *_detection_images(root / "boofcv-v3" / "detection"),
    ]
    logger.debug("Corpus %s: %s images", root, len(images))
    return images


def _payload_images(base: Path, pattern: str, family: str) -> Iterator[CorpusImage]:
    for path in sorted(base.glob(pattern)):
        truth = path.with_suffix(".txt")
        if not truth.is_file():
            continue
        payload = truth.read_bytes().decode("utf-8")
        group = f"{family}/{path.parent.name}"
        yield CorpusImage(path, group, 1, payload)


def _detection_images(base: Path) -> Iterator[CorpusImage]:
    for path in sorted(base.glob("*/*.jpg")):
        truth = path.with_suffix(".txt")
        if not truth.is_file():
            continue
        count = count_polygons(truth.read_text(encoding="utf-8"))
        yield CorpusImage(path, f"boofcv/{path.parent.name}", count, None)


def count_polygons(text: str) -> int:
    """Count the codes described by a BoofCV corner file.

    Two layouts exist: after a ``SETS`` line each line holds the 8
    coordinates of one code; otherwise each line holds one corner and four
    lines make one code.

    Args:
        text: The content of the ``.txt`` file.

    Returns:
        The number of labelled codes.
    """
    lines = [
        line.split()
        for line in text.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    if lines and lines[0] == ["SETS"]:
        return sum(1 for fields in lines[1:] if len(fields) >= 8)
    corners = sum(1 for fields in lines if len(fields) == 2)
    return corners // 4
