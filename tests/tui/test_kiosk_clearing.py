"""Kiosk mode clears itself: after the idle countdown, when the card is taken off, and after an
ending. What was typed is gone from the entry, the flow and memory, and the start is back."""

from __future__ import annotations

import gc
import io
import logging
from pathlib import Path

import pytest

from readers.emulated import EmulatedReader
from readers.pin import Pin
from readers.recorder import RecordingReader
from reset_flow import states as st
from reset_flow.flow import ResetFlow
from tests.tui.driving import press, screen_text, settle, shows
from tests.tui.kiosk_driving import Kiosk
from tests.tui.test_pin_hygiene import MARK_NEW, MARK_WRONG, assert_clean
from tui.kiosk.ending import KioskEndScreen
from tui.kiosk.pins import KioskNewPinScreen, KioskProofPinScreen
from tui.kiosk.start import KioskStartScreen
from tui.screens.still_there import StillThereScreen
from tui.widgets.pin_input import PinInput


def live_pins() -> list[Pin]:
    gc.collect()
    return [thing for thing in gc.get_objects() if isinstance(thing, Pin)]


@pytest.fixture
def pins_before() -> set[int]:
    """The PINs alive before the test (other modules' constants): the test's own must all go."""
    return {id(pin) for pin in live_pins()}


def assert_cleared(kiosk: Kiosk, fields: list[PinInput], flow: ResetFlow | None, before: set[int]) -> None:
    app = kiosk.app
    assert isinstance(app.screen, KioskStartScreen)
    assert [field.value for field in fields] == [""] * len(fields)
    assert isinstance(flow, ResetFlow)
    assert isinstance(flow.state, st.Cancelled)
    assert flow._pending_pin is None
    assert app.wizard.flow is None and app.wizard.card is None
    assert [pin for pin in live_pins() if id(pin) not in before] == []


@pytest.mark.parametrize(
    ("lang", "warning", "cleared"),
    [
        ("en", "Otherwise everything typed is cleared in 20 seconds.", "so everything typed was cleared."),
        ("ja", "20 秒後に入力した内容を消去します。", "入力した内容を消去しました。"),
    ],
)
async def test_the_idle_countdown_clears_a_typed_pin_and_returns_to_the_start(
    tmp_path: Path, pins_before: set[int], lang: str, warning: str, cleared: str
) -> None:
    kiosk = Kiosk(tmp_path, lang=lang)
    await kiosk.reserve()
    app = kiosk.app
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "enter", *"12")
        field, flow = app.screen.query_one(PinInput), app.wizard.flow
        assert field.value == "12"
        await kiosk.wait(pilot, 59)
        assert isinstance(app.screen, KioskProofPinScreen)  # a minute is not up yet
        await kiosk.wait(pilot, 1)
        assert isinstance(app.screen, StillThereScreen) and shows(app, warning)
        await kiosk.wait(pilot, 19)
        assert isinstance(app.screen, StillThereScreen) and field.value == "12"
        await kiosk.wait(pilot, 1)
        assert_cleared(kiosk, [field], flow, pins_before)
        assert shows(app, cleared)


async def test_a_key_during_the_countdown_keeps_the_entry_and_is_not_typed(tmp_path: Path) -> None:
    kiosk = Kiosk(tmp_path)
    await kiosk.reserve()
    app = kiosk.app
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "enter", *"12")
        await kiosk.wait(pilot, 70)
        assert isinstance(app.screen, StillThereScreen)
        await press(pilot, "3")
        assert isinstance(app.screen, KioskProofPinScreen)
        assert app.screen.query_one(PinInput).value == "12"
        await kiosk.wait(pilot, 59)
        assert isinstance(app.screen, KioskProofPinScreen)


async def test_the_idle_countdown_drops_a_pin_waiting_for_the_last_try_confirmation(
    tmp_path: Path, pins_before: set[int]
) -> None:
    kiosk = Kiosk(tmp_path)
    await kiosk.reserve()
    kiosk.reader.card.pins[0x18].tries_left = 1  # type: ignore[union-attr]
    app = kiosk.app
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "enter", *"1234", "enter")
        flow = app.wizard.flow
        assert flow is not None and isinstance(flow.state, st.ConfirmLastTry)
        assert flow._pending_pin is not None
        await kiosk.wait(pilot, 60)
        await kiosk.wait(pilot, 20)
        assert_cleared(kiosk, [], flow, pins_before)
    assert kiosk.reader.card.pins[0x18].tries_left == 1  # type: ignore[union-attr]  # nothing was sent


@pytest.mark.parametrize("where", ["proof", "new"])
async def test_a_card_taken_off_mid_entry_clears_everything(
    tmp_path: Path, pins_before: set[int], where: str
) -> None:
    kiosk = Kiosk(tmp_path)
    await kiosk.reserve()
    app = kiosk.app
    route = ("enter", "1", "2") if where == "proof" else ("enter", *"1234", "enter", *"new", "tab", *"ne")
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, *route)
        fields, flow = list(app.screen.query(PinInput)), app.wizard.flow
        assert any(field.value for field in fields)
        kiosk.reader.remove_card()
        await settle(pilot)
        assert_cleared(kiosk, fields, flow, pins_before)
        assert shows(app, "The card was taken off, so everything typed was cleared.")
        kiosk.reader.insert_card()  # the card coming back starts again from the card check
        await settle(pilot)
        assert isinstance(app.screen, KioskProofPinScreen)


class LiftingReader(EmulatedReader):
    """Lifts the card as the first command with ``ins`` is sent (it never reaches the card)."""

    def __init__(self, ins: int, after_reset: bool = False) -> None:
        super().__init__("adult")
        self.ins, self.after_reset, self.reset_seen = ins, after_reset, False

    async def transmit(self, command: bytes) -> bytes:
        self.reset_seen |= command[1] == 0x2C
        if command[1] == self.ins and self.card is not None and (self.reset_seen or not self.after_reset):
            self.ins = -1
            self.remove_card()
        return await super().transmit(command)


@pytest.mark.parametrize(
    ("ins", "after_reset", "lands_on"),
    [
        (0x82, False, KioskProofPinScreen),  # before the card took the new PIN: the PIN is asked again
        (0x20, True, KioskEndScreen),  # after: the tries are read back and the reset is done
    ],
)
async def test_a_card_taken_off_during_the_reset_is_asked_back_to_tell_the_outcome(
    tmp_path: Path, ins: int, after_reset: bool, lands_on: type
) -> None:
    kiosk = Kiosk(tmp_path)
    kiosk.reader = LiftingReader(ins, after_reset)
    await kiosk.reserve()
    app = kiosk.app
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "enter", *"1234", "enter", *"new2pin", "enter", *"new2pin", "enter")
        assert isinstance(app.screen, KioskNewPinScreen)
        assert shows(app, "The card was taken off too early")
        assert shows(app, "Put your card back on the reader to finish.")
        kiosk.reader.insert_card()
        await settle(pilot)
        assert isinstance(app.screen, lands_on)
        if lands_on is KioskEndScreen:
            assert shows(app, "DONE: your new signing PIN is set.")


async def test_an_ending_counts_down_and_returns_to_the_start_by_itself(tmp_path: Path) -> None:
    kiosk = Kiosk(tmp_path, lang="ja")
    app = kiosk.app
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "f2", "f3", "enter")  # no reservation: an ending; English, high contrast
        assert isinstance(app.screen, KioskEndScreen)
        assert shows(app, "This screen goes back to the start in 30 seconds")
        await kiosk.wait(pilot, 20)
        assert shows(app, "in 10 seconds")
        await kiosk.wait(pilot, 10)
        assert isinstance(app.screen, KioskStartScreen)
        # The next person finds the kiosk as it was set up.
        assert (app.lang, app.theme) == ("ja", "textual-dark")


async def test_a_card_taken_off_keeps_the_residents_language(tmp_path: Path) -> None:
    kiosk = Kiosk(tmp_path, lang="ja")
    await kiosk.reserve()
    app = kiosk.app
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "f2", "enter", "1")
        kiosk.reader.remove_card()
        await settle(pilot)
        assert isinstance(app.screen, KioskStartScreen) and app.lang == "en"
        await kiosk.wait(pilot, 80)  # the note and the language go back later
        assert app.lang == "ja" and not app.screen.note_shown  # type: ignore[attr-defined]


async def test_marker_pins_stay_off_the_kiosk_screen_the_log_and_the_recording(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    recording = io.StringIO()
    kiosk = Kiosk(tmp_path)
    kiosk.reader = RecordingReader(EmulatedReader("adult"), recording)  # type: ignore[assignment]
    await kiosk.reserve()
    app = kiosk.app
    seen: list[str] = []
    async with app.run_test(size=(80, 24)) as pilot:
        for keys in (("enter",), tuple(MARK_WRONG), ("enter",), (*"1234", "enter"), tuple(MARK_NEW.lower())):
            await press(pilot, *keys)
            seen += [screen_text(app), app.export_screenshot()]
        await press(pilot, "enter", *MARK_NEW.lower(), "enter")
        seen += [screen_text(app), app.export_screenshot()]
        assert shows(app, "DONE: your new signing PIN is set.")
        state = repr(vars(app.wizard)) + repr(vars(app.screen)) + repr(vars(app))
    for number, text in enumerate(seen):
        assert_clean(f"screen {number}", text)
    assert_clean("the log", caplog.text)
    assert_clean("the recording", recording.getvalue())
    assert_clean("the app's state", state)
