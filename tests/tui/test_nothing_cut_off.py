"""At 60x20, the smallest size the app is tested at, nothing the clerk needs is cut off silently:
a highlighted option is scrolled into sight (with the terminal cursor on it), and text hidden
below the body can be read with PgDn, offered in the key bar, even while an error note is up."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import OptionList

from tests.tui.driving import make_app, press, record_terminal_cursor, screen_text, shows, walk
from tests.tui.test_cursor import cursor_problem

AT = "2026-04-01T10:00:00+09:00"
SIZE = (60, 20)


def visible_lines(app: object) -> list[str]:
    return screen_text(app).splitlines()  # type: ignore[arg-type]


@pytest.mark.parametrize("lang", ["en", "ja"])
async def test_the_last_task_comes_into_sight_when_the_arrows_reach_it(tmp_path: Path, lang: str) -> None:
    """No --reader: the reader list fills the body, so the tasks below it start half hidden."""
    app = make_app(None, lang=lang, data_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        written = record_terminal_cursor(app)
        await walk(pilot, ["down", "enter"])  # a reader chosen: focus on the tasks
        tasks = app.screen.query_one("#tasks", OptionList)
        last = str(tasks.get_option_at_index(tasks.option_count - 1).prompt)
        await press(pilot, *["down"] * (tasks.option_count - 1))
        assert tasks.highlighted == tasks.option_count - 1
        keys_at = app.screen.query_one("#keys").region.y
        cursor = written[-1]
        assert cursor.y < keys_at, f"cursor {tuple(cursor)} is under the key bar or off the terminal"
        assert cursor_problem(app, written) is None
        assert last[:12] in visible_lines(app)[cursor.y]
        await press(pilot, "up", "up", "up")  # and back up: the first task is in sight again
        first = str(tasks.get_option_at_index(0).prompt)
        assert cursor_problem(app, written) is None
        assert first[:12] in visible_lines(app)[written[-1].y]


@pytest.mark.parametrize("lang", ["en", "ja"])
async def test_what_the_entry_says_below_an_error_note_is_read_with_pgdn(tmp_path: Path, lang: str) -> None:
    app = make_app("training:adult", lang=lang, at=AT, data_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        # Step 1 for the signing PIN up to its proof PIN; a wrong PIN puts the error note up.
        await walk(pilot, ["down", "enter"], ["enter"], ["n", "n"], ["enter"], [*"9999", "enter"])
        await press(pilot, "1", "2")
        problem = app.t("pin.problem.not-four-digits")
        assert shows(app, app.t("error.wrong-pin.title", tries=2))
        assert not shows(app, problem)  # below the entry, out of sight at this size...
        assert shows(app, "PgUp/PgDn")  # ...so the key bar offers a way to read it
        await press(pilot, "pagedown")
        assert shows(app, problem)
        assert shows(app, app.t("error.wrong-pin.title", tries=2))  # the note stays up
        assert app.screen.query_one("#pin").has_focus  # the entry keeps the focus and the typing
        await press(pilot, "3")
        assert app.screen.query_one("#pin").value == "123"
