"""Staff mode: a PIN typed and left alone is cleared after a longer idle time of its own, with the
same visible countdown; without a typed PIN nothing is timed."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from reset_flow import states as st
from tests.tui.driving import make_app, press, settle, shows, walk
from tests.tui.kiosk_driving import HandClock
from tui.app import ResetApp
from tui.cli import build_parser
from tui.launch import build_app
from tui.screens.proof_pin import ProofPinScreen
from tui.screens.start import StartScreen
from tui.screens.still_there import StillThereScreen
from tui.widgets.pin_input import PinInput

AT = "2026-04-01T10:00:00+09:00"
# step 1, signing PIN: the auth PIN asked (no change, no loss reported)
TO_PROOF_PIN = (("down", "enter"), ("enter",), ("n", "n"), ("enter",))


def staff_app(tmp_path: Path, clock: HandClock) -> ResetApp:
    app = make_app("training:adult", at=AT, data_dir=tmp_path)
    app.idle_clock = clock
    return app


async def wait(app: ResetApp, pilot: Pilot, clock: HandClock, seconds: float) -> None:
    clock.advance(seconds)
    await app.tick_pin_idle()
    await settle(pilot)


async def test_a_typed_pin_left_alone_is_cleared_and_the_task_stops(tmp_path: Path) -> None:
    clock = HandClock()
    app = staff_app(tmp_path, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await walk(pilot, *TO_PROOF_PIN)
        await press(pilot, *"12")
        field, flow = app.screen.query_one(PinInput), app.wizard.flow
        await wait(app, pilot, clock, 179)
        assert isinstance(app.screen, ProofPinScreen)  # longer than the kiosk's minute
        await wait(app, pilot, clock, 1)
        assert isinstance(app.screen, StillThereScreen)
        assert shows(app, "the PIN entries are cleared and the task stops in 20 seconds")
        await wait(app, pilot, clock, 20)
        assert field.value == "" and flow is not None and isinstance(flow.state, st.Cancelled)
        assert app.wizard.flow is None
        assert shows(app, "because no key was pressed for 3 minutes")
        await press(pilot, "space")  # whoever comes back reads it, then a key closes it
        assert isinstance(app.screen, StartScreen) and app.wizard.task is None


async def test_a_key_keeps_the_pin_and_no_pin_means_no_timer(tmp_path: Path) -> None:
    clock = HandClock()
    app = staff_app(tmp_path, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await walk(pilot, *TO_PROOF_PIN)
        await wait(app, pilot, clock, 600)  # nothing typed: the screen waits as long as it takes
        assert isinstance(app.screen, ProofPinScreen)
        await press(pilot, "1")
        await wait(app, pilot, clock, 185)
        assert isinstance(app.screen, StillThereScreen)
        await press(pilot, "2")  # taken by the box: not typed
        assert isinstance(app.screen, ProofPinScreen) and app.screen.query_one(PinInput).value == "1"
        await wait(app, pilot, clock, 179)
        assert isinstance(app.screen, ProofPinScreen)


async def test_a_pin_waiting_for_the_last_try_question_is_dropped(tmp_path: Path) -> None:
    clock = HandClock()
    app = make_app("training:one-try-left", at=AT, data_dir=tmp_path)
    app.idle_clock = clock
    async with app.run_test(size=(80, 24)) as pilot:
        await walk(pilot, *TO_PROOF_PIN, (*"1234", "enter"))
        flow = app.wizard.flow
        assert flow is not None and flow._pending_pin is not None
        await wait(app, pilot, clock, 180)
        await wait(app, pilot, clock, 20)
        assert flow._pending_pin is None and isinstance(flow.state, st.Cancelled)


def test_the_staff_idle_time_has_its_own_option() -> None:
    app = build_app(build_parser().parse_args(["--reader", "training:adult", "--pin-idle", "300"]))
    assert app.pin_idle_seconds == 300
    assert build_app(build_parser().parse_args([])).pin_idle_seconds == 180
