"""RepeatFilter: one scan per code held in view."""

from __future__ import annotations

import pytest

from desktop.scanner.repeat import RepeatFilter


def test_first_sighting_is_accepted() -> None:
    assert RepeatFilter().accept("A", now=10.0)


def test_repeat_within_window_is_rejected() -> None:
    repeat_filter = RepeatFilter(window_seconds=3.0)
    repeat_filter.accept("A", now=10.0)

    assert not repeat_filter.accept("A", now=12.9)


def test_window_runs_from_the_last_sighting() -> None:
    repeat_filter = RepeatFilter(window_seconds=3.0)

    held = [repeat_filter.accept("A", now=10.0 + step) for step in range(10)]

    assert held == [True] + [False] * 9
    assert repeat_filter.accept("A", now=19.0 + 3.5)


def test_different_text_is_accepted() -> None:
    repeat_filter = RepeatFilter()
    repeat_filter.accept("A", now=1.0)

    assert repeat_filter.accept("B", now=1.1)
    assert not repeat_filter.accept("A", now=1.2)


def test_reset_forgets() -> None:
    repeat_filter = RepeatFilter()
    repeat_filter.accept("A", now=1.0)

    repeat_filter.reset()

    assert repeat_filter.accept("A", now=1.1)


def test_negative_window_is_refused() -> None:
    with pytest.raises(ValueError):
        RepeatFilter(window_seconds=-1)
