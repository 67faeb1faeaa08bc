"""Kiosk mode by keys: the whole step 2 in both languages, the endings in the resident's words,
no key that leaves the mode, and the staff code that does."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input

from readers.jpki import JpkiSession, PinKind
from readers.pin import Pin
from tests.tui.driving import press, settle, shows
from tests.tui.kiosk_driving import STAFF_CODE, Kiosk
from tui.kiosk.ending import KioskEndScreen
from tui.kiosk.pins import KioskNewPinScreen, KioskProofPinScreen
from tui.kiosk.start import KioskStartScreen
from tui.widgets.pin_input import PinInput

SIGN_RESET = {
    "en": ("Tries left: 3", "DONE: your new signing PIN is set.", "Please take your card."),
    "ja": ("残り回数：3 回", "完了：新しい署名用電子証明書の暗証番号を設定しました。", "カードをお取り"),
}


# The tests open alike (a kiosk, a reservation, the app at 80x24, Enter) and then part: each spells
# its opening out, so that it reads on its own as a resident's session (test_kiosk_clearing.py too).
@pytest.mark.parametrize("lang", ["en", "ja"])
async def test_the_whole_step_2_by_keys_resets_the_signing_pin(tmp_path: Path, lang: str) -> None:
    kiosk = Kiosk(tmp_path, lang=lang)
    await kiosk.reserve(PinKind.SIGN)
    app = kiosk.app
    tries, done, take = SIGN_RESET[lang]
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, KioskStartScreen)
        await press(pilot, "enter")
        assert isinstance(app.screen, KioskProofPinScreen) and shows(app, tries)
        await press(pilot, *"1234", "enter")
        assert isinstance(app.screen, KioskNewPinScreen)
        await press(pilot, *"new2pin", "enter", *"new2pin", "enter")
        assert isinstance(app.screen, KioskEndScreen)
        assert shows(app, done) and shows(app, take)
        kiosk.reader.remove_card()  # the resident takes the card: the start comes back
        await settle(pilot)
        assert isinstance(app.screen, KioskStartScreen)
    kiosk.reader.insert_card()
    await kiosk.reader.connect()
    await JpkiSession.on(kiosk.reader).verify(PinKind.SIGN, Pin("NEW2PIN"))  # typed lower case, set upper


async def test_step_2_for_the_user_authentication_pin_asks_for_the_signing_pin(tmp_path: Path) -> None:
    kiosk = Kiosk(tmp_path)
    await kiosk.reserve(PinKind.AUTH)
    app = kiosk.app
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "enter")
        assert shows(app, "Type your signing PIN (6 to 16 letters and digits). Then press Enter.")
        assert shows(app, "Tries left: 5")
        await press(pilot, *"train1234", "enter")
        await press(pilot, *"0042", "enter", *"0042", "enter")
        assert shows(app, "DONE: your new user-authentication PIN is set.")


async def test_a_wrong_pin_says_the_tries_left_and_asks_again(tmp_path: Path) -> None:
    kiosk = Kiosk(tmp_path, lang="ja")
    await kiosk.reserve()
    app = kiosk.app
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "enter")
        await press(pilot, *"9999", "enter")
        assert shows(app, "暗証番号が違います") and shows(app, "残り回数：2 回")
        assert app.screen.query_one(PinInput).value == ""
        await press(pilot, *"1234", "enter")
        assert isinstance(app.screen, KioskNewPinScreen)


async def test_a_pin_that_cannot_be_right_is_not_sent(tmp_path: Path) -> None:
    kiosk = Kiosk(tmp_path)
    await kiosk.reserve()
    app = kiosk.app
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "enter", *"12", "enter")
        assert shows(app, "Nothing was sent, because:") and shows(app, "must be exactly 4 digits")
        assert kiosk.reader.card is not None and kiosk.reader.card.pins[0x18].tries_left == 3


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", ("CLOSED: please come back from 2026-04-01 06:30", "holds until 2026-04-02 05:00")),
        ("ja", ("時間外：2026-04-01 06:30（日本時間）以降に", "2026-04-02 05:00（日本時間）まで有効")),
    ],
)
async def test_closed_hours_say_when_to_come_back_and_until_when_the_reservation_holds(
    tmp_path: Path, lang: str, said: tuple[str, ...]
) -> None:
    kiosk = Kiosk(tmp_path, lang=lang, at="2026-04-01T05:00:00+09:00")
    await kiosk.reserve()  # step 1 works at any hour
    app = kiosk.app
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "enter")
        assert isinstance(app.screen, KioskEndScreen)
        assert all(shows(app, words) for words in said)
        assert kiosk.reader.card is not None and kiosk.reader.card.pins[0x18].tries_left == 3


async def test_a_reservation_that_ends_before_the_opening_says_to_do_step_1_again(tmp_path: Path) -> None:
    kiosk = Kiosk(tmp_path, at="2026-04-01T05:10:00+09:00")
    await kiosk.reserve()
    kiosk.service_clock.set(kiosk.service_clock.now().replace(day=2, hour=5, minute=0))
    app = kiosk.app
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "enter")
        assert shows(app, "Your reservation ends at 2026-04-02 05:10 (Japan time), before the terminal")


@pytest.mark.parametrize(
    ("reserve", "said", "staff"),
    [
        (False, "NO RESERVATION: please do step 1 first.", None),
        (True, "CITY OFFICE: please go to the office of the city where your residence", "auth-pin-blocked"),
    ],
)
async def test_endings_speak_to_the_resident_and_keep_codes_on_the_staff_line(
    tmp_path: Path, reserve: bool, said: str, staff: str | None
) -> None:
    kiosk = Kiosk(tmp_path)
    if reserve:
        await kiosk.reserve()
        kiosk.reader.card.pins[0x18].tries_left = 0  # type: ignore[union-attr]  # blocked since step 1
    app = kiosk.app
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "enter")
        assert isinstance(app.screen, KioskEndScreen) and shows(app, said)
        assert shows(app, "Please take your card.")
        if staff:
            assert shows(app, f"For staff: {staff}")
            assert shows(app, "the user-authentication PIN is blocked")
        assert "For staff" not in (app.screen.query_one("#outcome").render().plain)  # type: ignore[attr-defined]
        await press(pilot, "enter")  # Enter: back to the start at once
        assert isinstance(app.screen, KioskStartScreen)


async def test_the_last_try_asks_first_and_n_lets_the_resident_type_again(tmp_path: Path) -> None:
    kiosk = Kiosk(tmp_path)
    await kiosk.reserve()
    kiosk.reader.card.pins[0x18].tries_left = 1  # type: ignore[union-attr]  # two slips since step 1
    app = kiosk.app
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "enter")
        assert shows(app, "LAST TRY: if this is wrong, this PIN is locked too.")
        await press(pilot, *"1234", "enter")
        assert shows(app, "Press Y to send it. Press N to type it again.")
        await press(pilot, "n")
        assert isinstance(app.screen, KioskProofPinScreen)
        assert kiosk.reader.card.pins[0x18].tries_left == 1  # type: ignore[union-attr]
        await press(pilot, *"1234", "enter", "y")
        assert isinstance(app.screen, KioskNewPinScreen)


# --- nothing leaves the mode but the staff code ---------------------------------------------------

NOT_A_WAY_OUT = ["escape", "ctrl+q", "ctrl+c", "ctrl+d", "ctrl+z", *(f"f{n}" for n in range(4, 13))]


@pytest.mark.parametrize("where", ["start", "proof", "new", "end"])
async def test_escape_ctrl_q_and_other_function_keys_do_not_leave(tmp_path: Path, where: str) -> None:
    kiosk = Kiosk(tmp_path)
    await kiosk.reserve()
    app = kiosk.app
    route = {
        "start": (),
        "proof": ("enter", "1", "2"),
        "new": ("enter", *"1234", "enter", "a", "b"),
        "end": ("enter", *"1234", "enter", *"new2pin", "enter", *"new2pin", "enter"),
    }[where]
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, *route)
        screen = app.screen
        typed = [field.value for field in screen.query(PinInput)]
        for key in NOT_A_WAY_OUT:
            await press(pilot, key)
            assert app.return_code is None, key
            assert app.screen is screen, key
            assert [field.value for field in screen.query(PinInput)] == typed, key


async def test_f1_to_f3_stay_help_language_and_large_text(tmp_path: Path) -> None:
    kiosk = Kiosk(tmp_path)
    app = kiosk.app
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "f1")
        assert shows(app, "To stop, take your card off the reader")
        await press(pilot, "escape")  # closes the help, and nothing else
        assert isinstance(app.screen, KioskStartScreen)
        await press(pilot, "f2")
        assert shows(app, "マイナンバーカードの暗証番号の初期化")
        themes = []
        for _ in range(3):
            await press(pilot, "f3")
            themes.append(app.theme)
        assert themes == ["jpki-high-contrast", "jpki-large-text", "textual-dark"]


async def test_the_staff_code_leaves_and_a_wrong_one_clears_the_entries(tmp_path: Path) -> None:
    kiosk = Kiosk(tmp_path)
    await kiosk.reserve()
    app = kiosk.app
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "enter", *"12")
        await press(pilot, "ctrl+x")
        assert shows(app, "Staff only: leave kiosk mode")
        await press(pilot, "escape")  # staff changed their mind: the resident's entry stays
        assert app.screen.query_one(PinInput).value == "12"
        await press(pilot, "ctrl+x", *"guess1", "enter")
        assert isinstance(app.screen, KioskStartScreen) and app.return_code is None
        assert shows(app, "Everything typed was cleared.")
        await press(pilot, "ctrl+x")
        await pilot.press(*STAFF_CODE, "enter")
        await pilot.pause()
        assert app.return_code == 0


async def test_the_staff_code_box_keeps_no_code_on_a_clipboard(tmp_path: Path) -> None:
    app = Kiosk(tmp_path).app
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "ctrl+x", *"secret9", "shift+home", "ctrl+c", "ctrl+x")
        assert app.clipboard == ""
        field = app.screen.query_one(Input)
        assert "secret9" not in repr(field.render_line(0))


async def test_reservations_for_both_pins_let_the_resident_choose(tmp_path: Path) -> None:
    kiosk = Kiosk(tmp_path)
    await kiosk.reserve(PinKind.SIGN)
    await kiosk.reserve(PinKind.AUTH)
    app = kiosk.app
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "enter")
        assert shows(app, "You reserved resets of both PINs.")
        assert shows(app, "user-authentication PIN (4 digits)")
        await press(pilot, "down", "enter")
        assert isinstance(app.screen, KioskProofPinScreen)
        assert shows(app, "Type your signing PIN (6 to 16 letters and digits).")


async def test_an_ended_reservation_and_a_locked_pin_each_say_what_to_do(tmp_path: Path) -> None:
    kiosk = Kiosk(tmp_path, lang="ja")
    await kiosk.reserve()
    kiosk.service_clock.set(kiosk.service_clock.now().replace(day=2, minute=5))  # 24 h and 5 min later
    app = kiosk.app
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "enter")
        assert shows(app, "期限切れ：署名用電子証明書の暗証番号の事前予約は2026-04-0210:00")
        await press(pilot, "enter", "f2")
        await kiosk.reserve()  # step 1 again: then three wrong PINs lock it
        await press(pilot, "enter")
        for _ in range(3):
            await press(pilot, *"9999", "enter")
        assert shows(app, "Last try")  # the third is asked first
        await press(pilot, "y")
        assert isinstance(app.screen, KioskEndScreen)
        assert shows(app, "LOCKED: your user-authentication PIN is locked.")
        assert shows(app, "Please go to the office of the city where your residence is registered")
