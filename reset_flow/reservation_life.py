"""A reservation lives 24 hours from the moment step 1 completes (docs/rules.md, step 1)."""

from __future__ import annotations

from datetime import datetime, timedelta

RESERVATION_LIFE = timedelta(hours=24)


def reservation_deadline(made_at: datetime) -> datetime:
    return made_at + RESERVATION_LIFE


def reservation_expired(made_at: datetime, now: datetime) -> bool:
    """Expired from the deadline itself on: at exactly 24 h the reservation is gone."""
    return now >= reservation_deadline(made_at)
