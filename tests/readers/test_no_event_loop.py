"""``status`` drives its card check to the end with no event loop: a blocking reader (nfcpy,
pyscard) then makes its calls on the caller's thread, and a card that needs a moment after
power-up still gets it. Under a loop the same reader keeps its calls off the loop's thread."""

import asyncio
import subprocess
import sys
import threading
from collections.abc import Coroutine

from readers.blocking import BlockingReader
from readers.card_check import check_card
from readers.connection import CardConnection
from readers.pin import PinKind
from readers.reader import ReaderInfo
from readers.training_card.applet import TrainingCard

NOT_YET = bytes.fromhex("6F00")


class SlowToWakeReader(BlockingReader):
    """A blocking reader with a training card that answers its first command with 6F 00, as some
    cards do just after power-up. Notes the thread of every call."""

    def __init__(self) -> None:
        super().__init__()
        self.info = ReaderInfo("nfc", "slow to wake", False)
        self.card = TrainingCard("adult")
        self.threads: set[int] = set()
        self.commands: list[bytes] = []

    def _answer(self, command: bytes) -> bytes:
        self.threads.add(threading.get_ident())
        self.commands.append(command)
        return NOT_YET if len(self.commands) == 1 else self.card.respond(command)

    async def connect(self) -> bytes:
        return await self._run(self.card.power_on)

    async def transmit(self, command: bytes) -> bytes:
        return await self._exchange(self._answer, command)

    async def disconnect(self) -> None:
        await self._end_thread(lambda: None)


async def card_check(reader: SlowToWakeReader) -> dict[str, object]:
    await reader.connect()
    try:
        report = await check_card(CardConnection(reader), None)
    finally:
        await reader.disconnect()
    return {"token": report.info.token, "auth tries": report.pins[PinKind.AUTH].tries_left}


def to_the_end(coroutine: Coroutine[object, object, dict[str, object]]) -> dict[str, object]:
    """As ``jpki-reset status`` runs it: no loop; a coroutine that waited would fail here."""
    try:
        coroutine.send(None)
    except StopIteration as done:
        return done.value
    raise AssertionError("the card check waited for an event loop")


def test_without_a_loop_the_check_runs_on_the_callers_thread_and_waits_for_a_slow_card() -> None:
    reader = SlowToWakeReader()
    assert to_the_end(card_check(reader)) == {"token": "JPKIAPICCTOKEN2", "auth tries": 3}
    assert reader.threads == {threading.get_ident()}
    assert reader.commands[0] == reader.commands[1]  # the first SELECT, sent again once


def test_under_a_loop_the_calls_stay_off_the_loops_thread() -> None:
    reader = SlowToWakeReader()
    assert asyncio.run(card_check(reader)) == {"token": "JPKIAPICCTOKEN2", "auth tries": 3}
    assert threading.get_ident() not in reader.threads


def test_nfcpy_keeps_its_peer_to_peer_half_and_usb_for_whoever_uses_them() -> None:
    """The NFC reader loads nfcpy's LLCP, its services and usb1 only when first used: they are still
    whole."""
    code = (
        "import readers.nfc, nfc, nfc.llcp, nfc.snep, nfc.handover, usb1\n"
        "print(nfc.llcp.Socket.__name__, nfc.llcp.llc.LogicalLinkController.__name__,"
        " nfc.snep.SnepClient.__name__, nfc.handover.HandoverServer.__name__, usb1.USBContext.__name__)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == [
        "Socket",
        "LogicalLinkController",
        "SnepClient",
        "HandoverServer",
        "USBContext",
    ]


def test_nfcpy_keeps_ndef_and_pyserial_for_whoever_uses_them() -> None:
    """NDEF messages decode through the names nfcpy's tag module took from ``ndef`` before it was
    loaded, and pyserial is whole for ``tty:`` devices."""
    code = (
        "import readers.nfc, nfc.tag, serial.tools.list_ports\n"
        "text = next(nfc.tag.message_decoder(bytes.fromhex('d101055402656e6869')))\n"
        "octets = b''.join(nfc.tag.message_encoder([text]))\n"
        "import ndef, serial\n"
        "print(text.text, octets.hex(), ndef.TextRecord.__name__, serial.Serial.__name__,"
        " callable(serial.tools.list_ports.comports))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["hi", "d101055402656e6869", "TextRecord", "Serial", "True"]
