"""Generate the gate's three verdict sounds as small WAV files.

Run ``python tools/make_sounds.py`` to rewrite ``resources/sounds/``:

- ``admit.wav``: two short rising notes (a friendly "ding-dong" upwards);
- ``warn.wav``: two equal middle notes (already checked in / not yet);
- ``refuse.wav``: three low, rough buzzes.

Mono, 16-bit, 8 kHz: a few kilobytes each, and distinct enough to tell
apart without looking at the screen.
"""

from __future__ import annotations

import argparse
import wave
from pathlib import Path

import numpy as np

RATE = 8000
TARGET = Path(__file__).resolve().parent.parent / "resources" / "sounds"


def _note(freq: float, seconds: float, *, square: bool = False) -> np.ndarray:
    t = np.arange(int(RATE * seconds)) / RATE
    wave_form = np.sin(2 * np.pi * freq * t)
    if square:
        # A softened square wave: harsh, but not painful.
        wave_form = np.tanh(4 * wave_form)
    fade = min(len(t) // 8, int(RATE * 0.01))
    envelope = np.ones_like(t)
    envelope[:fade] = np.linspace(0, 1, fade)
    envelope[-fade:] = np.linspace(1, 0, fade)
    return wave_form * envelope


def _silence(seconds: float) -> np.ndarray:
    return np.zeros(int(RATE * seconds))


def admit() -> np.ndarray:
    """Rising C6 → G6."""
    return np.concatenate([_note(1047, 0.12), _silence(0.03), _note(1568, 0.18)])


def warn() -> np.ndarray:
    """Two equal A5 notes."""
    return np.concatenate([_note(880, 0.14), _silence(0.08), _note(880, 0.14)])


def refuse() -> np.ndarray:
    """Three low buzzes."""
    parts = []
    for _ in range(3):
        parts += [_note(220, 0.11, square=True), _silence(0.05)]
    return np.concatenate(parts)


def write_wav(path: Path, samples: np.ndarray, volume: float = 0.6) -> None:
    """Write ``samples`` (floats in [-1, 1]) as 16-bit mono PCM."""
    pcm = np.clip(samples * volume, -1, 1)
    data = (pcm * 32767).astype("<i2").tobytes()
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=TARGET)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for name, make in (("admit", admit), ("warn", warn), ("refuse", refuse)):
        path = args.out / f"{name}.wav"
        write_wav(path, make())
        print(f"{path}: {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
