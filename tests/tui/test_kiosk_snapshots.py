"""Every kiosk screen at 80x24, in Japanese and English, in the default and the large-text theme.

As in test_snapshots.py, screens reached one after another are taken on one run of the kiosk (a
walk, run once per worker for each language and theme), and each test compares its own screen's
picture with its kept file.

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
from tests.tui.pictures import Pictures, cases, compare_taken, photograph
from tests.tui.test_kiosk_clearing import LiftingReader
from tui.kiosk.app import KioskApp
from tui.kiosk.ending import KioskEndScreen
from tui.kiosk.look import LARGE_TEXT_THEME
from tui.themes import DEFAULT_THEME

Navigate = Callable[[Kiosk, Pilot], Awaitable[None]]
PROOF = ("enter",)
NEW = ("enter", *"1234", "enter")
RESET = (*NEW, *"new2pin", "enter", *"new2pin", "enter")
CLEAR = ("backspace",) * 4  # an entry of up to four characters emptied


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
class Walk:
    """One run of the kiosk from its start screen: each stop names a screen and what leads to it
    from the stop before."""

    stops: tuple[tuple[str, Navigate], ...]
    at: str = "2026-04-01T10:00:00+09:00"
    card: Callable[[], EmulatedReader | GatedReader] | None = field(default=None)


WALKS: tuple[Walk, ...] = (
    # The start, the staff's code dialog over it, and the endings the flow shows in their place.
    Walk(
        (
            ("start", keys(reserve=())),
            ("staff", keys("ctrl+x", reserve=())),
            ("expired", ending(st.ReservationExpired(PinKind.SIGN, datetime(2026, 4, 1, 9, 30, tzinfo=JST)))),
            ("blocked", ending(st.PinBlocked(PinKind.AUTH, PinKind.SIGN))),
            ("stopped-real-card", ending(st.StoppedBeforeIssuerCommand(PinKind.SIGN, ("same-card",)))),
            ("problem", ending(st.ServiceRefusal("terminal-unknown"))),
        )
    ),
    # The card taken off while a PIN is typed, then Enter with no card on the reader.
    Walk((("start-cleared", keys("enter", "1", after="lift")), ("start-no-card", keys("enter", reserve=())))),
    Walk((("reading", _reading),), card=GatedReader),
    # F1's help over the proof PIN, closed; a digit typed and a minute without keys; a key (not
    # typed) answers the question, and the PIN is typed on.
    Walk(
        (
            ("help", keys(*PROOF, "f1")),
            ("still-there", keys("escape", "1", reserve=(), after="idle")),
            ("proof", keys("0", "2", reserve=())),
        )
    ),
    Walk((("proof-wrong", keys(*PROOF, *"9999", "enter")),)),
    Walk((("last-try", _last_try),)),
    Walk((("choose", keys("enter", reserve=(PinKind.SIGN, PinKind.AUTH))),)),
    # Two entries refused, then corrected: the reset goes through.
    Walk(
        (
            ("new-pin", keys(*NEW, *"abc1", "enter", *"abc")),
            ("done", keys("shift+tab", *CLEAR, *"new2pin", "enter", *CLEAR, *"new2pin", "enter", reserve=())),
        )
    ),
    Walk((("put-card-back", keys(*RESET)),), card=lambda: LiftingReader(0x82)),
    Walk((("closed", keys("enter")),), at="2026-04-01T05:00:00+09:00"),
    Walk((("no-reservation", keys("enter", reserve=())),)),
    Walk((("window", _window),)),
)
SCREENS: dict[str, Walk] = {screen: walk for walk in WALKS for screen, _ in walk.stops}

THEMES = (DEFAULT_THEME, LARGE_TEXT_THEME)
LANGS = ("ja", "en")
SIZE = (80, 24)
CASES = cases((walk.stops for walk in WALKS), LANGS, THEMES)

_taken: dict[tuple[int, str, str], Pictures] = {}


def _walk(walk: Walk, lang: str, theme: str, folder: Path) -> Pictures:
    kiosk = Kiosk(folder, lang=lang, theme=theme, at=walk.at)
    if walk.card is not None:
        kiosk.reader = walk.card()  # type: ignore[assignment]
    app: KioskApp = kiosk.app
    title = app.title  # taken before the run, as take_svg_screenshot does
    pictures: Pictures = {}

    async def auto_pilot(pilot: Pilot) -> None:
        for screen, navigate in walk.stops:
            await navigate(kiosk, pilot)
            pictures[screen] = await photograph(pilot, title)
        pilot.app.exit()

    app.run(headless=True, auto_pilot=auto_pilot, size=SIZE)
    assert set(pictures) == {screen for screen, _ in walk.stops}, "the walk stopped early"
    return pictures


def _picture(screen: str, lang: str, theme: str, folder: Path) -> str:
    """``screen``'s picture, from this worker's run of its walk (run now if not yet run)."""
    walk = SCREENS[screen]
    key = (WALKS.index(walk), lang, theme)
    if key not in _taken:
        _taken[key] = _walk(walk, lang, theme, folder)
    return _taken[key][screen]


@pytest.mark.parametrize(("screen", "lang", "theme"), CASES)
def test_kiosk_screen(
    snap_compare: Callable[..., bool],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    screen: str,
    lang: str,
    theme: str,
) -> None:
    picture = _picture(screen, lang, theme, tmp_path)
    assert compare_taken(snap_compare, monkeypatch, picture, SIZE, KioskApp)


def test_every_kept_picture_is_of_a_screen_still_taken() -> None:
    taken = {f"test_kiosk_screen[{s}-{la}-{t}].svg" for s in SCREENS for la in LANGS for t in THEMES}
    assert stored_snapshots("test_kiosk_snapshots") == taken
