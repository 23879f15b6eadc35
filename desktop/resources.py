"""One helper to reach the files under ``resources/``.

The folder sits at the top of the repository and is installed as the
``desktop_resources`` package (see pyproject.toml), so the same names work
from a checkout, an editable install and a wheel.
"""

from __future__ import annotations

import csv
from importlib import resources as _importlib_resources
from importlib.resources.abc import Traversable

PACKAGE = "desktop_resources"


def _root() -> Traversable:
    return _importlib_resources.files(PACKAGE)


def _join(name: str) -> Traversable:
    node = _root()
    for part in name.split("/"):
        if part in ("", ".", ".."):
            raise ValueError(f"bad resource name: {name!r}")
        node = node / part
    return node


def exists(name: str) -> bool:
    """Whether ``name`` (a path below resources/, with '/') is shipped."""
    return _join(name).is_file()


def read_text(name: str) -> str:
    """The UTF-8 text of resource ``name``."""
    return _join(name).read_text(encoding="utf-8")


def read_bytes(name: str) -> bytes:
    """The bytes of resource ``name``."""
    return _join(name).read_bytes()


def read_csv(name: str) -> list[dict[str, str]]:
    """The rows of a UTF-8 CSV resource with one header row."""
    return list(csv.DictReader(read_text(name).splitlines()))
