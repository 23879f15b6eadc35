"""The migrations build exactly the schema the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from desktop.models import Base
from desktop.services.db import open_database, upgrade


def test_migrated_schema_matches_models(db) -> None:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)

    assert differences == []


def test_upgrade_is_idempotent(db) -> None:
    upgrade(db.engine)

    assert set(Base.metadata.tables) <= set(inspect(db.engine).get_table_names())


def test_sqlite_is_tuned_for_durability(tmp_path) -> None:
    database = open_database(f"sqlite:///{tmp_path / 'tuned.sqlite3'}")
    with database.engine.connect() as connection:
        pragmas = {
            name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
        }
    database.dispose()

    assert pragmas == {
        "journal_mode": "wal",
        "synchronous": 2,
        "foreign_keys": 1,
        "busy_timeout": 15000,
    }
