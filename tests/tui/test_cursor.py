"""The terminal cursor sits on the focused control on every screen (screen readers, braille
displays and magnifiers follow it): on the highlighted option, at the caret of an entry, and on
the title where nothing is focused. Checked against the text each frame puts on the terminal."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.cells import cell_len
from textual.geometry import Offset
from textual.widgets import Input, OptionList

from tests.tui.driving import make_app, press, record_terminal_cursor, screen_text, settle
from tui.app import ResetApp

AT = "2026-04-01T10:00:00+09:00"


def from_cell(line: str, cell: int) -> str:
    """The text of ``line`` from terminal column ``cell`` on (wide characters take two cells)."""
    width = 0
    for index, char in enumerate(line):
        if width >= cell:
            return line[index:]
        width += cell_len(char)
    return ""


def cursor_problem(app: ResetApp, written: list[Offset]) -> str | None:
    """What is wrong with where the terminal's cursor is now, or None."""
    if not written:
        return "no frame drawn"
    cursor = written[-1]
    lines = screen_text(app).splitlines()
    line = lines[cursor.y]
    here = f"{type(app.screen).__name__} cursor {tuple(cursor)} on {line!r}"
    focused = app.screen.focused
    if isinstance(focused, OptionList):
        option = focused.highlighted_option
        prompt = str(option.prompt) if option is not None else ""
        first_line = prompt.split("\n")[0][:10]
        return None if from_cell(line, cursor.x).startswith(first_line) else f"{here}: not on {prompt!r}"
    if isinstance(focused, Input):
        shown = "*" * len(focused.value) if focused.password else focused.value
        start = cursor.x - focused.cursor_position
        if not focused.content_region.contains_point(cursor):
            return f"{here}: outside the entry"
        at_caret = from_cell(line, start)[: len(shown)] == shown
        return None if at_caret else f"{here}: not at the caret"
    if focused is not None:  # a scrolled text (help, a report): its first cell, where it starts
        start = focused.content_region.offset
        return None if cursor == start else f"{here}: not at the start of {focused!r}"
    title = str(app.screen.query_one("#title").render()).strip()
    return None if from_cell(line, cursor.x).startswith(title[:6]) else f"{here}: not on the title {title!r}"


# Every screen of both steps and the card check, by keys, with the keys that move inside them.
WALK = [
    ("down",),
    ("down", "up", "up"),
    ("enter",),  # card check
    ("escape",),
    ("down", "enter"),  # triage
    ("f1",),  # help
    ("escape",),
    ("enter",),  # the signing certificate's questions
    ("n",),
    ("n",),  # photo ID
    ("enter",),  # proof PIN, empty
    ("1", "2"),
    ("left",),
    ("escape",),  # go back? (a PIN is typed)
    ("n",),
    ("end", "3", "4", "enter"),  # reservation made
    ("enter",),  # start
    ("down", "down", "enter"),  # step 1 for the other PIN
    ("enter", "enter"),
    (*"train1234", "enter"),
    ("enter",),
    ("end", "enter"),  # step 2: kiosk hours
    ("enter",),  # which reservation
    ("down",),
    ("up", "enter"),  # proof PIN of step 2
    (*"1234", "enter"),  # new PIN
    (*"new2pin",),
    ("tab",),
    (*"new2pin",),
    ("shift+tab",),
    ("tab", "enter"),  # result
]


@pytest.mark.parametrize("lang", ["en", "ja"])
async def test_the_cursor_sits_on_the_focused_control_on_every_screen(tmp_path: Path, lang: str) -> None:
    app = make_app("training:adult", lang=lang, at=AT, data_dir=tmp_path)
    written = record_terminal_cursor(app)
    problems: list[str] = []
    screens: set[str] = set()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for keys in WALK:
            await press(pilot, *keys)
            screens.add(type(app.screen).__name__)
            problem = cursor_problem(app, written)
            if problem:
                problems.append(f"after {keys}: {problem}")
    assert problems == []
    assert screens == {
        "StartScreen",
        "CardCheckScreen",
        "TriageScreen",
        "SigningQuestionsScreen",
        "HelpScreen",
        "PhotoIdScreen",
        "ProofPinScreen",
        "ConfirmScreen",
        "ReservationScreen",
        "KioskWindowScreen",
        "ChooseReservationScreen",
        "NewPinScreen",
        "ResetResultScreen",
    }


async def test_the_cursor_follows_the_reader_list_and_the_tasks(tmp_path: Path) -> None:
    app = make_app(None, data_dir=tmp_path)
    written = record_terminal_cursor(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for keys in (("down",), ("down",), ("up",), ("enter",), ("down",), ("shift+tab",)):
            await press(pilot, *keys)
            assert cursor_problem(app, written) is None, keys
