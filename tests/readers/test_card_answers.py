"""Card answers a real card or reader can give, handled as a careful client would."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from readers.card_check import check_card, report_json
from readers.connection import CardConnection
from readers.emulated import EmulatedReader
from readers.errors import CardNotReady, NotAMyNumberCard, PinBlocked, TransportError
from readers.jpki import JpkiSession, PinKind
from readers.jpki_applet import AID_JPKI
from readers.pin import Pin
from readers.training_card.applet import TrainingCard

SELECT_JPKI = bytes.fromhex("00A4040C0A") + AID_JPKI


class ScriptedReader(EmulatedReader):
    """The training card, except for the answers a test scripts: ``script`` maps a command
    matcher to the answers to give, in order, instead of the card's (None: no answer at all)."""

    def __init__(self, profile: str = "adult") -> None:
        super().__init__(TrainingCard(profile))
        self.script: list[tuple[Callable[[bytes], bool], list[bytes | None]]] = []
        self.sent: list[bytes] = []

    def answer(self, matches: Callable[[bytes], bool], *answers: bytes | None) -> None:
        self.script.append((matches, list(answers)))

    async def transmit(self, command: bytes) -> bytes:
        self.sent.append(command)
        for matches, answers in self.script:
            if answers and matches(command):
                answer = answers.pop(0)
                if answer is None:
                    raise TransportError("the reader returned no answer from the card")
                return answer
        return await super().transmit(command)


def is_select_jpki(command: bytes) -> bool:
    return command == SELECT_JPKI


class Pauses:
    def __init__(self) -> None:
        self.count = 0

    async def __call__(self) -> None:
        self.count += 1


async def connected(reader: ScriptedReader) -> tuple[CardConnection, Pauses]:
    await reader.connect()
    pauses = Pauses()
    return CardConnection(reader, settle=pauses), pauses


@pytest.mark.parametrize("first", [bytes.fromhex("6F00"), None], ids=["6F00", "no-answer"])
async def test_the_first_select_after_power_up_is_retried_once_after_a_pause(first: bytes | None) -> None:
    reader = ScriptedReader()
    reader.answer(is_select_jpki, first)
    connection, pauses = await connected(reader)
    info = await JpkiSession(connection).detect()
    assert info.token == "JPKIAPICCTOKEN2"
    assert pauses.count == 1 and reader.sent[:2] == [SELECT_JPKI, SELECT_JPKI]


async def test_a_second_6f00_means_not_a_my_number_card_and_no_third_try() -> None:
    reader = ScriptedReader()
    reader.answer(is_select_jpki, bytes.fromhex("6F00"), bytes.fromhex("6F00"))
    connection, pauses = await connected(reader)
    with pytest.raises(NotAMyNumberCard, match="6F 00"):
        await JpkiSession(connection).detect()
    assert pauses.count == 1 and reader.sent == [SELECT_JPKI, SELECT_JPKI]


async def test_only_the_first_command_is_retried_and_never_a_pin_command() -> None:
    reader = ScriptedReader()
    is_query = lambda c: c == bytes.fromhex("00200080")  # noqa: E731
    reader.answer(is_query, bytes.fromhex("6F00"))
    connection, pauses = await connected(reader)
    card = JpkiSession(connection)
    with pytest.raises(CardNotReady):  # 6F 00 to the tries query: no diagnosis, and no retry
        await card.pin_status(PinKind.AUTH)
    assert pauses.count == 0 and sum(c == bytes.fromhex("00200080") for c in reader.sent) == 1
    # A later SELECT answered 6F 00 is not the power-up transient: not retried either.
    reader.answer(is_select_jpki, bytes.fromhex("6F00"))
    connection.forget()
    with pytest.raises(NotAMyNumberCard):
        await card.detect()
    assert pauses.count == 0


@pytest.mark.parametrize("sw", ["6A81", "6E00", "6A82", "6D00", "6999", "6283"])
async def test_any_refusal_of_the_jpki_select_is_not_a_my_number_card(sw: str) -> None:
    reader = ScriptedReader()
    reader.answer(is_select_jpki, bytes.fromhex(sw))
    connection, _ = await connected(reader)
    with pytest.raises(NotAMyNumberCard) as raised:
        await check_card(connection)
    assert raised.value.sw == int(sw, 16)
    assert f"{sw[:2]} {sw[2:]}" in raised.value.message


@pytest.mark.parametrize("profile", ["felica", "other-iso"])
async def test_cards_that_are_not_my_number_cards_are_named_so(profile: str) -> None:
    reader = ScriptedReader(profile)
    connection, _ = await connected(reader)
    with pytest.raises(NotAMyNumberCard):
        await check_card(connection)
    assert len(reader.sent) == 1  # one SELECT, and nothing sent after it


@pytest.mark.parametrize("sw", ["6984", "6983"])
async def test_a_verify_refused_unread_is_blocked_not_compared(sw: str) -> None:
    reader = ScriptedReader()
    reader.answer(lambda c: c[1] == 0x20 and len(c) > 5, bytes.fromhex(sw))
    connection, _ = await connected(reader)
    with pytest.raises(PinBlocked) as raised:
        await JpkiSession(connection).verify(PinKind.AUTH, Pin("1234"))
    assert raised.value.compared is False
    assert "did not compare" in raised.value.message and "wrong" not in raised.value.message


async def test_62_82_with_data_on_a_read_is_a_warning_with_the_data() -> None:
    reader = ScriptedReader()
    token = b"JPKIAPICCTOKEN2".ljust(32, b" ")
    reader.answer(lambda c: c == bytes.fromhex("00B0000020"), token + bytes.fromhex("6282"))
    connection, _ = await connected(reader)
    report = await check_card(connection)
    assert report.info.token == "JPKIAPICCTOKEN2"
    assert len(report.warnings) == 1 and "62 82" in report.warnings[0]
    assert report_json(report)["warnings"] == list(report.warnings)


async def test_a_pin_the_card_already_holds_verified_is_reported_and_not_sent() -> None:
    reader = ScriptedReader()
    reader.answer(lambda c: c == bytes.fromhex("00200080"), bytes.fromhex("63C3"), bytes.fromhex("9000"))
    connection, _ = await connected(reader)
    card = JpkiSession(connection)
    await card.detect()
    assert (await card.pin_status(PinKind.AUTH)).tries_left == 3
    status = await card.pin_status(PinKind.SIGN)
    assert (status.verified, status.tries_left, status.blocked) == (True, None, False)
    await card.verify(PinKind.SIGN, Pin("TRAIN1234"))
    assert not any(c[1] == 0x20 and len(c) > 5 for c in reader.sent)
