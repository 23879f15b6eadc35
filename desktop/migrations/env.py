"""Alembic environment: migrates the connection handed in by the console."""

from __future__ import annotations

from alembic import context

from desktop.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations() -> None:
    """Run against ``config.attributes['connection']`` (see services.db)."""
    connection = config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("migrations are run through desktop.services.db")
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
