"""Clocks. Rules and flows take one of these; only ``SystemClock`` reads the wall clock.

Every clock returns an aware datetime. Japan time is ``JST`` (Asia/Tokyo from ``zoneinfo``, backed
by ``tzdata``), whatever zone the laptop is set to.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

JST = ZoneInfo("Asia/Tokyo")


class Clock(Protocol):
    """Something that tells the time. ``training`` is True for a clock a trainer set by hand."""

    training: bool

    def now(self) -> datetime: ...


class SystemClock:
    """The machine's clock (UTC, aware)."""

    training = False

    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that moves only when told to (tests)."""

    training = False

    def __init__(self, at: datetime) -> None:
        self._at = _aware(at)

    def now(self) -> datetime:
        return self._at

    def set(self, at: datetime) -> None:
        self._at = _aware(at)

    def advance(self, delta: timedelta) -> None:
        self._at += delta


class TrainingClock:
    """A clock that starts at a chosen moment and then runs at the real pace (``--at``).

    Only a service in training mode accepts it, and a UI that uses it shows a banner.
    """

    training = True

    def __init__(self, at: datetime, base: Clock | None = None) -> None:
        self._base = base or SystemClock()
        self._offset = _aware(at) - self._base.now()

    def now(self) -> datetime:
        return self._base.now() + self._offset


def _aware(at: datetime) -> datetime:
    if at.tzinfo is None:
        raise ValueError("a clock needs an aware datetime (give a time zone, e.g. +09:00)")
    return at


def parse_moment(text: str) -> datetime:
    """``--at`` values: ISO 8601; without an offset the time is read as Japan time."""
    at = datetime.fromisoformat(text)
    return at if at.tzinfo is not None else at.replace(tzinfo=JST)
