"""Each screen at 80x24 and 60x20, in Japanese and English, in the default and the high-contrast theme.

Screens reached one after another on the same walk (the steps of step 1) are taken on one run of
the app, and step 2's screens on an app whose step 1 was done beforehand: a walk is run once per
worker for each language, theme and size, and each test compares its own screen's picture, taken
as ``snap_compare`` takes one, with its kept file.

Update after a deliberate change with ``pytest tests/tui/test_snapshots.py --snapshot-update``
and look at the pictures in the report before committing them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import textual._doc
from textual.pilot import Pilot

from readers.jpki import PinKind
from readers.reader import Reader
from reset_flow.states import ReservationMade
from tests.tui.driving import GatedReader, make_app, press, settle, stored_snapshots
from tui.app import ResetApp
from tui.kiosk.beforehand import reserve_beforehand
from tui.themes import DEFAULT_THEME, HIGH_CONTRAST_THEME

AT = "2026-04-01T10:00:00+09:00"  # a training clock inside the kiosk hours
Navigate = Callable[[Pilot], Awaitable[None]]
# start -> triage -> the signing certificate's questions -> photo ID -> proof PIN
STEP1 = (("down", "enter"), ("enter",), ("n", "n"), ("enter",))


def keys(*groups: tuple[str, ...]) -> Navigate:
    async def navigate(pilot: Pilot) -> None:
        await settle(pilot)
        for group in groups:
            await press(pilot, *group)

    return navigate


async def _reading(pilot: Pilot) -> None:
    """Step 1 while the card is being read (it never answers: the shot is of the waiting screen)."""
    await settle(pilot)
    await pilot.press("down", "enter")
    reader = pilot.app.wizard.reader
    assert reader is not None and isinstance(reader.inner, GatedReader)
    await reader.inner.waiting.wait()
    await pilot.pause()


@dataclass(frozen=True)
class Walk:
    """One run of the app from its start screen: each stop names a screen and the keys that lead
    to it from the stop before."""

    stops: tuple[tuple[str, Navigate], ...]
    reader: str | None = "training:adult"
    at: str = AT
    card: Callable[[], Reader] | None = field(default=None)  # a reader of the test's own
    reserved: tuple[PinKind, ...] = ()  # step 1 done beforehand for these PINs, on this profile


WALKS: tuple[Walk, ...] = (
    Walk((("start", keys()), ("help", keys(("f1",)))), reader=None),
    Walk((("card-check", keys(("enter",))),)),
    Walk((("place-card-reading", _reading),), card=GatedReader),
    Walk((("triage-window", keys(("down", "enter"))),), reader="training:both-blocked"),
    Walk((("kiosk-closed", keys(("down", "down", "down", "enter"))),), at="2026-04-01T05:00:00+09:00"),
    Walk(
        (
            ("triage-kiosk", keys(STEP1[0])),
            ("signing-questions", keys(*STEP1[1:2], ("n",))),
            ("photo-id", keys(("n",))),
            ("reserved", keys(*STEP1[3:], (*"1234", "enter"))),
        )
    ),
    # Step 2's screens, on a card whose step 1 was done beforehand (as at the counter earlier):
    # the pictures are the same as after step 1 by keys, which the screens above walk through.
    Walk(
        (("choose-reservation", keys(("end", "enter"), ("enter",))),),
        reserved=(PinKind.SIGN, PinKind.AUTH),
    ),
    Walk((("proof-pin-wrong", keys(*STEP1, (*"9999", "enter"), ("1", "2"))),)),
    Walk(
        (
            ("confirm-last-try", keys(*STEP1, (*"9999", "enter"))),
            ("pin-blocked", keys(("y",))),
        ),
        reader="training:one-try-left",
    ),
    Walk(
        (
            (
                "new-pin",
                keys(
                    ("down", "down", "down", "enter"),
                    ("enter",),
                    (*"1234", "enter"),
                    (*"abc1", "enter", *"abc"),
                ),
            ),
        ),
        reserved=(PinKind.SIGN,),
    ),
)
SCREENS: dict[str, Walk] = {screen: walk for walk in WALKS for screen, _ in walk.stops}

THEMES = (DEFAULT_THEME, HIGH_CONTRAST_THEME)
LANGS = ("ja", "en")
SIZES = {"test_screen": (80, 24), "test_screen_at_60x20": (60, 20)}
# The screens of one walk side by side, so a worker mostly takes a walk's screens one after another.
CASES = [
    pytest.param(screen, lang, theme, id=f"{screen}-{lang}-{theme}")
    for lang in LANGS
    for theme in THEMES
    for walk in WALKS
    for screen, _ in walk.stops
]

Pictures = dict[str, str]
_taken: dict[tuple[int, str, str, tuple[int, int]], Pictures] = {}


async def _photograph(pilot: Pilot, title: str) -> str:
    """The picture as ``snap_compare`` takes it (textual's take_svg_screenshot: the same waits
    for the screen and its animations, the same title and simplification)."""
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()
    return pilot.app.export_screenshot(title=title, simplify=True)


def _walk(walk: Walk, lang: str, theme: str, size: tuple[int, int], folder: Path) -> Pictures:
    extra = {"open_reader": (lambda spec: walk.card())} if walk.card else {}
    app = make_app(
        walk.reader, lang=lang, theme=theme, at=walk.at if walk.reader else None, data_dir=folder, **extra
    )
    title = app.title  # taken before the run, as take_svg_screenshot does
    pictures: Pictures = {}

    async def auto_pilot(pilot: Pilot) -> None:
        for reset in walk.reserved:
            assert walk.reader is not None
            profile = walk.reader.removeprefix("training:")
            made = await reserve_beforehand(profile, reset, app.wizard.ensure_service(), app.wizard.clock)
            assert isinstance(made, ReservationMade), made
        for screen, navigate in walk.stops:
            await navigate(pilot)
            pictures[screen] = await _photograph(pilot, title)
        pilot.app.exit()

    app.run(headless=True, auto_pilot=auto_pilot, size=size)
    assert set(pictures) == {screen for screen, _ in walk.stops}, "the walk stopped early"
    return pictures


def _picture(screen: str, lang: str, theme: str, size: tuple[int, int], folder: Path) -> str:
    """``screen``'s picture, from this worker's run of its walk (run now if not yet run)."""
    walk = SCREENS[screen]
    key = (WALKS.index(walk), lang, theme, size)
    if key not in _taken:
        _taken[key] = _walk(walk, lang, theme, size, folder)
    return _taken[key][screen]


@pytest.fixture
def compare_picture(
    snap_compare: Callable[..., bool], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Callable[[str, str, str, tuple[int, int]], bool]:
    """``snap_compare`` (its syrupy extension, its report) given the walk's picture in place of a
    run of its own: it takes its picture through ``textual._doc.take_svg_screenshot``."""

    def compare(screen: str, lang: str, theme: str, size: tuple[int, int]) -> bool:
        picture = _picture(screen, lang, theme, size, tmp_path)
        monkeypatch.setattr(textual._doc, "take_svg_screenshot", lambda **_: picture)
        # snap_compare wants an app to run; the picture is taken, so one never started stands in.
        return snap_compare(ResetApp.__new__(ResetApp), terminal_size=size)

    return compare


@pytest.mark.parametrize(("screen", "lang", "theme"), CASES)
def test_screen(compare_picture: Callable[..., bool], screen: str, lang: str, theme: str) -> None:
    assert compare_picture(screen, lang, theme, SIZES["test_screen"])


@pytest.mark.parametrize(("screen", "lang", "theme"), CASES)
def test_screen_at_60x20(compare_picture: Callable[..., bool], screen: str, lang: str, theme: str) -> None:
    """The smallest size the app is tested at: nothing clipped, dialogs inside the terminal."""
    assert compare_picture(screen, lang, theme, SIZES["test_screen_at_60x20"])


def test_every_kept_picture_is_of_a_screen_still_taken() -> None:
    taken = {
        f"{test}[{s}-{lang}-{theme}].svg"
        for test in SIZES
        for s in SCREENS
        for lang in LANGS
        for theme in THEMES
    }
    assert stored_snapshots("test_snapshots") == taken
