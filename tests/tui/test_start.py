"""The start screen lists what discovery finds, says why an item cannot be used, and skips it."""

from __future__ import annotations

from readers.discovery import ReaderChoice, training_choices
from tests.tui.driving import make_app, press, settle, shows
from tui.screens.card_check import CardCheckScreen

FOUND = [
    ReaderChoice("pcsc", "PC/SC readers", "pcsc", False, "PC/SC service (pcscd) is not running"),
    ReaderChoice("pcsc:Sony RC-S300", "Sony RC-S300", "pcsc", True, "no card on the reader yet"),
    *training_choices()[:2],
]


async def test_readers_come_from_discovery_with_the_reason_one_cannot_be_used() -> None:
    app = make_app(None, choices=None, discover=lambda: FOUND)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert shows(app, "PC/SC readers (unavailable: PC/SC service (pcscd) is not running)")
        assert shows(app, "Sony RC-S300 (no card on the reader yet)")
        readers = app.screen.query_one("#readers")
        assert readers.highlighted == 1  # the first usable one, not the unavailable one
        await press(pilot, "up")  # the unavailable one is skipped (the list wraps round)
        assert readers.highlighted == 3
        await press(pilot, "down")
        assert readers.highlighted == 1
        await press(pilot, "up", "enter")  # the last training card
        assert app.wizard.reader_spec == FOUND[3].spec
        await press(pilot, "enter")
        assert isinstance(app.screen, CardCheckScreen)


async def test_a_task_without_a_reader_is_explained_on_the_start_screen() -> None:
    app = make_app(None, choices=None, discover=lambda: FOUND[:1])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "tab", "enter")
        assert shows(app, "No reader chosen")
        assert shows(app, "Choose a reader in the list above and press Enter.")
