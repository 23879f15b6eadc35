"""QR decoders behind one small interface: zxing-cpp, zbar and OpenCV.

Every decoder takes a 2-D uint8 grayscale image and returns the QR codes it
could read as :class:`Decoded` values. Only text that is valid Unicode comes
out: a code whose bytes are not text (binary content, or bytes that are not
valid UTF-8 where the library hands us raw bytes) is dropped rather than
turned into a guess, because a wrong guess is a misread.

The decoders are not thread-safe; give each worker thread its own instance.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import zxingcpp

from desktop.scanner.preprocess import (
    Variant,
    equalise,
    fit_within,
    gamma_curve,
    invert,
    smooth,
    to_gray,
    upscale_small,
)

logger = logging.getLogger(__name__)

Corners = tuple[tuple[float, float], ...]

_REPLACEMENT_CHAR = "\ufffd"


@dataclass(frozen=True)
class Decoded:
    """One QR code read from an image.

    Attributes:
        text: The payload as text.
        decoder: Name of the decoder that read it (``"zxing"``, ``"zbar"``,
            ``"opencv"``), with a ``+variant`` suffix when the pipeline had to
            preprocess the image first.
        corners: The code's corners in image pixels, when known.
    """

    text: str
    decoder: str
    corners: Corners | None = None


class Decoder(Protocol):
    """Anything that reads QR codes from a grayscale image."""

    name: str

    def decode(self, gray: np.ndarray) -> list[Decoded]:
        """Read every QR code in the image.

        Args:
            gray: A 2-D uint8 array.

        Returns:
            The codes read, possibly none.
        """
        ...


class DecoderUnavailableError(RuntimeError):
    """A decoder's native library is missing on this machine."""


def is_clean_text(text: str) -> bool:
    """Tell whether decoded text is real text rather than mangled bytes.

    Args:
        text: The decoder's output.

    Returns:
        False for empty text or text holding a Unicode replacement character.
    """
    return bool(text) and _REPLACEMENT_CHAR not in text


def corners_from(points: Any) -> Corners:
    return tuple((float(x), float(y)) for x, y in points)


class ZxingDecoder:
    """zxing-cpp, the fast first opinion.

    ``try_rotate`` is off: QR finder patterns are rotation invariant, the
    flag only matters for linear barcodes, and turning it off saves time.
    ``try_downscale`` stays on because it is what finds codes in large
    photographs; ``try_invert`` stays on for dark-mode phone screens.

    Attributes:
        name: ``"zxing"``.
    """

    name = "zxing"

    def __init__(
        self,
        *,
        try_downscale: bool = True,
        try_invert: bool = True,
        binarizer: zxingcpp.Binarizer = zxingcpp.Binarizer.LocalAverage,
    ) -> None:
        """Set up the reader options.

        Args:
            try_downscale: Also search downscaled copies of the image.
            try_invert: Also look for light-on-dark codes.
            binarizer: zxing-cpp's binarizer.
        """
        self._options = {
            "formats": zxingcpp.BarcodeFormat.QRCode,
            "try_rotate": False,
            "try_downscale": try_downscale,
            "try_invert": try_invert,
            "binarizer": binarizer,
            "text_mode": zxingcpp.TextMode.Plain,
        }

    def decode(self, gray: np.ndarray) -> list[Decoded]:
        """Read every QR code in the image.

        Args:
            gray: A 2-D uint8 array.

        Returns:
            The codes read, without binary-content codes.
        """
        return self.decode_with_evidence(gray)[0]

    def decode_with_evidence(self, gray: np.ndarray) -> tuple[list[Decoded], bool]:
        """Read every QR code and say whether any other symbol was seen.

        zxing-cpp reports symbols it located but could not decode (a failed
        error correction, for instance). That is cheap evidence that a code
        is in view, which the pipeline uses to decide whether slower second
        opinions are worth running on a live frame.

        Args:
            gray: A 2-D uint8 array.

        Returns:
            ``(codes read, whether an undecodable symbol was seen)``.
        """
        results = zxingcpp.read_barcodes(gray, return_errors=True, **self._options)
        decoded = [
            Decoded(result.text, self.name, self._corners(result))
            for result in results
            if result.valid and self._is_text(result)
        ]
        undecoded = any(not result.valid for result in results)
        return decoded, undecoded

    @staticmethod
    def _is_text(result: Any) -> bool:
        if result.content_type == zxingcpp.ContentType.Binary:
            logger.debug("Ignoring a QR code with binary content")
            return False
        return is_clean_text(result.text)

    @staticmethod
    def _corners(result: Any) -> Corners:
        position = result.position
        points = (
            position.top_left,
            position.top_right,
            position.bottom_right,
            position.bottom_left,
        )
        return tuple((float(point.x), float(point.y)) for point in points)


# TODO(scanner): the live mode reads 87.0 % of the shared corpus per frame
# and 89.7 % per photo held ten frames (bench_decode); the goal is 90 %.
# The still mode reaches 90.4 % but costs ~45 ms a frame.
class DecodePipeline:
    """zxing-cpp first, then second opinions only when it finds nothing.

    Two modes share the same decoders:

    - ``"live"`` is for camera frames, where most frames show no code and
      the budget is a couple of milliseconds. The fallbacks run only when
      there is evidence of a code (the primary decoder located a symbol it
      could not read) or, every ``sweep_every`` frames, as a periodic sweep
      that catches codes the evidence misses (inverted ones, for example).
      The first fallback that reads something wins.
    - ``"still"`` is for single images. Every fallback runs whenever the
      primary found nothing, and the results are merged.

    Attributes:
        mode: ``"live"`` or ``"still"``.
    """

    def __init__(
        self,
        primary: Decoder,
        fallbacks: Sequence[Variant] = (),
        *,
        mode: str = "still",
        sweep_every: int = 0,
        sweep_fallbacks: Sequence[Variant] = (),
    ) -> None:
        """Assemble a pipeline.

        Args:
            primary: The fast decoder run on every frame.
            fallbacks: Second opinions, cheapest and most productive first.
            mode: ``"live"`` or ``"still"``.
            sweep_every: In live mode, also run the fallbacks on every n-th
                frame without evidence; 0 disables the sweep.
            sweep_fallbacks: What the sweep runs (all of them, merged); by
                default ``fallbacks``.

        Raises:
            ValueError: For an unknown mode or a negative ``sweep_every``.
        """
        if mode not in ("live", "still"):
            raise ValueError(f"unknown pipeline mode {mode!r}")
        if sweep_every < 0:
            raise ValueError("sweep_every must not be negative")
        self.mode = mode
        self._primary = primary
        self._fallbacks = tuple(fallbacks)
        self._sweep_every = sweep_every
        self._sweep_fallbacks = tuple(sweep_fallbacks or fallbacks)
        self._frames_since_fallback = 0

    @classmethod
    def default(cls, mode: str = "live", *, sweep_every: int = 10) -> DecodePipeline:
        """Build the pipeline measured in ``benchmarks/bench_decode.py``.

        Args:
            mode: ``"live"`` for camera frames, ``"still"`` for single images.
            sweep_every: Live mode's periodic sweep (see the class docs).

        Returns:
            The pipeline; a zbar variant is left out, with a warning, when
            libzbar is not installed.
        """
        live = mode == "live"
        primary = ZxingDecoder(try_invert=not live)
        fallbacks = _default_fallbacks(live=live)
        # The sweep, a frame in ``sweep_every``, is as thorough as a still
        # image: a code held up for a third of a second gets that chance.
        sweep = _default_fallbacks(live=False) if live else ()
        return cls(
            primary,
            fallbacks,
            mode=mode,
            sweep_every=sweep_every,
            sweep_fallbacks=sweep,
        )

    def decode(self, frame: np.ndarray) -> list[Decoded]:
        """Read the QR codes in one frame.

        Args:
            frame: A BGR, BGRA or grayscale uint8 image.

        Returns:
            The codes read, possibly none.
        """
        gray = to_gray(frame)
        found, evidence = self._run_primary(gray)
        if self.mode == "still":
            return self._merge(found, self._all_fallbacks(gray))
        if found:
            self._frames_since_fallback = 0
            return found
        # Live: a frame in ``sweep_every`` without a code gets the thorough
        # sweep, whatever the evidence; in between, evidence of a symbol
        # zxing could not read buys the quick second opinions.
        self._frames_since_fallback += 1
        if self._sweep_every and self._frames_since_fallback >= self._sweep_every:
            self._frames_since_fallback = 0
            return self._all_fallbacks(gray, self._sweep_fallbacks)
        if evidence:
            return self._first_fallback_hit(gray)
        return []

    def _run_primary(self, gray: np.ndarray) -> tuple[list[Decoded], bool]:
        with_evidence = getattr(self._primary, "decode_with_evidence", None)
        if with_evidence is not None:
            return with_evidence(gray)
        return self._primary.decode(gray), False

    def _first_fallback_hit(self, gray: np.ndarray) -> list[Decoded]:
        for variant in self._fallbacks:
            found = variant.decode(gray)
            if found:
                logger.debug("Fallback %s read %s code(s)", variant.name, len(found))
                return found
        return []

    def _all_fallbacks(
        self, gray: np.ndarray, variants: Sequence[Variant] | None = None
    ) -> list[Decoded]:
        merged: list[Decoded] = []
        for variant in self._fallbacks if variants is None else variants:
            merged = self._merge(merged, variant.decode(gray))
        return merged

    @staticmethod
    def _merge(known: list[Decoded], new: list[Decoded]) -> list[Decoded]:
        merged = list(known)
        for item in new:
            if not any(_same_place(item, seen) for seen in merged):
                merged.append(item)
        return merged


def _same_place(first: Decoded, second: Decoded) -> bool:
    """Tell whether two results come from the same spot of the image.

    Two results at one place are one code seen twice; if their texts
    differ, one of them is a misread, and the later (slower, less trusted)
    one is dropped. Without positions, equal texts count as one code.
    """
    if first.corners is None or second.corners is None:
        return first.text == second.text

    return _inside(first.corners, second.corners) or _inside(
        second.corners, first.corners
    )


def _inside(inner: Corners, outer: Corners) -> bool:
    """Tell whether the centre of one quadrilateral is in another's box."""
    centre_x = sum(x for x, _ in inner) / len(inner)
    centre_y = sum(y for _, y in inner) / len(inner)
    xs = [x for x, _ in outer]
    ys = [y for _, y in outer]
    return min(xs) <= centre_x <= max(xs) and min(ys) <= centre_y <= max(ys)


def _default_fallbacks(*, live: bool) -> list[Variant]:
    """The second opinions, in the order measured to pay off best.

    Args:
        live: Build the short list for camera frames.

    Returns:
        The variants.
    """
    # Imported here: the second opinions build on this module's types.
    from desktop.scanner.second_opinions import (  # noqa: PLC0415
        OpenCvDecoder,
        PyzbarDecoder,
    )

    zxing = ZxingDecoder(try_invert=not live)
    global_histogram = ZxingDecoder(binarizer=zxingcpp.Binarizer.GlobalHistogram)
    variants = [
        Variant("small-histogram", global_histogram, fit_within(512)),
        Variant("clahe", zxing, equalise(2048)),
        Variant("brighter", zxing, gamma_curve(0.5)),
        Variant("darker", zxing, gamma_curve(2.0)),
        Variant("upscaled", zxing, upscale_small(800)),
    ]
    if live:
        variants.append(Variant("inverted", zxing, invert()))

    try:
        variants.append(Variant("smooth", PyzbarDecoder(), smooth(512)))
    except DecoderUnavailableError as error:
        logger.warning("Decoding without the zbar second opinion: %s", error)

    if not live:
        variants.append(Variant("small", OpenCvDecoder(), fit_within(1280)))
    return variants
