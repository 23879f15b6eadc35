"""The second opinions: pyzbar (zbar) and OpenCV's QR detector.

Both are asked only when zxing-cpp found nothing (see ``DecodePipeline``).
Each reads the raw bytes of a code and keeps them only as valid UTF-8, so a
Shift_JIS or Latin-1 payload is never turned into a misread.
"""

from __future__ import annotations

import ctypes
import logging
from typing import Any

import cv2
import numpy as np

from desktop.scanner.decoders import (
    Corners,
    Decoded,
    DecoderUnavailableError,
    corners_from,
    is_clean_text,
)

logger = logging.getLogger(__name__)


class PyzbarDecoder:
    """zbar, through the ctypes bindings that ship with pyzbar.

    zbar is asked for the raw bytes of each code (its ``binary`` option)
    and they are accepted only when they are valid UTF-8. zbar's own
    character-set guessing turns Shift_JIS half-width katakana into Chinese
    characters, which would be a misread; raw bytes plus strict UTF-8 turn it
    into no result instead. Our own codes are always UTF-8 (or digits).

    Attributes:
        name: ``"zbar"``.
    """

    name = "zbar"

    _GREY_FOURCC = int.from_bytes(b"Y800", "little")

    def __init__(self) -> None:
        """Load libzbar and configure a QR-only scanner.

        Raises:
            DecoderUnavailableError: If the zbar shared library is missing.
        """
        self._zbar = _load_zbar()
        self._scanner = self._zbar.zbar_image_scanner_create()
        self._configure_scanner()

    def __del__(self) -> None:
        scanner = getattr(self, "_scanner", None)
        if scanner is not None:
            self._zbar.zbar_image_scanner_destroy(scanner)
            self._scanner = None

    def decode(self, gray: np.ndarray) -> list[Decoded]:
        """Read every QR code in the image.

        Args:
            gray: A 2-D uint8 array.

        Returns:
            The codes whose bytes are valid UTF-8.
        """
        pixels = np.ascontiguousarray(gray, dtype=np.uint8)
        height, width = pixels.shape
        zbar = self._zbar
        image = zbar.zbar_image_create()
        try:
            zbar.zbar_image_set_format(image, self._GREY_FOURCC)
            zbar.zbar_image_set_size(image, width, height)
            buffer = pixels.ctypes.data_as(ctypes.c_void_p)
            zbar.zbar_image_set_data(image, buffer, pixels.size, None)
            found = zbar.zbar_scan_image(self._scanner, image)
            return self._collect(image) if found > 0 else []
        finally:
            zbar.zbar_image_destroy(image)

    def _configure_scanner(self) -> None:
        zbar = self._zbar
        all_symbols, qrcode = 0, int(zbar.ZBarSymbol.QRCODE)
        enable = int(zbar.ZBarConfig.CFG_ENABLE)
        zbar.zbar_image_scanner_set_config(self._scanner, all_symbols, enable, 0)
        zbar.zbar_image_scanner_set_config(self._scanner, qrcode, enable, 1)

        symbol, config, value = ctypes.c_int(), ctypes.c_int(), ctypes.c_int()
        failed = zbar.zbar_parse_config(
            b"qrcode.binary=1",
            ctypes.byref(symbol),
            ctypes.byref(config),
            ctypes.byref(value),
        )
        if failed:
            raise DecoderUnavailableError(
                "this libzbar is too old to return raw QR bytes (need 0.23+)"
            )
        zbar.zbar_image_scanner_set_config(
            self._scanner, symbol.value, config.value, value.value
        )

    def _collect(self, image: Any) -> list[Decoded]:
        zbar = self._zbar
        decoded = []
        symbol = zbar.zbar_image_first_symbol(image)
        while symbol:
            length = zbar.zbar_symbol_get_data_length(symbol)
            raw = ctypes.string_at(zbar.zbar_symbol_get_data(symbol), length)
            text = _utf8_or_none(raw)
            if text is not None:
                decoded.append(Decoded(text, self.name, self._corners(symbol)))
            symbol = zbar.zbar_symbol_next(symbol)
        return decoded

    def _corners(self, symbol: Any) -> Corners:
        zbar = self._zbar
        count = zbar.zbar_symbol_get_loc_size(symbol)
        return tuple(
            (
                float(zbar.zbar_symbol_get_loc_x(symbol, index)),
                float(zbar.zbar_symbol_get_loc_y(symbol, index)),
            )
            for index in range(count)
        )


def _utf8_or_none(raw: bytes) -> str | None:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        logger.debug("Ignoring a zbar result that is not UTF-8 (%s bytes)", len(raw))
        return None
    return text if is_clean_text(text) else None


def _load_zbar() -> Any:
    """Import pyzbar's ctypes wrapper, which loads libzbar.

    Returns:
        The ``pyzbar.wrapper`` module.

    Raises:
        DecoderUnavailableError: If pyzbar or libzbar is missing.
    """
    try:
        from pyzbar import wrapper
    except ImportError as error:
        raise DecoderUnavailableError(
            "the zbar decoder needs the libzbar0 system package "
            "(sudo apt-get install --no-install-recommends libzbar0) "
            f"and the pyzbar Python package: {error}"
        ) from error
    return wrapper


class OpenCvDecoder:
    """OpenCV's QR detector, a third opinion with a different detector.

    The classic ``QRCodeDetector`` is used: on our corpus it recovers more
    of zxing-cpp's misses than ``QRCodeDetectorAruco`` and is faster.
    OpenCV hands the payload to Python as UTF-8; a code whose bytes are not
    UTF-8 makes the binding raise, and such a frame yields nothing.

    Attributes:
        name: ``"opencv"``.
    """

    name = "opencv"

    def __init__(self, *, aruco: bool = False) -> None:
        """Create the detector.

        Args:
            aruco: Use ``QRCodeDetectorAruco`` instead of the classic one.
        """
        self._detector: Any = (
            cv2.QRCodeDetectorAruco() if aruco else cv2.QRCodeDetector()
        )

    def decode(self, gray: np.ndarray) -> list[Decoded]:
        """Read every QR code in the image.

        Args:
            gray: A 2-D uint8 array.

        Returns:
            The codes read.
        """
        try:
            found, texts, points, _ = self._detector.detectAndDecodeMulti(gray)
        except UnicodeDecodeError:
            logger.debug("Ignoring an OpenCV result that is not UTF-8")
            return []
        except cv2.error as error:
            logger.debug("OpenCV QR detector failed: %s", error)
            return []

        if not found:
            return []
        decoded = []
        for text, corners in zip(texts, points, strict=True):
            repaired = _undo_latin1(text)
            if repaired is not None and is_clean_text(repaired):
                decoded.append(Decoded(repaired, self.name, corners_from(corners)))
        return decoded


def _undo_latin1(text: str) -> str | None:
    """Recover the bytes OpenCV read as ISO-8859-1 and insist on UTF-8.

    OpenCV turns the bytes of a code without an ECI marker into text one
    byte per character. Shift_JIS bytes thus become plausible Latin text, a
    misread. If every character fits in one byte, the bytes are recovered
    and decoded as strict UTF-8; otherwise OpenCV already decoded the text.

    Args:
        text: OpenCV's text.

    Returns:
        The text, or None when its bytes are not UTF-8.
    """
    try:
        raw = text.encode("latin-1")
    except UnicodeEncodeError:
        return text
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        logger.debug("Ignoring an OpenCV result that is not UTF-8")
        return None
