"""The start screen lists what discovery finds, says why an item cannot be used, and skips it."""

from __future__ import annotations

import asyncio
import threading

from textual.widgets import OptionList

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


async def test_in_japanese_the_readers_and_their_reasons_are_in_japanese() -> None:
    found = [
        ReaderChoice(
            "pcsc",
            "PC/SC readers",
            "pcsc",
            False,
            "PC/SC service (pcscd) is not running",
            reason_code="pcsc-service-not-running",
        ),
        ReaderChoice(
            "nfc:usb:001:004",
            "Sony RC-S380 (nfcpy, USB 001:004)",
            "nfc",
            False,
            "the kernel's port100 driver holds it",
            reason_code="nfc-held-by-driver",
            detail="port100",
        ),
        *training_choices()[:1],
    ]
    app = make_app(None, choices=None, discover=lambda: found, lang="ja")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert shows(app, "PC/SCリーダー（使用不可：PC/SCサービス（pcscd）が動いていません）")
        assert shows(app, "カーネルのport100ドライバーが使用中です")
        assert shows(app, "研修用カード：成人、両方の証明書あり")
        assert not shows(app, "is not running") and not shows(app, "Training card")


async def test_a_discovery_started_before_the_app_is_listed_in_the_first_frame() -> None:
    app = make_app(None, choices=None, discover=lambda: FOUND)
    app.wizard.discover_early()  # as jpki-reset does before loading Textual
    while app.wizard._discovery is not None and not app.wizard._discovery.done():
        await asyncio.sleep(0.01)
    async with app.run_test(size=(80, 24)) as pilot:
        # As the screen is mounted, before any worker could run: no second layout when it comes.
        assert app.screen.query_one("#readers", OptionList).option_count == len(FOUND)
        await pilot.pause()
        assert shows(app, "Sony RC-S300 (no card on the reader yet)")
        assert not shows(app, "Looking for readers")


async def test_a_discovery_not_answered_by_the_first_frame_fills_the_list_when_it_answers() -> None:
    gate = threading.Event()

    def slow() -> list[ReaderChoice]:
        gate.wait(10)
        return FOUND

    app = make_app(None, choices=None, discover=slow)
    app.wizard.discover_early()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert shows(app, "Looking for readers")
        assert not shows(app, "Sony RC-S300")
        gate.set()
        await settle(pilot)
        assert shows(app, "Sony RC-S300 (no card on the reader yet)")
        assert not shows(app, "Looking for readers")


async def test_keys_refreshed_with_nothing_changed_draw_no_frame_and_a_change_is_drawn() -> None:
    app = make_app(None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        frames: list[object] = []
        draw = app._display
        app._display = lambda screen, update: (frames.append(update), draw(screen, update))[1]  # type: ignore[method-assign]
        app.screen.refresh_bindings()  # as focus, resizes and the body's size do, often
        await pilot.pause()
        assert frames == []  # the same keys in the same words: nothing to lay out or draw again
        await press(pilot, "f2")
        assert frames and shows(app, "F1 ヘルプ")
