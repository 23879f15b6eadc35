"""Image variants the decode pipeline tries when the first decoder finds nothing.

Each :class:`Variant` pairs an image transform with a decoder. The transform
may rescale the image; the variant maps the corners it finds back to the
coordinates of the original image, so callers never see the difference.
Which variants are worth their time was measured on the shared corpus (see
``benchmarks/bench_decode.py``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import cv2
import numpy as np

if TYPE_CHECKING:
    from desktop.scanner.decoders import Decoded, Decoder

logger = logging.getLogger(__name__)

# A transform returns the image to decode and the scale it applied, or None
# when the variant does not apply to this image (e.g. upscaling a big one).
Transform = Callable[[np.ndarray], "tuple[np.ndarray, float] | None"]


def to_gray(frame: np.ndarray) -> np.ndarray:
    """Convert a BGR, BGRA or grayscale frame to 2-D uint8.

    Args:
        frame: An ``(h, w)``, ``(h, w, 1)``, ``(h, w, 3)`` or ``(h, w, 4)``
            uint8 array.

    Returns:
        The grayscale image (the input itself when it already is one).

    Raises:
        ValueError: For any other shape.
    """
    if frame.ndim == 2:
        return frame
    if frame.ndim == 3 and frame.shape[2] == 1:
        return frame[:, :, 0]
    if frame.ndim == 3 and frame.shape[2] == 3:
        return cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
    if frame.ndim == 3 and frame.shape[2] == 4:
        return cv2.cvtColor(frame, cv2.COLOR_BGRA2GRAY)
    raise ValueError(f"unsupported frame shape {frame.shape}")


def fit_within(longest_side: int) -> Transform:
    """Shrink images whose longest side exceeds a limit.

    Args:
        longest_side: The largest allowed width or height, in pixels.

    Returns:
        A transform; images already small enough pass through unchanged.
    """

    def transform(gray: np.ndarray) -> tuple[np.ndarray, float]:
        return _fit(gray, longest_side)

    return transform


def upscale_small(below: int, factor: float = 2.0) -> Transform:
    """Enlarge small images, where modules are only a pixel or two wide.

    Args:
        below: Only images whose longest side is under this are enlarged.
        factor: The enlargement.

    Returns:
        A transform that skips images of ``below`` pixels or more.
    """

    def transform(gray: np.ndarray) -> tuple[np.ndarray, float] | None:
        if max(gray.shape) >= below:
            return None
        size = (round(gray.shape[1] * factor), round(gray.shape[0] * factor))
        return cv2.resize(gray, size, interpolation=cv2.INTER_CUBIC), factor

    return transform


def equalise(longest_side: int, clip_limit: float = 2.0) -> Transform:
    """Local contrast equalisation (CLAHE), for shadows and uneven light.

    Args:
        longest_side: Shrink larger images to this size first.
        clip_limit: CLAHE clip limit.

    Returns:
        The transform.
    """
    clahe = cv2.createCLAHE(clipLimit=clip_limit, tileGridSize=(8, 8))

    def transform(gray: np.ndarray) -> tuple[np.ndarray, float]:
        small, scale = _fit(gray, longest_side)
        return clahe.apply(small), scale

    return transform


def gamma_curve(gamma: float) -> Transform:
    """Apply a gamma curve: above 1 it pulls washed-out greys apart (glare),
    below 1 it lifts codes out of shadow.

    Args:
        gamma: The exponent applied to intensities in ``[0, 1]``.

    Returns:
        The transform.
    """
    levels = np.arange(256, dtype=np.float64) / 255.0
    table = np.round(levels**gamma * 255.0).astype(np.uint8)

    def transform(gray: np.ndarray) -> tuple[np.ndarray, float]:
        return cv2.LUT(gray, table), 1.0

    return transform


def smooth(longest_side: int, kernel: int = 5) -> Transform:
    """Shrink, then blur lightly: removes JPEG noise and moiré for zbar.

    Args:
        longest_side: Shrink larger images to this size first.
        kernel: Side of the Gaussian kernel (odd).

    Returns:
        The transform.
    """

    def transform(gray: np.ndarray) -> tuple[np.ndarray, float]:
        small, scale = _fit(gray, longest_side)
        return cv2.GaussianBlur(small, (kernel, kernel), 0), scale

    return transform


def invert() -> Transform:
    """Swap black and white, for light-on-dark codes (phone dark mode).

    Returns:
        The transform.
    """

    def transform(gray: np.ndarray) -> tuple[np.ndarray, float]:
        return cv2.bitwise_not(gray), 1.0

    return transform


def _fit(gray: np.ndarray, longest_side: int) -> tuple[np.ndarray, float]:
    scale = longest_side / max(gray.shape)
    if scale >= 1.0:
        return gray, 1.0
    size = (round(gray.shape[1] * scale), round(gray.shape[0] * scale))
    return cv2.resize(gray, size, interpolation=cv2.INTER_AREA), scale


@dataclass(frozen=True)
class Variant:
    """A decoder run on a transformed copy of the image.

    Attributes:
        name: Appended to the decoder name in results, e.g. ``"clahe"``.
        decoder: The decoder to run.
        transform: How to prepare the image.
    """

    name: str
    decoder: Decoder
    transform: Transform

    def decode(self, gray: np.ndarray) -> list[Decoded]:
        """Transform the image, decode it and map corners back.

        Args:
            gray: The original 2-D uint8 image.

        Returns:
            The codes read, with corners in original image coordinates.
        """
        prepared = self.transform(gray)
        if prepared is None:
            return []

        image, scale = prepared
        label = f"{self.decoder.name}+{self.name}"
        return [
            replace(item, decoder=label, corners=_unscale(item.corners, scale))
            for item in self.decoder.decode(image)
        ]


def _unscale(
    corners: tuple[tuple[float, float], ...] | None, scale: float
) -> tuple[tuple[float, float], ...] | None:
    if corners is None or scale == 1.0:
        return corners
    return tuple((x / scale, y / scale) for x, y in corners)
