"""The demo passwords: one owner-only file per demo database."""

from __future__ import annotations

import stat
from pathlib import Path

from desktop import paths
from desktop.services.auth import Role
from desktop.services.demo_accounts import keep_passwords, password_file, password_lines

PASSWORDS = {
    "gate": (Role.GATE_STAFF, "s3cret-1"),
    "admin": (Role.SCHOOL_ADMIN, "s3cret-2"),
}


def test_default_demo_keeps_the_readme_name() -> None:
    path = keep_passwords(PASSWORDS, paths.default_database_url(demo=True))

    assert path == paths.home() / "demo-passwords.txt"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text(encoding="utf-8").splitlines() == [
        "gate\tgate_staff\ts3cret-1",
        "admin\tschool_admin\ts3cret-2",
    ]


def test_another_database_does_not_overwrite_the_first(tmp_path: Path) -> None:
    first = keep_passwords(PASSWORDS, paths.default_database_url(demo=True))
    other_url = f"sqlite:///{tmp_path / 'a.sqlite3'}"

    second = keep_passwords({"gate": (Role.GATE_STAFF, "other")}, other_url)

    assert second != first and second == password_file(other_url)
    assert "s3cret-1" in first.read_text(encoding="utf-8")
    assert "a-" in second.name


def test_existing_file_is_made_owner_only(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'b.sqlite3'}"
    path = password_file(url)
    path.write_text("old", encoding="utf-8")
    path.chmod(0o644)

    keep_passwords(PASSWORDS, url)

    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_printed_lines_name_the_roles_in_chinese() -> None:
    text = password_lines(PASSWORDS)

    assert "门岗人员" in text and "s3cret-2" in text
