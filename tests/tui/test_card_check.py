"""The card check screen, driven by keys on training cards."""

from __future__ import annotations

from tests.tui.driving import make_app, press, screen_text


async def test_card_check_shows_every_pin_and_certificate_in_words() -> None:
    app = make_app("training:adult")
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "enter")  # the first task: card check
        text = screen_text(app)
    assert "My Number Card" in text
    assert "3 of 3 tries left" in text
    assert "5 of 5 tries left" in text
    assert "present (dates need the signing PIN)" in text


async def test_a_blocked_pin_is_said_in_words_in_japanese() -> None:
    app = make_app("training:both-blocked", lang="ja")
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "enter")
        text = screen_text(app)
    assert text.count("ロック中") == 2
