"""Rate limits: token buckets per key (a client address, a terminal), in this process's memory.

Each service process counts for itself, so N processes allow up to N times the rate; that bounds
load and guessing without a database write per request. A full bucket is forgotten, so the table
holds only keys that were busy lately.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

_FORGET_ABOVE = 10_000  # keys held before full buckets are dropped


@dataclass(frozen=True, slots=True)
class Limit:
    per_minute: int  # the sustained rate; 0 turns the limit off
    burst: int  # how many at once after a quiet spell

    @property
    def off(self) -> bool:
        return self.per_minute <= 0


class RateLimiter:
    def __init__(self, limit: Limit, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.limit, self._monotonic = limit, monotonic
        self._buckets: dict[object, tuple[float, float]] = {}  # key -> (tokens, at)
        self._lock = threading.Lock()

    def take(self, key: object) -> float:
        """Spend one token for ``key``: 0.0 if allowed, else the seconds until one is free."""
        if self.limit.off:
            return 0.0
        with self._lock:
            tokens = self._tokens(key)
            if tokens >= 1:
                self._buckets[key] = (tokens - 1, self._monotonic())
                return 0.0
            return (1 - tokens) * 60 / self.limit.per_minute

    def wait(self, key: object) -> float:
        """The seconds until ``key`` has a token, without spending one (0.0: it has)."""
        if self.limit.off:
            return 0.0
        with self._lock:
            tokens = self._tokens(key)
        return 0.0 if tokens >= 1 else (1 - tokens) * 60 / self.limit.per_minute

    def _tokens(self, key: object) -> float:
        now = self._monotonic()
        if len(self._buckets) > _FORGET_ABOVE:
            self._forget_full(now)
        tokens, at = self._buckets.get(key, (float(self.limit.burst), now))
        return min(float(self.limit.burst), tokens + (now - at) * self.limit.per_minute / 60)

    def _forget_full(self, now: float) -> None:
        rate, burst = self.limit.per_minute / 60, self.limit.burst
        self._buckets = {k: v for k, v in self._buckets.items() if v[0] + (now - v[1]) * rate < burst}
