"""Time without a key: quiet, then a visible warning that counts down, then expired.

The clock is a parameter (``time.monotonic`` in use; tests pass one they move by hand), so no
test waits in real time and the wall clock can jump without clearing anything early.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

Monotonic = Callable[[], float]


@dataclass(frozen=True, slots=True)
class Quiet:
    """Within the idle time: nothing to show."""


@dataclass(frozen=True, slots=True)
class Countdown:
    """Past the idle time: the screen warns and counts down ``seconds_left``."""

    seconds_left: int


@dataclass(frozen=True, slots=True)
class Expired:
    """The warning ran out: clear what was typed."""


IdlePhase = Quiet | Countdown | Expired


@dataclass(frozen=True, slots=True)
class IdleLimits:
    """``idle`` seconds without a key, then a warning of ``warning`` seconds (at least 20: a person
    needs that long to notice and answer a warning)."""

    idle: float
    warning: float = 20.0


class IdleWatch:
    """When the last key was pressed, and what that means under given limits."""

    def __init__(self, now: Monotonic = time.monotonic) -> None:
        self.now = now
        self.since = now()

    def touch(self) -> None:
        """A key (or anything a person did): the quiet time starts again."""
        self.since = self.now()

    def phase(self, limits: IdleLimits) -> IdlePhase:
        quiet = self.now() - self.since
        if quiet < limits.idle:
            return Quiet()
        left = limits.idle + limits.warning - quiet
        if left <= 0:
            return Expired()
        return Countdown(math.ceil(left))
