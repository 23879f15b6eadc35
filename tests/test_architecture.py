"""Layering rules of DESIGN section 3, checked on the source itself."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "desktop"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("layer", ["models", "services", "scanner"])
def test_layer_imports_no_qt(layer: str) -> None:
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in sorted((PACKAGE / layer).rglob("*.py"))
        if any(name.split(".")[0] == "PySide6" for name in imported_modules(path))
    ]

    assert offenders == []


@pytest.mark.parametrize(
    ("layer", "forbidden"),
    [
        ("models", ("desktop.services", "desktop.ui", "desktop.scanner")),
        ("services", ("desktop.ui", "desktop.scanner", "desktop.cli")),
        ("scanner", ("desktop.ui", "desktop.services", "desktop.models")),
    ],
)
def test_layer_arrows(layer: str, forbidden: tuple[str, ...]) -> None:
    offenders = [
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in sorted((PACKAGE / layer).rglob("*.py"))
        for name in imported_modules(path)
        if name.startswith(forbidden)
    ]

    assert offenders == []


def test_no_service_reads_the_wall_clock() -> None:
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in sorted((PACKAGE / "services").rglob("*.py"))
        if "datetime.now(" in path.read_text(encoding="utf-8")
    ]

    assert offenders == []
