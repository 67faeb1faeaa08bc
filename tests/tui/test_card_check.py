"""The card check screen, driven by keys on training cards."""

from __future__ import annotations

from tests.tui.driving import make_app, press, screen_text, shows


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


async def test_a_certificate_that_does_not_decode_gets_a_verdict_in_words() -> None:
    from readers.emulated import EmulatedReader
    from readers.jpki_applet import AID_JPKI, EF_AUTH_CERT
    from readers.training_card.applet import TrainingCard
    from tests.reset_flow.test_service_hardening import issuer_tag_changed

    card = TrainingCard("adult")
    card.files[AID_JPKI][EF_AUTH_CERT] = issuer_tag_changed(card.files[AID_JPKI][EF_AUTH_CERT])
    reader = EmulatedReader(card)
    app = make_app("training:adult", open_reader=lambda spec: reader)
    async with app.run_test(size=(100, 40)) as pilot:
        await press(pilot, "enter")
        assert "Reading the card" not in screen_text(app)
        assert shows(app, "the user-authentication certificate on the card cannot be read")
