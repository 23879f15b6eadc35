"""Suppress repeated reads of the code that is still in front of the camera."""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)


class RepeatFilter:
    """Accept a text once, then reject it while it keeps being seen.

    The window is measured from the *last* sighting, so a code held in front
    of the camera for a minute is one scan; it is accepted again only after
    it has been out of view for ``window_seconds``. Time is passed in by the
    caller, which keeps the filter deterministic in tests.

    Attributes:
        window_seconds: How long a text stays "just seen".
    """

    def __init__(self, window_seconds: float = 3.0) -> None:
        """Create an empty filter.

        Args:
            window_seconds: How long a text stays "just seen".

        Raises:
            ValueError: If the window is negative.
        """
        if window_seconds < 0:
            raise ValueError("window_seconds must not be negative")
        self.window_seconds = window_seconds
        self._last_seen: dict[str, float] = {}

    def accept(self, text: str, now: float) -> bool:
        """Record a sighting and say whether it is a new scan.

        Args:
            text: The decoded text.
            now: The current time in seconds on a monotonic clock.

        Returns:
            True for a new scan, False for a repeat within the window.
        """
        self._forget_older_than(now)
        previous = self._last_seen.get(text)
        self._last_seen[text] = now
        if previous is not None and now - previous <= self.window_seconds:
            logger.debug("Repeat of a code seen %.2f s ago", now - previous)
            return False
        return True

    def reset(self) -> None:
        """Forget every sighting."""
        self._last_seen.clear()

    def _forget_older_than(self, now: float) -> None:
        stale = [
            text
            for text, seen in self._last_seen.items()
            if now - seen > self.window_seconds
        ]
        for text in stale:
            del self._last_seen[text]
