"""Open the console's database and bring its schema up to date."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from importlib import resources as importlib_resources
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from desktop.models.engine import make_engine, session_factory

log = logging.getLogger(__name__)


class DatabaseUnavailable(Exception):
    """The database cannot be opened or migrated; the message says why."""


@dataclass(frozen=True)
class Database:
    """An open database: the engine and the factory of its sessions."""

    url: str
    engine: Engine
    sessions: sessionmaker[Session]

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


def _sqlite_file(url: str, *, must_exist: bool) -> None:
    try:
        parsed = make_url(url)
    except ArgumentError as error:
        raise DatabaseUnavailable(f"not a database URL: {url!r}") from error
    if parsed.get_backend_name() != "sqlite" or parsed.database in (
        None,
        "",
        ":memory:",
    ):
        return
    path = Path(parsed.database).expanduser()
    if must_exist and not path.exists():
        raise DatabaseUnavailable(
            f"database file does not exist: {path} (check --db; `demo` creates one)"
        )
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DatabaseUnavailable(
            f"cannot create the folder of database {url}: {error.strerror}"
        ) from error


def alembic_config() -> Config:
    """The Alembic configuration of the packaged migrations."""
    config = Config()
    location = importlib_resources.files("desktop.migrations")
    config.set_main_option("script_location", str(location))
    return config


def upgrade(engine: Engine) -> None:
    """Apply every migration the database has not seen yet."""
    config = alembic_config()
    script = ScriptDirectory.from_config(config)
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    if current == script.get_current_head():
        return
    log.info("migrating database from %s to %s", current, script.get_current_head())
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def open_database(
    url: str, *, migrate: bool = True, must_exist: bool = False
) -> Database:
    """Connect to ``url`` and, unless told not to, run the migrations.

    With ``must_exist`` a SQLite file that is not there is an error instead
    of a new, empty database.

    Raises:
        DatabaseUnavailable: the server does not answer, the file cannot be
            created, or the schema cannot be brought up to date.
    """
    _sqlite_file(url, must_exist=must_exist)
    try:
        engine = make_engine(url)
    except (ArgumentError, ImportError) as error:
        raise DatabaseUnavailable(f"cannot use database {url!r}: {error}") from error
    if migrate:
        try:
            upgrade(engine)
        except SQLAlchemyError as error:
            engine.dispose()
            shown = engine.url.render_as_string(hide_password=True)
            reason = str(getattr(error, "orig", None) or error).splitlines()[0]
            raise DatabaseUnavailable(
                f"cannot open database {shown}: {reason}"
            ) from error
    return Database(url=url, engine=engine, sessions=session_factory(engine))
