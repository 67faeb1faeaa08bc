"""Each screen at 80x24 and 60x20, in Japanese and English, in the default and the high-contrast theme.

Update after a deliberate change with ``pytest tests/tui/test_snapshots.py --snapshot-update``
and look at the pictures in the report before committing them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from textual.pilot import Pilot

from readers.reader import Reader
from tests.tui.driving import GatedReader, make_app, press, settle, stored_snapshots
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
class Shot:
    navigate: Navigate
    reader: str | None = "training:adult"
    at: str = AT
    card: Callable[[], Reader] | None = field(default=None)  # a reader of the test's own


SCREENS: dict[str, Shot] = {
    "start": Shot(keys(), reader=None),
    "help": Shot(keys(("f1",)), reader=None),
    "card-check": Shot(keys(("enter",))),
    "place-card-reading": Shot(_reading, card=GatedReader),
    "triage-kiosk": Shot(keys(("down", "enter"))),
    "triage-window": Shot(keys(("down", "enter")), reader="training:both-blocked"),
    "signing-questions": Shot(keys(*STEP1[:2], ("n",))),
    "photo-id": Shot(keys(*STEP1[:3])),
    "proof-pin-wrong": Shot(keys(*STEP1, (*"9999", "enter"), ("1", "2"))),
    "confirm-last-try": Shot(keys(*STEP1, (*"9999", "enter")), reader="training:one-try-left"),
    "reserved": Shot(keys(*STEP1, (*"1234", "enter"))),
    "kiosk-closed": Shot(keys(("down", "down", "down", "enter")), at="2026-04-01T05:00:00+09:00"),
    "choose-reservation": Shot(
        keys(
            *STEP1,
            (*"1234", "enter", "enter"),
            ("down", "down", "enter"),
            ("enter",),
            ("enter",),
            (*"train1234", "enter", "enter"),
            ("end", "enter"),
            ("enter",),
        ),
    ),
    "pin-blocked": Shot(keys(*STEP1, (*"9999", "enter"), ("y",)), reader="training:one-try-left"),
    "new-pin": Shot(
        keys(
            *STEP1,
            (*"1234", "enter", "enter"),
            ("down", "down", "down", "enter"),
            ("enter",),
            (*"1234", "enter"),
            (*"abc1", "enter", *"abc"),
        ),
    ),
}


THEMES = (DEFAULT_THEME, HIGH_CONTRAST_THEME)
LANGS = ("ja", "en")
SIZES = {"test_screen": (80, 24), "test_screen_at_60x20": (60, 20)}


def _app(tmp_path: Path, screen: str, lang: str, theme: str) -> tuple[object, Shot]:
    shot = SCREENS[screen]
    extra = {"open_reader": (lambda spec: shot.card())} if shot.card else {}
    app = make_app(
        shot.reader, lang=lang, theme=theme, at=shot.at if shot.reader else None, data_dir=tmp_path, **extra
    )
    return app, shot


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("screen", sorted(SCREENS))
def test_screen(
    snap_compare: Callable[..., bool], tmp_path: Path, screen: str, lang: str, theme: str
) -> None:
    app, shot = _app(tmp_path, screen, lang, theme)
    assert snap_compare(app, terminal_size=SIZES["test_screen"], run_before=shot.navigate)


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("screen", sorted(SCREENS))
def test_screen_at_60x20(
    snap_compare: Callable[..., bool], tmp_path: Path, screen: str, lang: str, theme: str
) -> None:
    """The smallest size the app is tested at: nothing clipped, dialogs inside the terminal."""
    app, shot = _app(tmp_path, screen, lang, theme)
    assert snap_compare(app, terminal_size=SIZES["test_screen_at_60x20"], run_before=shot.navigate)


def test_every_kept_picture_is_of_a_screen_still_taken() -> None:
    taken = {
        f"{test}[{s}-{lang}-{theme}].svg"
        for test in SIZES
        for s in SCREENS
        for lang in LANGS
        for theme in THEMES
    }
    assert stored_snapshots("test_snapshots") == taken
