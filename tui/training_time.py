"""``--at``: the moment a trainer sets, for the TUI's service clock and ``status``'s verdict.

A sibling of ``launch`` and ``commands`` that imports neither (both use it)."""

from __future__ import annotations

from datetime import datetime

from readers.errors import ReaderSpecInvalid
from reset_flow.clock import parse_moment


def parse_at(text: str) -> datetime:
    """An ISO date and time; without a zone it is Japan time (``parse_moment``)."""
    try:
        return parse_moment(text)
    except ValueError:
        raise ReaderSpecInvalid(f"--at {text!r}: use an ISO time such as 2026-04-01T22:30") from None


def training_moment(text: str, training: bool) -> datetime:
    """``--at`` where it is allowed: only for training, as a resident's card keeps real time."""
    if not training:
        raise ReaderSpecInvalid("--at needs a training card or a recording (--reader training:...)")
    return parse_at(text)
