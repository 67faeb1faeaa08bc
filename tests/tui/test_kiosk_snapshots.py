"""Every kiosk screen at 80x24, in Japanese and English, in the default and the large-text theme.

Update after a deliberate change with ``pytest tests/tui/test_kiosk_snapshots.py --snapshot-update``
and look at the pictures in the report before committing them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from textual.pilot import Pilot

from readers.emulated import EmulatedReader
from readers.jpki import PinKind
from reset_flow import states as st
from tests.tui.driving import GatedReader, press, settle, stored_snapshots
from tests.tui.kiosk_driving import Kiosk
from tests.tui.test_kiosk_clearing import LiftingReader
from tui.kiosk.app import KioskApp
from tui.kiosk.ending import KioskEndScreen
from tui.kiosk.look import LARGE_TEXT_THEME
from tui.themes import DEFAULT_THEME

Navigate = Callable[[Kiosk, Pilot], Awaitable[None]]
PROOF = ("enter",)
NEW = ("enter", *"1234", "enter")
RESET = (*NEW, *"new2pin", "enter", *"new2pin", "enter")


def keys(*pressed: str, reserve: tuple[PinKind, ...] = (PinKind.SIGN,), after: str | None = None) -> Navigate:
    async def navigate(kiosk: Kiosk, pilot: Pilot) -> None:
        for reset in reserve:
            await kiosk.reserve(reset)
        await settle(pilot)
        await press(pilot, *pressed)
        if after == "idle":
            await kiosk.wait(pilot, 62)
        elif after == "lift":
            kiosk.reader.remove_card()
            await settle(pilot)

    return navigate


async def _reading(kiosk: Kiosk, pilot: Pilot) -> None:
    """The card being read (it never answers: the shot is of the waiting screen)."""
    await settle(pilot)
    await pilot.press("enter")
    reader = kiosk.reader
    assert isinstance(reader, GatedReader)
    await reader.waiting.wait()
    await pilot.pause()


async def _window(kiosk: Kiosk, pilot: Pilot) -> None:
    await kiosk.reserve()
    kiosk.reader.card.pins[0x18].tries_left = 0  # type: ignore[union-attr]  # blocked since step 1
    await settle(pilot)
    await press(pilot, "enter")


async def _last_try(kiosk: Kiosk, pilot: Pilot) -> None:
    await kiosk.reserve()
    kiosk.reader.card.pins[0x18].tries_left = 1  # type: ignore[union-attr]
    await settle(pilot)
    await press(pilot, "enter", *"1234", "enter")


def ending(state: st.FlowState) -> Navigate:
    """An ending shown as the flow would leave it (for endings a training card does not reach)."""

    async def navigate(kiosk: Kiosk, pilot: Pilot) -> None:
        await settle(pilot)
        kiosk.app.show_session(KioskEndScreen(state))
        await settle(pilot)

    return navigate


JST = timezone(timedelta(hours=9))


@dataclass(frozen=True)
class Shot:
    navigate: Navigate
    at: str = "2026-04-01T10:00:00+09:00"
    card: Callable[[], EmulatedReader | GatedReader] | None = field(default=None)


SCREENS: dict[str, Shot] = {
    "start": Shot(keys(reserve=())),
    "start-cleared": Shot(keys("enter", "1", after="lift")),
    "start-no-card": Shot(keys(reserve=())),
    "reading": Shot(_reading, card=GatedReader),
    "proof": Shot(keys(*PROOF, "1", "2")),
    "proof-wrong": Shot(keys(*PROOF, *"9999", "enter")),
    "last-try": Shot(_last_try),
    "choose": Shot(keys("enter", reserve=(PinKind.SIGN, PinKind.AUTH))),
    "new-pin": Shot(keys(*NEW, *"abc1", "enter", *"abc")),
    "put-card-back": Shot(keys(*RESET), card=lambda: LiftingReader(0x82)),
    "still-there": Shot(keys(*PROOF, "1", after="idle")),
    "help": Shot(keys(*PROOF, "f1")),
    "staff": Shot(keys("ctrl+x", reserve=())),
    "done": Shot(keys(*RESET)),
    "closed": Shot(keys("enter"), at="2026-04-01T05:00:00+09:00"),
    "no-reservation": Shot(keys("enter", reserve=())),
    "window": Shot(_window),
    "expired": Shot(ending(st.ReservationExpired(PinKind.SIGN, datetime(2026, 4, 1, 9, 30, tzinfo=JST)))),
    "blocked": Shot(ending(st.PinBlocked(PinKind.AUTH, PinKind.SIGN))),
    "stopped-real-card": Shot(ending(st.StoppedBeforeIssuerCommand(PinKind.SIGN, ("same-card",)))),
    "problem": Shot(ending(st.ServiceRefusal("terminal-unknown"))),
}


THEMES = (DEFAULT_THEME, LARGE_TEXT_THEME)
LANGS = ("ja", "en")


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("screen", sorted(SCREENS))
def test_kiosk_screen(
    snap_compare: Callable[..., bool], tmp_path: Path, screen: str, lang: str, theme: str
) -> None:
    shot = SCREENS[screen]  # test_snapshots.py's shape, with the kiosk's app and themes
    kiosk = Kiosk(tmp_path, lang=lang, theme=theme, at=shot.at)
    if shot.card is not None:
        kiosk.reader = shot.card()  # type: ignore[assignment]
    if screen == "start-no-card":
        kiosk.reader.remove_card()

    async def run_before(pilot: Pilot) -> None:
        await shot.navigate(kiosk, pilot)
        if screen == "start-no-card":
            await press(pilot, "enter")

    app: KioskApp = kiosk.app
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_every_kept_picture_is_of_a_screen_still_taken() -> None:
    taken = {f"test_kiosk_screen[{s}-{la}-{t}].svg" for s in SCREENS for la in LANGS for t in THEMES}
    assert stored_snapshots("test_kiosk_snapshots") == taken
