"""Shared fixtures: a headless Qt, a private home folder, databases, keys.

Database tests take the ``db_url`` fixture, which is SQLite always and
PostgreSQL too when ``CAMPUS_CONSOLE_TEST_PG`` holds a server URL (each test
gets a schema of its own there, dropped afterwards).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

from desktop.clock import BEIJING, FixedClock  # noqa: E402
from desktop.services.db import Database, open_database  # noqa: E402
from desktop.services.keys import Keyring, load_keyring  # noqa: E402
from tests.helpers import Factory  # noqa: E402

PG_ENV = "CAMPUS_CONSOLE_TEST_PG"


@pytest.fixture(autouse=True)
def private_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own console home (keys, default database)."""
    home = tmp_path / "home"
    monkeypatch.setenv("CAMPUS_CONSOLE_HOME", str(home))
    monkeypatch.delenv("CAMPUS_CONSOLE_DB", raising=False)
    monkeypatch.delenv("CAMPUS_CONSOLE_LANG", raising=False)
    return home


def _pg_schema_url(base: str, schema: str) -> str:
    joiner = "&" if "?" in base else "?"
    return f"{base}{joiner}options=-csearch_path%3D{schema}"


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param("postgresql", marks=pytest.mark.postgres),
    ]
)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database URL on each engine under test."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.sqlite3'}"
        return

    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"PostgreSQL tests need {PG_ENV} (a server URL); it is not set")
    schema = f"t_{secrets.token_hex(6)}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield _pg_schema_url(base, schema)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    """The migrated database behind ``db_url``."""
    database = open_database(db_url)
    yield database
    database.dispose()


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Iterator[Database]:
    """A migrated SQLite database, for tests that need only one engine."""
    database = open_database(f"sqlite:///{tmp_path / 'one.sqlite3'}")
    yield database
    database.dispose()


@pytest.fixture
def keyring(tmp_path: Path) -> Keyring:
    """A fresh signing key."""
    return load_keyring(tmp_path / "keys")


@pytest.fixture
def clock() -> FixedClock:
    """Ten in the morning, 20 March 2020, Beijing."""
    return FixedClock(datetime(2020, 3, 20, 10, 0, tzinfo=BEIJING))


@pytest.fixture
def factory(db: Database, clock: FixedClock, keyring: Keyring) -> Factory:
    """Builds schools, students, registrations, approvals and passes."""
    return Factory(db, clock, keyring)
