"""Each screen at 80x24, in Japanese and English, in the default and the high-contrast theme.

Update after a deliberate change with ``pytest tests/tui/test_snapshots.py --snapshot-update``
and look at the pictures in the report before committing them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from tests.tui.driving import make_app, press, settle
from tui.themes import DEFAULT_THEME, HIGH_CONTRAST_THEME

AT = "2026-04-01T10:00:00+09:00"  # a training clock inside the kiosk hours

Navigate = Callable[[Pilot], Awaitable[None]]


async def _start(pilot: Pilot) -> None:
    await settle(pilot)


async def _card_check(pilot: Pilot) -> None:
    await press(pilot, "enter")


async def _help(pilot: Pilot) -> None:
    await press(pilot, "f1")


# screen name -> (reader given with --reader, or None for the reader list; keys to get there)
SCREENS: dict[str, tuple[str | None, Navigate]] = {
    "start": (None, _start),
    "card-check": ("training:adult", _card_check),
    "help": (None, _help),
}


@pytest.mark.parametrize("theme", [DEFAULT_THEME, HIGH_CONTRAST_THEME])
@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("screen", sorted(SCREENS))
def test_screen(
    snap_compare: Callable[..., bool], tmp_path: Path, screen: str, lang: str, theme: str
) -> None:
    reader, navigate = SCREENS[screen]
    app = make_app(reader, lang=lang, theme=theme, at=AT if reader else None, data_dir=tmp_path)
    assert snap_compare(app, terminal_size=(80, 24), run_before=navigate)
