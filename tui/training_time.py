"""``--at``: the moment a trainer sets, for the TUI's service clock and ``status``'s verdict.

A sibling of ``launch`` and ``commands`` that imports neither (both use it)."""

from __future__ import annotations

import re
from datetime import date, datetime, time

from reset_flow.clock import JST, parse_moment
from reset_flow.errors import TrainingClockInvalid

_CLOCK_TIME = re.compile(r"\d{1,2}:\d{2}")


def parse_at(text: str, today: date | None = None) -> datetime:
    """``HH:MM`` (today in Japan time), or an ISO date and time; without a zone it is Japan time
    (``parse_moment``)."""
    try:
        if _CLOCK_TIME.fullmatch(text):
            day = today or datetime.now(JST).date()  # the command line is where the clock is read
            return datetime.combine(day, time.fromisoformat(text.zfill(5)), tzinfo=JST)
        return parse_moment(text)
    except ValueError:
        raise TrainingClockInvalid(
            f"--at {text!r}: use HH:MM (today, Japan time) or an ISO time such as 2026-04-01T22:30"
        ) from None


def training_moment(text: str, training: bool) -> datetime:
    """``--at`` where it is allowed: only for training, as a resident's card keeps real time."""
    if not training:
        raise TrainingClockInvalid("--at needs a training card or a recording (--reader training:...)")
    return parse_at(text)
