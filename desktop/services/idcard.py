"""Document numbers: the GB 11643 check digit and passport formats."""

from __future__ import annotations

import re
import unicodedata

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_ID_SHAPE = re.compile(r"^\d{17}[\dX]$")


def normalise_id_number(text: str) -> str:
    """Full-width characters to ASCII, spaces dropped, x to X."""
    return unicodedata.normalize("NFKC", text).replace(" ", "").strip().upper()


def check_digit(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def is_valid_id_number(number: str) -> bool:
    """Whether ``number`` (normalised) has the shape and check digit of GB 11643."""
    if not _ID_SHAPE.match(number):
        return False
    return check_digit(number[:17]) == number[17]
