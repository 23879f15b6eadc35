"""What the sub-commands share: the database, the keys, the acting operator."""

from __future__ import annotations

import argparse
import logging
import socket

from desktop import paths
from desktop.services.auth import Actor, Role
from desktop.services.db import Database, open_database
from desktop.services.keys import Keyring, load_keyring

log = logging.getLogger(__name__)

EXIT_OK, EXIT_NO, EXIT_USAGE = 0, 1, 2

FILE_SOURCE_FPS = 10.0


class CommandError(Exception):
    """A command cannot run as asked; the message says why."""


def database_url(args: argparse.Namespace, demo: bool = False) -> str:
    return getattr(args, "db", None) or paths.default_database_url(demo=demo)


def command_database(args: argparse.Namespace, *, create: bool = False) -> Database:
    """The database of the command line.

    A SQLite file named with ``--db`` must already exist (a typing mistake
    must not become a new, empty school that refuses every student), except
    for ``demo``, which fills a new one. The default file is created on
    first use.
    """
    explicit = getattr(args, "db", None) is not None
    return open_database(database_url(args), must_exist=explicit and not create)


def database_and_keys(
    args: argparse.Namespace, *, create: bool = False
) -> tuple[Database, Keyring]:
    return command_database(args, create=create), load_keyring(paths.keys_dir())


def cli_actor(role: Role = Role.SCHOOL_ADMIN, gate: str | None = None) -> Actor:
    host = socket.gethostname()
    return Actor(
        operator_id=None,
        login="cli",
        display_name="command line",
        role=role,
        workstation=f"{host}/{gate}" if gate else host,
    )
