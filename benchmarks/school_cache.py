"""A cached demo school of a given size, so benchmarks build it only once.

Building 100,000 students takes a couple of minutes; the SQLite file is kept
in the system's temporary folder keyed by size and the code's schema head,
and copied for each run so a benchmark never measures a warmed-up file it
has already written to.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

from alembic.script import ScriptDirectory

from desktop.clock import SystemClock
from desktop.services.db import alembic_config, open_database
from desktop.services.demo import build_demo
from desktop.services.keys import load_keyring

CLASS_SIZE = 50


def _cache_folder(students: int) -> Path:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    name = f"campus-bench-{students}-by-{CLASS_SIZE}-{head}"
    return Path(tempfile.gettempdir()) / name


def school_copy(
    students: int, into: Path, *, rebuild: bool = False
) -> tuple[str, Path]:
    """A fresh copy of the cached school: (database URL, keys folder).

    The school has classes of about ``CLASS_SIZE`` students, as real ones do.
    """
    cache = _cache_folder(students)
    database = cache / "school.sqlite3"
    if rebuild:
        database.unlink(missing_ok=True)
    if not database.exists():
        cache.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        print(f"building a demo school of {students:,} students (cached) …", flush=True)
        partial = cache / "building.sqlite3"
        partial.unlink(missing_ok=True)
        db = open_database(f"sqlite:///{partial}")
        with db.sessions() as session, session.begin():
            build_demo(
                session, SystemClock(), load_keyring(cache / "keys"), students=students
            )
        db.dispose()
        partial.replace(database)
        print(f"built in {time.perf_counter() - started:.0f} s", flush=True)
    target = into / "school.sqlite3"
    shutil.copyfile(database, target)
    return f"sqlite:///{target}", cache / "keys"
