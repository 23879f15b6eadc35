"""Where the console keeps its files: database, keys, demo output.

Everything lives below one home folder: the user's data directory by
default, or ``CAMPUS_CONSOLE_HOME`` (used by the tests and by several
workstations that share nothing but the database).
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "campus-console"


def home() -> Path:
    """The console's folder, created on first use (owner-only)."""
    override = os.environ.get("CAMPUS_CONSOLE_HOME")
    folder = Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME))
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def default_database_url(demo: bool = False) -> str:
    """The database to use when neither ``--db`` nor the environment names one."""
    env = os.environ.get("CAMPUS_CONSOLE_DB")
    if env and not demo:
        return env
    name = "demo.sqlite3" if demo else "console.sqlite3"
    return f"sqlite:///{home() / name}"


def keys_dir() -> Path:
    """The folder with the signing keys (outside the database)."""
    folder = home() / "keys"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder
