"""The demo operators' passwords: shown once, kept owner-only.

Each demo database has its own password file in the console's folder, so a
second demo never overwrites the passwords of the first. The file is not a
log: it is readable by its owner only and holds nothing else.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from sqlalchemy import make_url

from desktop import paths
from desktop.i18n import _
from desktop.services.auth import ROLE_LABELS, Role

Passwords = dict[str, tuple[Role, str]]


def password_file(url: str) -> Path:
    """Where the demo passwords of the database at ``url`` are kept."""
    if url == paths.default_database_url(demo=True):
        return paths.home() / "demo-passwords.txt"
    name = make_url(url).database or "database"
    stem = re.sub(r"[^\w.-]+", "_", Path(name).stem)[:40]
    digest = hashlib.sha256(url.encode()).hexdigest()[:8]
    return paths.home() / f"demo-passwords-{stem}-{digest}.txt"


def keep_passwords(passwords: Passwords, url: str) -> Path:
    """Write ``login, role, password`` lines (tab-separated), mode 0600."""
    path = password_file(url)
    lines = [
        f"{login}\t{role.value}\t{word}" for login, (role, word) in passwords.items()
    ]
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    os.chmod(path, 0o600)  # an existing file keeps its old mode otherwise
    return path


def password_lines(passwords: Passwords) -> str:
    """The demo logins and passwords, as printed once on the terminal."""
    lines = [_("演示账号（仅显示一次）：")]
    for login, (role, word) in passwords.items():
        lines.append(f"  {login:<8} {word:<16} {_(ROLE_LABELS[role])}")
    return "\n".join(lines) + "\n"
