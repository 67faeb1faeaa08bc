"""Step 1 and step 2 driven to the end with key presses only, on the training card, in both
languages; the card afterwards takes the new PIN."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from pathlib import Path

import pytest

from readers.emulated import EmulatedReader
from readers.jpki import JpkiSession, PinKind
from readers.pin import Pin
from reset_flow.clock import FixedClock
from reset_flow.trust import TrustAnchors
from reset_flow.trust_setup import training_trust
from tests.tui.driving import embedded_service, make_app, press, reserved_beforehand, settle, shows, walk
from tui.screens.start import StartScreen

AT = "2026-04-01T10:00:00+09:00"  # Wednesday morning, kiosks open

STEP1_SIGN = (["down", "enter"], ["enter"], ["n", "n"], ["enter"], [*"1234", "enter"])
TO_STEP2 = (["enter"], ["down", "down", "down", "enter"], ["enter"])


@pytest.mark.parametrize(
    ("lang", "reserved", "done"),
    [
        ("en", "DONE: the reset of the signing PIN is reserved.", "The card now shows 5 of 5 tries left."),
        (
            "ja",
            "完了：署名用電子証明書の暗証番号の初期化を予約しました。",
            "カードの残り回数は 5 回（最大 5 回）になりました。",
        ),
    ],
)
async def test_both_steps_by_keys_reset_the_signing_pin(
    tmp_path: Path, lang: str, reserved: str, done: str
) -> None:
    reader = EmulatedReader("adult")
    app = make_app("training:adult", lang=lang, at=AT, data_dir=tmp_path, open_reader=lambda spec: reader)
    async with app.run_test(size=(80, 24)) as pilot:
        await walk(pilot, *STEP1_SIGN)
        assert shows(app, reserved)
        assert shows(app, "2026-04-02 10:00")  # 24 hours later, Japan time
        for keys in (*TO_STEP2, [*"1234", "enter"], [*"new2pin", "enter", *"new2pin", "enter"]):
            await press(pilot, *keys)
        assert shows(app, done)
    await reader.connect()
    await JpkiSession.on(reader).verify(PinKind.SIGN, Pin("NEW2PIN"))  # typed lower case, stored upper


async def test_step_1_for_the_user_authentication_pin_asks_for_the_signing_pin(tmp_path: Path) -> None:
    app = make_app("training:adult", at=AT, data_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await walk(pilot, ["down", "down", "enter"], ["enter"], ["enter"])
        assert shows(app, "The signing PIN: 6 to 16 half-width characters")
        assert shows(app, "5 of 5 tries left")
        assert shows(app, "Letters are turned into capitals as they are typed")
        await press(pilot, *"train1234", "enter")
        assert shows(app, "DONE: the reset of the user-authentication PIN is reserved.")


async def test_a_reservation_at_night_says_when_kiosks_open_and_the_last_chance(tmp_path: Path) -> None:
    app = make_app("training:adult", at="2026-04-01T23:30:00+09:00", data_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await walk(pilot, *STEP1_SIGN)
        assert shows(app, "The kiosks are closed now; they open at 2026-04-02 06:30 Japan time.")
        # The deadline, 23:30 tomorrow, falls in the closed hours: the last chance is the 23:00 closing.
        assert shows(app, "Step 2 is possible until 2026-04-02 23:30 Japan time")
        assert shows(app, "the last chance is 2026-04-02 23:00 Japan time")


async def test_step_2_outside_kiosk_hours_stops_before_the_card(tmp_path: Path) -> None:
    app = make_app("training:adult", at="2026-04-01T05:00:00+09:00", data_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "down", "down", "down", "enter")
        assert shows(app, "CLOSED") and shows(app, "It opens at 2026-04-01 06:30 Japan time.")
        await press(pilot, "enter")
        assert isinstance(app.screen, StartScreen)


async def test_step_2_without_a_reservation_says_to_do_step_1(tmp_path: Path) -> None:
    app = make_app("training:adult", at=AT, data_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "down", "down", "down", "enter")
        await press(pilot, "enter")
        assert shows(app, "No reservation for this card")
        assert shows(app, "Do step 1 first.")


async def test_a_real_card_stops_before_the_issuer_command_and_says_why(tmp_path: Path) -> None:
    """A card whose issuer the service trusts without holding its reset authority (as with J-LIS)."""
    clock = FixedClock(datetime.fromisoformat(AT))
    anchors = tuple(dataclasses.replace(a, resettable=False) for a in training_trust().anchors)
    service = embedded_service(tmp_path, clock, trust=TrustAnchors(anchors, reset_master_key=None))
    app = make_app("training:adult", data_dir=tmp_path, service=service)
    app.wizard.clock = clock
    async with app.run_test(size=(80, 24)) as pilot:
        await reserved_beforehand(app, PinKind.SIGN)  # step 1 at the counter earlier
        await walk(pilot, *TO_STEP2[1:], [*"1234", "enter"], [*"new2pin", "enter", *"new2pin", "enter"])
        assert shows(app, "STOPPED: this is a real card.")
        assert shows(app, "needs the issuer's (J-LIS) authority")
        assert shows(app, "- the card's signature checked")


@pytest.mark.parametrize("at", [AT, None])
async def test_the_training_clock_is_on_a_banner_only_when_set(tmp_path: Path, at: str | None) -> None:
    app = make_app("training:adult", at=at, data_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "down", "down", "down", "enter")  # step 2 asks the service for its time
        assert shows(app, "TRAINING CLOCK: set to 2026-04-01 10:00 Japan time by --at") is (at is not None)
        assert shows(app, "TRAINING CLOCK") is (at is not None)


@pytest.mark.parametrize(
    ("task", "typed", "reserved"),
    [
        (["down", "enter"], "１２３４", "署名用電子証明書の暗証番号の初期化を予約しました"),
        (
            ["down", "down", "enter"],
            "ｔｒａｉｎ１２３４",
            "利用者証明用電子証明書の暗証番号の初期化を予約しました",
        ),
    ],
)
async def test_full_width_input_from_a_japanese_input_method_is_taken_as_half_width(
    tmp_path: Path, task: list[str], typed: str, reserved: str
) -> None:
    app = make_app("training:adult", lang="ja", at=AT, data_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await walk(pilot, task, ["enter"])
        if task == ["down", "enter"]:
            await press(pilot, "n", "n")  # the signing certificate's questions
        await press(pilot, "enter")
        assert shows(app, "半角")  # the rule text says half-width, as the guidebooks do
        await press(pilot, *typed)
        assert shows(app, "形式は正しいです。")
        await press(pilot, "enter")
        assert shows(app, reserved)
