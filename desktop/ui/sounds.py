"""A distinct, mutable sound per gate verdict.

PySide6-Essentials has no QtMultimedia, so the WAV files made by
``tools/make_sounds.py`` are played by the desktop's own command-line
player (``paplay`` or ``aplay``), started and never waited for. Without a
player the system beep stands in. The player is injectable, so tests can
check which sound was asked for without hearing anything.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import shutil
import subprocess
from importlib import resources as importlib_resources
from pathlib import Path
from typing import Protocol

from PySide6.QtWidgets import QApplication

from desktop.services.verdict import Verdict

log = logging.getLogger(__name__)

SOUND_FOR_VERDICT = {
    Verdict.ADMIT: "admit",
    Verdict.ALREADY: "warn",
    Verdict.NOT_YET: "warn",
    Verdict.REFUSE: "refuse",
}
_PLAYERS = ("paplay", "aplay")
_files = contextlib.ExitStack()
atexit.register(_files.close)


class SoundPlayer(Protocol):
    """Plays a named sound (admit, warn, refuse) without blocking."""

    def play(self, name: str) -> None:
        """Start playing ``name`` and return at once."""
        ...


def sound_path(name: str) -> Path:
    """A file-system path of ``resources/sounds/<name>.wav``."""
    node = importlib_resources.files("desktop_resources") / "sounds" / f"{name}.wav"
    return _files.enter_context(importlib_resources.as_file(node))


class CommandSoundPlayer:
    """Plays WAV files with ``paplay``/``aplay``, or beeps without one.

    Args:
        command: the player's path; found on ``PATH`` when omitted.
    """

    def __init__(self, command: str | None = None) -> None:
        self._command = command or _find_player()
        self._running: list[subprocess.Popen[bytes]] = []
        self._paths: dict[str, Path] = {}
        log.info("sound player: %s", self._command or "system beep")

    def play(self, name: str) -> None:
        """Start the sound; never waits for the player to finish."""
        self._running = [p for p in self._running if p.poll() is None]
        if self._command is None:
            QApplication.beep()
            return
        if name not in self._paths:
            self._paths[name] = sound_path(name)
        try:
            process = subprocess.Popen(
                [self._command, str(self._paths[name])],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        except OSError as exc:
            log.warning("cannot start %s (%s); beeping instead", self._command, exc)
            self._command = None
            QApplication.beep()
            return
        self._running.append(process)


def _find_player() -> str | None:
    for candidate in _PLAYERS:
        found = shutil.which(candidate)
        if found:
            return found
    return None


class RecordingSoundPlayer:
    """Remembers the sounds asked for instead of playing them (tests).

    Attributes:
        played: the names asked for, in order.
    """

    def __init__(self) -> None:
        self.played: list[str] = []

    def play(self, name: str) -> None:
        """Record ``name``."""
        self.played.append(name)


class VerdictSounds:
    """Chooses the sound of a verdict and honours the mute switch.

    Attributes:
        muted: when true, nothing is played.
    """

    def __init__(self, player: SoundPlayer, *, muted: bool = False) -> None:
        self._player = player
        self.muted = muted

    def play_for(self, verdict: Verdict) -> None:
        """Play the verdict's sound unless muted."""
        if self.muted:
            return
        self._player.play(SOUND_FOR_VERDICT[verdict])
