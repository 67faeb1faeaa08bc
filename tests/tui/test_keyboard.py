"""Keyboard and accessibility on the start and card-check screens: keys in the footer, F1 help
for the focused control, language and theme at run time, Tab in reading order, the cursor on the
focused control, and a UI that answers keys while the card is being read."""

from __future__ import annotations

from tests.tui.driving import GatedReader, make_app, press, screen_text, settle
from tui.screens.help import HelpScreen


async def test_the_screen_answers_keys_while_the_card_is_being_read() -> None:
    slow = GatedReader()
    app = make_app("training:adult", open_reader=lambda spec: slow)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")  # card check: the read starts and waits on the card
        await slow.waiting.wait()
        assert "Reading the card" in screen_text(app)
        await pilot.press("f2")  # the language switch is served mid-read
        await pilot.pause()
        assert "カードを読み取っています" in screen_text(app)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        slow.gate.set()
        await settle(pilot)
        assert "マイナンバーカード" in screen_text(app)


async def test_f1_explains_the_focused_control_then_escape_closes_it() -> None:
    app = make_app(None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()
        text = screen_text(app)
        assert "The card readers found on this computer" in text  # the reader list's own help
        await pilot.press("escape")
        await pilot.press("tab", "f1")
        await pilot.pause()
        assert "Card check reads the card without any PIN" in screen_text(app)  # the task list's


async def test_every_key_the_screen_answers_is_in_the_footer() -> None:
    app = make_app("training:adult")
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "enter")
        footer = screen_text(app).splitlines()[-2:]
        shown = " ".join(footer)
        for key, meaning in (
            ("Enter", "Done"),
            ("Esc", "Back"),
            ("R", "Read again"),
            ("F1", "Help"),
            ("F2", "日本語"),
            ("F3", "Colours"),
            ("Ctrl+Q", "Quit"),
        ):
            assert f"{key} {meaning}" in shown, shown


async def test_language_and_theme_switch_at_run_time() -> None:
    app = make_app("training:adult", lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "Card check (no PIN)" in screen_text(app)
        await press(pilot, "f2")
        assert "カードの確認（暗証番号なし）" in screen_text(app)
        assert "F2 English" in screen_text(app)
        themes = []
        for _ in range(4):
            await press(pilot, "f3")
            themes.append(app.theme)
        assert themes == ["jpki-high-contrast", "ansi-dark", "ansi-light", "textual-dark"]


async def test_tab_goes_through_the_controls_in_reading_order() -> None:
    app = make_app(None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        visited = []
        for _ in range(2):
            visited.append(app.focused)
            await pilot.press("tab")
        positions = [(w.region.y, w.region.x) for w in visited]
        assert [w.id for w in visited] == ["readers", "tasks"]
        assert positions == sorted(positions)
        assert app.focused is visited[0]  # and round again


async def test_escape_goes_back_a_step() -> None:
    app = make_app("training:adult")
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "enter")
        assert "Card check" in screen_text(app).splitlines()[1]  # below the TRAINING banner
        await press(pilot, "escape")
        assert screen_text(app).splitlines()[1].strip() == "Start"
