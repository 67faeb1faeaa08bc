"""Accessibility across the wizard: F1 help for every control, Tab in reading order, Escape asks
before throwing work away, the cursor on the focused entry, NO_COLOR and TEXTUAL_ANIMATIONS."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from textual.pilot import Pilot

from tests.tui.driving import make_app, press, screen_text, settle, shows
from tui import i18n
from tui.app import ResetApp
from tui.screens.new_pin import NewPinScreen
from tui.screens.start import StartScreen
from tui.widgets.say import Say

AT = "2026-04-01T10:00:00+09:00"
ROOT = Path(__file__).resolve().parents[2]
BOTH_STEPS = (
    ("down", "enter"),
    ("enter",),
    ("n", "n"),  # the signing certificate's questions: no change, no loss reported
    ("enter",),
    (*"1234", "enter"),
    ("enter",),
    ("down", "down", "down", "enter"),
    ("enter",),
    (*"1234", "enter"),
)


async def to_new_pin(pilot: Pilot) -> None:
    """From the start to step 2's new PIN, by keys, on a fresh service."""
    await settle(pilot)
    for keys in BOTH_STEPS:
        await press(pilot, *keys)


def help_gaps(app: ResetApp) -> list[str]:
    """Controls of the current screen with no help of their own, and a screen with none."""
    screen = app.screen
    gaps = [f"{type(screen).__name__}"] if not i18n.has("en", screen.help_key) else []
    for widget in screen.focus_chain:
        key = getattr(widget, "help_key", None)
        if not key or not all(i18n.has(lang, key) for lang in i18n.LANGUAGES):
            gaps.append(f"{type(screen).__name__}: {widget!r}")
    return gaps


async def test_every_control_on_every_screen_has_its_own_help(tmp_path: Path) -> None:
    app = make_app("training:adult", at=AT, data_dir=tmp_path)
    gaps: list[str] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        gaps += help_gaps(app)
        for keys in BOTH_STEPS:
            await press(pilot, *keys)
            gaps += help_gaps(app)
        assert isinstance(app.screen, NewPinScreen)
        await press(pilot, "f1")
        assert shows(app, "The new signing PIN: 6 to 16 half-width capital letters")
    assert gaps == []


async def test_tab_order_is_reading_order_and_the_cursor_sits_in_the_focused_entry(tmp_path: Path) -> None:
    app = make_app("training:adult", at=AT, data_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await to_new_pin(pilot)
        chain = app.screen.focus_chain
        assert [w.id for w in chain] == ["first", "again"]
        assert [w.region.y for w in chain] == sorted(w.region.y for w in chain)
        await press(pilot, *"ab1")
        assert app.focused is chain[0] and chain[0].region.contains_point(app.cursor_position)
        await press(pilot, "tab")
        assert app.focused is chain[1] and chain[1].region.contains_point(app.cursor_position)


async def test_escape_with_a_pin_typed_asks_before_stopping(tmp_path: Path) -> None:
    app = make_app("training:adult", at=AT, data_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await to_new_pin(pilot)
        await press(pilot, *"ab1", "escape")
        assert shows(app, "Going back stops this task")
        await press(pilot, "n")  # stay: nothing is lost
        assert isinstance(app.screen, NewPinScreen)
        assert shows(app, "***")
        await press(pilot, "escape", "y")
        assert isinstance(app.screen, StartScreen)


async def test_escape_before_any_pin_goes_back_without_asking(tmp_path: Path) -> None:
    app = make_app("training:adult", at=AT, data_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "down", "enter")  # the triage
        await press(pilot, "escape")
        assert isinstance(app.screen, StartScreen)


def test_no_color_and_no_animations_are_honoured() -> None:
    code = """
import time
from tui.cli import build_parser
from tui.launch import build_app

async def report(pilot):
    await pilot.pause()
    print(pilot.app.no_color, pilot.app.animation_level, pilot.app.screen.query_one("#tasks").display)
    pilot.app.exit()

build_app(build_parser().parse_args(["--reader", "training:adult", "--lang", "en"])).run(
    headless=True, size=(80, 24), auto_pilot=report)
"""
    env = {"PATH": "/usr/bin:/bin", "NO_COLOR": "1", "TEXTUAL_ANIMATIONS": "none", "LANG": "C.UTF-8"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["True", "none", "True"]


@pytest.mark.parametrize("lang", ["en", "ja"])
async def test_ctrl_q_with_a_pin_typed_asks_before_quitting(tmp_path: Path, lang: str) -> None:
    app = make_app("training:adult", at=AT, data_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await to_new_pin(pilot)
        if lang == "ja":
            await press(pilot, "f2")
        await press(pilot, *"ab1", "ctrl+q")
        assert app.screen.query_one("#confirm-text", Say).text == i18n.translate(lang, "confirm.quit.text")
        await press(pilot, "n")  # stay: nothing is lost
        assert isinstance(app.screen, NewPinScreen) and shows(app, "***")
        assert app.is_running
        await press(pilot, "ctrl+q", "y")
    assert not app.is_running


async def test_ctrl_q_again_on_the_question_quits_as_its_key_bar_says(tmp_path: Path) -> None:
    app = make_app("training:adult", at=AT, data_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await to_new_pin(pilot)
        await press(pilot, *"ab1", "ctrl+q")
        assert "Ctrl+Q Quit" in screen_text(app) and app.is_running
        await press(pilot, "ctrl+q")
    assert not app.is_running


async def test_ctrl_q_where_nothing_would_be_lost_quits_at_once(tmp_path: Path) -> None:
    app = make_app("training:adult", at=AT, data_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "down", "enter")  # the triage: only the card was read
        await press(pilot, "ctrl+q")
        assert not app.is_running
