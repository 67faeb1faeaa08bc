"""The walkthrough's Low defects a counter would notice: a key bar that says what each key does
in the screen's present state, and F3 naming the colours it chose."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.tui.driving import make_app, press, settle, walk
from tui.app import ResetApp
from tui.widgets.keybar import KeyBar

STEP1_AUTH_ONE_TRY = (["down", "enter"], ["enter"], ["n", "n"], ["enter"], [*"9999", "enter"], ["y"])


def key_bar(app: ResetApp) -> dict[str, str]:
    return dict(app.screen.query_one(KeyBar).entries())


@pytest.mark.parametrize("lang", ["en", "ja"])
async def test_the_closed_screen_s_enter_says_it_returns_to_the_start(tmp_path: Path, lang: str) -> None:
    app = make_app("training:adult", lang=lang, at="2026-04-01T23:30:00+09:00", data_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await walk(pilot, ["end", "enter"])  # step 2 at 23:30: closed
        assert key_bar(app)["Enter"] == app.t("key.to_start") != app.t("key.forward")
        await press(pilot, "enter")
        assert type(app.screen).__name__ == "StartScreen"


@pytest.mark.parametrize("key", ["enter", "escape"])
@pytest.mark.parametrize("lang", ["en", "ja"])
async def test_a_blocked_pin_s_keys_say_they_return_to_the_start(tmp_path: Path, lang: str, key: str) -> None:
    app = make_app("training:one-try-left", lang=lang, at="2026-04-01T10:00:00+09:00", data_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await walk(pilot, *STEP1_AUTH_ONE_TRY)  # the last try spent wrongly: blocked
        assert app.screen.ended
        keys = key_bar(app)
        assert keys["Enter"] == keys["Esc"] == app.t("key.to_start")
        await press(pilot, key)
        assert type(app.screen).__name__ == "StartScreen"


async def test_before_the_ending_the_same_screen_says_next_and_back(tmp_path: Path) -> None:
    app = make_app("training:one-try-left", at="2026-04-01T10:00:00+09:00", data_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await walk(pilot, *STEP1_AUTH_ONE_TRY[:4])  # the proof PIN, nothing typed yet
        assert (key_bar(app)["Enter"], key_bar(app)["Esc"]) == ("Next", "Back")


@pytest.mark.parametrize(
    ("lang", "said"), [("en", "Colours: high contrast"), ("ja", "配色：ハイコントラスト")]
)
async def test_f3_says_which_colours_it_chose(lang: str, said: str) -> None:
    app = make_app("training:adult", lang=lang)
    # The note is shown for 4 s of wall time, which a loaded machine can spend before the check:
    # the notes the app raised are kept as it raised them.
    notes: list[str] = []
    notify = app.notify
    app.notify = lambda message, **options: (notes.append(message), notify(message, **options))[1]  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "f3")
        assert app.theme == "jpki-high-contrast"
        assert any(note.startswith(said) for note in notes)
