"""Moments as the screens write them: Japan time, whatever the laptop's zone."""

from __future__ import annotations

from datetime import datetime

from reset_flow.clock import JST


def jst(moment: datetime | None) -> str:
    """Date and time in Japan time (``-`` when unknown)."""
    return moment.astimezone(JST).strftime("%Y-%m-%d %H:%M") if moment else "-"


def jst_date(moment: datetime) -> str:
    return moment.astimezone(JST).strftime("%Y-%m-%d")
