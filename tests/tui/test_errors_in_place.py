"""Each error is explained on the screen where it happened, in words, with what to do next; the
wizard resumes where it was once the cause is gone. None is left to a passing toast."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from readers.emulated import EmulatedReader
from tests.tui.driving import embedded_service, make_app, press, settle, shows, walk
from tui.app import ResetApp
from tui.screens.card_check import CardCheckScreen
from tui.screens.photo_id import PhotoIdScreen
from tui.screens.place_card import PlaceCardScreen
from tui.screens.proof_pin import ProofPinScreen
from tui.screens.results import ReservationScreen
from tui.screens.start import StartScreen
from tui.screens.triage import TriageScreen

AT = "2026-04-01T10:00:00+09:00"
# step 1, signing PIN: up to the auth PIN (no change, no loss reported)
TO_PROOF_PIN = (["down", "enter"], ["enter"], ["n", "n"], ["enter"])
RECORDINGS = Path(__file__).resolve().parents[2] / "recordings"


def no_toasts(app: ResetApp) -> bool:
    return not app._notifications


async def test_card_lifted_during_the_pin_check_then_put_back_resumes(tmp_path: Path) -> None:
    reader = EmulatedReader("adult")
    app = make_app("training:adult", at=AT, data_dir=tmp_path, open_reader=lambda spec: reader)
    async with app.run_test(size=(80, 24)) as pilot:
        await walk(pilot, *TO_PROOF_PIN)
        reader.remove_after(1)  # the card leaves as the PIN goes to it
        await press(pilot, *"1234", "enter")
        assert isinstance(app.screen, ProofPinScreen)
        assert shows(app, "The card left the reader during the PIN check")
        assert shows(app, "Put the card back on the reader")
        reader.insert_card()  # the reader reports the card: the wizard carries on by itself
        await settle(pilot)
        assert isinstance(app.screen, ProofPinScreen)
        assert not app.screen.error_shown
        assert shows(app, "3 of 3 tries left")  # read again from the card: the try was not spent
        await press(pilot, *"1234", "enter")
        assert isinstance(app.screen, ReservationScreen)
        assert no_toasts(app)


async def test_card_lifted_while_it_is_read_resumes_with_enter(tmp_path: Path) -> None:
    reader = EmulatedReader("adult")
    reader.remove_after(3)
    app = make_app("training:adult", at=AT, data_dir=tmp_path, open_reader=lambda spec: reader)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "down", "enter")
        assert isinstance(app.screen, PlaceCardScreen)
        assert shows(app, "The card was taken off the reader")
        reader.card = reader._lifted  # put back without the reader noticing: staff presses Enter
        await press(pilot, "enter")
        assert isinstance(app.screen, TriageScreen)
        assert shows(app, "KIOSK PATH POSSIBLE")


@pytest.mark.parametrize(
    ("lang", "title"), [("en", "Wrong PIN: 2 tries left"), ("ja", "暗証番号が違います：残り 2 回")]
)
async def test_a_wrong_pin_says_the_tries_left_and_asks_again(tmp_path: Path, lang: str, title: str) -> None:
    app = make_app("training:adult", lang=lang, at=AT, data_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await walk(pilot, *TO_PROOF_PIN)
        await press(pilot, *"9999", "enter")
        assert isinstance(app.screen, ProofPinScreen)
        assert shows(app, title)
        await press(pilot, *"1234", "enter")
        assert isinstance(app.screen, ReservationScreen)
        assert no_toasts(app)


async def test_the_last_try_is_named_before_entry_and_confirmed_before_it_is_spent(tmp_path: Path) -> None:
    reader = EmulatedReader("one-try-left")
    app = make_app("training:one-try-left", at=AT, data_dir=tmp_path, open_reader=lambda spec: reader)
    async with app.run_test(size=(80, 24)) as pilot:
        await walk(pilot, *TO_PROOF_PIN)
        assert shows(app, "1 of 3 tries left")
        assert shows(app, "LAST TRY")
        await press(pilot, *"9999", "enter")
        assert shows(app, "Only one try is left.")  # the confirmation, before anything is sent
        await press(pilot, "n")  # the resident wants to check first: nothing goes to the card
        assert isinstance(app.screen, ProofPinScreen)
        assert shows(app, "1 of 3 tries left")
        await press(pilot, *"9999", "enter", "y")
        assert isinstance(app.screen, ProofPinScreen)
        assert shows(app, "The user-authentication PIN is blocked")
        assert shows(app, "municipal window")
        await press(pilot, "enter")
        assert isinstance(app.screen, StartScreen)
    assert reader.card is not None and reader.card.profile.name == "one-try-left"


class SwitchableTransport(httpx.AsyncBaseTransport):
    """The embedded service, behind a switch that makes it unreachable."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner, self.down = inner, False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.down:
            raise httpx.ConnectError("the service is down", request=request)
        return await self.inner.handle_async_request(request)


async def test_service_unreachable_is_explained_and_enter_tries_again(tmp_path: Path) -> None:
    app = make_app("training:adult", at=AT, data_dir=tmp_path)
    switch: SwitchableTransport | None = None

    def switchable(transport: httpx.AsyncBaseTransport) -> httpx.AsyncBaseTransport:
        nonlocal switch
        switch = SwitchableTransport(transport)
        return switch

    app.wizard.service = embedded_service(tmp_path, app.wizard.clock, wrap=switchable)
    assert switch is not None
    async with app.run_test(size=(80, 24)) as pilot:
        await walk(pilot, *TO_PROOF_PIN)
        switch.down = True
        await press(pilot, *"1234", "enter")
        assert isinstance(app.screen, ProofPinScreen)
        assert shows(app, "The reservation service does not answer")
        assert shows(app, "no PIN is asked again")
        switch.down = False
        await press(pilot, "enter")
        assert isinstance(app.screen, ReservationScreen)


async def test_a_recording_that_goes_differently_names_the_line_and_the_commands() -> None:
    app = make_app(f"replay:{RECORDINGS / 'verify-auth-ok.jsonl'}")
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "enter")  # a card check, on a recording of a PIN check
        assert isinstance(app.screen, CardCheckScreen)
        assert shows(app, "The recording went differently")
        assert shows(app, "the recording expects SELECT EF 0018 auth PIN")
        assert shows(app, "but the program sent SELECT EF 0006 token info")


async def test_a_recording_that_goes_differently_in_a_step_ends_it_in_place(tmp_path: Path) -> None:
    app = make_app(f"replay:{RECORDINGS / 'card-check-adult.jsonl'}", at=AT, data_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for keys in TO_PROOF_PIN:  # the recording holds the card check only, no PIN check
            await press(pilot, *keys)
        assert isinstance(app.screen, PhotoIdScreen)  # where the PIN's tries were to be read
        assert shows(app, "The recording went differently")
        assert shows(app, "At line 24, the recording expects the event power_off")
        assert shows(app, "choose a recording made for this task")


async def test_triage_sends_a_card_with_both_pins_blocked_to_the_window(tmp_path: Path) -> None:
    app = make_app("training:both-blocked", at=AT, data_dir=tmp_path, lang="ja")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "down", "enter")
        assert isinstance(app.screen, TriageScreen)
        assert shows(app, "市区町村の窓口へ")
        assert shows(app, "両方の暗証番号がロックされています")
        assert shows(app, "任意代理人の場合は、先に申請するとご本人あてに照会書（回答書）が郵送され")
