"""What every window of one console session shares, as plain data."""

from __future__ import annotations

from dataclasses import dataclass

from desktop.clock import Clock
from desktop.services.db import Database
from desktop.services.keys import Keyring


@dataclass(frozen=True)
class ConsoleContext:
    """The open database, keys, clock and this workstation's identity.

    Attributes:
        db: the open database.
        keyring: the keys that verify passes.
        clock: the console's clock.
        gate: the name of the gate this workstation guards.
        workstation: written into audit rows and scans.
        demo: whether this is the demo database.
    """

    db: Database
    keyring: Keyring
    clock: Clock
    gate: str
    workstation: str
    demo: bool = False
