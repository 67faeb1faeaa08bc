"""The dead ends and wrong steps a counter clerk met in the first-use walkthrough, each driven by
the keys that showed it, in both languages where words are involved. Where a defect was in step 2,
step 1 was done beforehand (as at the counter earlier): the walk starts at step 2."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from textual.widgets import OptionList

from readers.jpki import PinKind
from tests.tui.driving import make_app, press, reserved_beforehand, screen_text, settle, shows, walk
from tui.app import ResetApp
from tui.screens.proof_pin import ProofPinScreen

AT = "2026-04-01T10:00:00+09:00"  # Wednesday morning, kiosks open
STEP2 = (["end", "enter"], ["enter"])


def options_shown(app: ResetApp) -> list[str]:
    """The lines of the screen's option list, as drawn (without the focus bar)."""
    listing = app.screen.query_one(OptionList)
    lines = screen_text(app).splitlines()[listing.region.y : listing.region.bottom]
    return [line.strip(" █▌▊▎") for line in lines if line.strip(" █▌▊▎")]


@pytest.mark.parametrize("lang", ["en", "ja"])
async def test_which_reservation_lists_both_pins_and_answers_keys(tmp_path: Path, lang: str) -> None:
    app = make_app("training:adult", lang=lang, at=AT, data_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await reserved_beforehand(app, PinKind.SIGN, PinKind.AUTH)  # step 1 for both, earlier
        await walk(pilot, *STEP2)
        # Listed at once (no F2 or resize needed), in the screen's language.
        assert options_shown(app) == [app.t("pin.label.sign"), app.t("pin.label.auth")]
        await press(pilot, "down", "enter")  # the user-authentication PIN: proven with the signing PIN
        assert isinstance(app.screen, ProofPinScreen)
        assert app.screen.pin is PinKind.SIGN


async def test_a_second_enter_on_the_reservation_list_waits_for_the_first(tmp_path: Path) -> None:
    """Enter pressed again while the chosen reservation's card work runs starts nothing more (it
    used to cancel that work halfway through and start it over)."""
    app = make_app("training:adult", lang="en", at=AT, data_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await reserved_beforehand(app, PinKind.SIGN, PinKind.AUTH)
        await walk(pilot, *STEP2)
        flow, release, chosen = app.wizard.flow, asyncio.Event(), []
        assert flow is not None
        choose = flow.choose_reservation  # type: ignore[attr-defined]

        async def slow_choose(reset: PinKind) -> object:
            chosen.append(reset)
            await release.wait()  # the card work of the first Enter, still running
            return await choose(reset)

        flow.choose_reservation = slow_choose  # type: ignore[attr-defined]
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        release.set()
        await settle(pilot)
        assert chosen == [PinKind.SIGN]
        assert isinstance(app.screen, ProofPinScreen)


@pytest.mark.parametrize(
    ("lang", "said"), [("en", "The recording file is missing"), ("ja", "記録ファイルがありません")]
)
async def test_a_recording_gone_from_its_place_is_named_as_missing(
    tmp_path: Path, lang: str, said: str
) -> None:
    """A recording chosen from the list and deleted since: not 'not in the expected format'."""
    app = make_app(f"replay:{tmp_path / 'gone.jsonl'}", lang=lang, data_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await walk(pilot, ["enter"])  # card check
        assert shows(app, said)


# Each test here names its own sentences in both languages, as test_real_issuer.py's do: alike in
# shape, different screens and words.
@pytest.mark.parametrize(
    ("lang", "said", "not_said"),
    [
        (
            "en",
            "signing PIN was reset with it at 2026-04-01 10:0",
            "Do step 1 first",
        ),
        ("ja", "この予約で日本時間 2026-04-01 10:0", "先に手順1を行ってください"),
    ],
)
async def test_a_used_reservation_is_explained_as_used(
    tmp_path: Path, lang: str, said: str, not_said: str
) -> None:
    app = make_app("training:adult", lang=lang, at=AT, data_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await reserved_beforehand(app, PinKind.SIGN)
        await walk(pilot, *STEP2, [*"1234", "enter"], [*"new2pin", "tab", *"new2pin", "enter"])
        await walk(pilot, ["enter"], *STEP2)  # step 2 again on the same card
        assert shows(app, app.t("state.reservation-used.title"))
        assert shows(app, said)
        assert not shows(app, not_said)


@pytest.mark.parametrize("lang", ["en", "ja"])
async def test_step_2_names_the_pin_it_resets_before_the_proof_pin(tmp_path: Path, lang: str) -> None:
    app = make_app("training:adult", lang=lang, at=AT, data_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await reserved_beforehand(app, PinKind.SIGN, PinKind.AUTH)
        await walk(pilot, *STEP2, ["enter"])  # the signing PIN's reservation
        resets = app.t("proof.resets.step2", reset=app.t("pin.label.sign"), pin=app.t("pin.label.auth"))
        assert isinstance(app.screen, ProofPinScreen) and shows(app, resets)
        await walk(pilot, [*"1234", "enter"], [*"new2pin", "tab", *"new2pin", "enter"], ["enter"], *STEP2)
        # The second step 2 on this card takes the other reservation, and says so before the PIN.
        resets = app.t("proof.resets.step2", reset=app.t("pin.label.auth"), pin=app.t("pin.label.sign"))
        assert isinstance(app.screen, ProofPinScreen) and shows(app, resets)


@pytest.mark.parametrize("lang", ["en", "ja"])
async def test_closed_hours_say_the_reservation_ends_before_the_opening(tmp_path: Path, lang: str) -> None:
    """Reserved at 06:00, valid until 06:00 tomorrow: at 23:30 the kiosks open only at 06:30."""
    await reserved_beforehand(make_app(at="2026-04-01T06:00:00+09:00", data_dir=tmp_path), PinKind.SIGN)
    app = make_app("training:adult", lang=lang, at="2026-04-01T23:30:00+09:00", data_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await walk(pilot, ["end", "enter"])
        assert shows(app, app.t("window.ends_first", deadline="2026-04-02 06:00"))


async def test_closed_hours_say_until_when_a_reservation_holds(tmp_path: Path) -> None:
    await reserved_beforehand(make_app(at="2026-04-01T22:00:00+09:00", data_dir=tmp_path), PinKind.SIGN)
    app = make_app("training:adult", at="2026-04-01T23:30:00+09:00", data_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await walk(pilot, ["end", "enter"])
        assert shows(app, "This card's reservation holds until 2026-04-02 22:00 Japan time.")


async def test_the_closed_screen_opens_itself_at_0630(tmp_path: Path) -> None:
    app = make_app("training:adult", at="2026-04-02T06:29:59+09:00", data_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await walk(pilot, ["end", "enter"])
        assert shows(app, "CLOSED")
        await pilot.pause(2.5)  # the training clock runs on past 06:30; no key is pressed
        await settle(pilot)
        assert shows(app, "OPEN: the service's time is 2026-04-02 06:30")
        assert shows(app, "Enter continues to the card")


@pytest.mark.parametrize("lang", ["en", "ja"])
async def test_a_seventeenth_character_is_kept_and_called_too_long(tmp_path: Path, lang: str) -> None:
    app = make_app("training:adult", lang=lang, at=AT, data_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await walk(pilot, ["down", "down", "enter"], ["enter"], ["enter"])  # proof: the signing PIN
        await press(pilot, *"ABCDEFGH123456789")
        assert shows(app, "*" * 17)
        assert shows(app, app.t("pin.problem.too-long"))
        assert not shows(app, app.t("pin.format_ok"))
        await press(pilot, "enter")
        assert isinstance(app.screen, ProofPinScreen) and shows(app, app.t("pin.not_sent", problems=""))
        assert app.screen.state.tries_left == 5  # nothing was sent: no try spent


@pytest.mark.parametrize("lang", ["en", "ja"])
async def test_the_four_digit_entry_tells_its_own_rule(tmp_path: Path, lang: str) -> None:
    app = make_app("training:adult", lang=lang, at=AT, data_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await walk(
            pilot, ["down", "enter"], ["enter"], ["n", "n"], ["enter"]
        )  # proof: the user-authentication PIN
        await press(pilot, "1", "a")
        assert shows(app, app.t("pin.problem.bad-character.digits"))
        assert not shows(app, app.t("pin.problem.bad-character"))


@pytest.mark.parametrize("lang", ["en", "ja"])
async def test_a_blocked_pin_screen_shows_no_tries_and_takes_no_typing(tmp_path: Path, lang: str) -> None:
    app = make_app("training:one-try-left", lang=lang, at=AT, data_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await walk(pilot, ["down", "enter"], ["enter"], ["n", "n"], ["enter"], [*"9999", "enter"], ["y"])
        blocked = app.t("state.pin-blocked.title", pin=app.t("pin.label.auth"))
        assert shows(app, blocked)
        label = app.t("pin.label.auth")
        asked = app.t("proof.asked", pin=label, format=app.t("pin.format.auth"), left=1, max=3)
        assert not shows(app, asked)  # the tries it had before are no longer shown
        assert not shows(app, app.t("proof.last_try_warning", pin=label))
        await press(pilot, *"1234")
        assert not shows(app, "*") and not shows(app, app.t("pin.format_ok"))
        await press(pilot, "enter")  # the one thing left: back to the start
        assert type(app.screen).__name__ == "StartScreen"


@pytest.mark.parametrize("lang", ["en", "ja"])
async def test_dialogs_fit_a_60_column_terminal(tmp_path: Path, lang: str) -> None:
    app = make_app("training:adult", lang=lang, at=AT, data_dir=tmp_path)
    async with app.run_test(size=(60, 20)) as pilot:
        await walk(pilot, ["f1"])
        boxes = [app.screen.query_one("#help-box").region]
        help_end = app.t("help.keys").split()[-1]  # the last words of the help, scrolled to
        await walk(pilot, ["end"])
        assert shows(app, help_end)
        await walk(pilot, ["escape"], ["down", "enter"], ["enter"], ["enter"], [*"12", "escape"])
        boxes.append(app.screen.query_one("#confirm-box").region)
        assert shows(app, app.t("confirm.stop_task.text"))  # all of it, wrapped inside the box
        assert shows(app, "Ctrl+Q" + app.t("key.quit"))
    for box in boxes:
        assert box.x >= 0 and box.right <= 60 and box.bottom <= 20, box


@pytest.mark.parametrize("lang", ["en", "ja"])
async def test_the_chosen_reader_is_said_in_words(tmp_path: Path, lang: str) -> None:
    app = make_app(None, lang=lang, data_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await walk(pilot, ["down", "enter"])  # the second reader of the list, then focus on the tasks
        chosen = app.t("reader.training", profile=app.t(f"profile.{app.wizard.reader_spec.split(':')[1]}"))
        assert shows(app, app.t("start.reader_chosen", reader=chosen))
        await walk(pilot, ["f2"])  # and in the other language after a switch
        chosen = app.t("reader.training", profile=app.t(f"profile.{app.wizard.reader_spec.split(':')[1]}"))
        assert shows(app, app.t("start.reader_chosen", reader=chosen))


async def test_a_reader_given_on_the_command_line_is_said_in_words(tmp_path: Path) -> None:
    app = make_app("training:one-try-left", data_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await walk(pilot)
        assert shows(app, "Reader: " + app.t("reader.training", profile=app.t("profile.one-try-left")))
        assert not shows(app, "training:one-try-left")


@pytest.mark.parametrize("lang", ["en", "ja"])
async def test_closed_hours_say_a_card_on_the_reader_has_no_reservation(tmp_path: Path, lang: str) -> None:
    app = make_app("training:adult", lang=lang, at="2026-04-01T05:00:00+09:00", data_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await walk(pilot, ["end", "enter"])
        assert shows(app, app.t("state.no-reservation.title"))
        assert not shows(app, app.t("window.card_hint"))  # the card is there: it was read
