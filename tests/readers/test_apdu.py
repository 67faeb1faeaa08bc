"""The APDU codec and the channel's 61xx / 6Cxx handling."""

import pytest

from readers.apdu import Command, Response, redact_hex
from readers.errors import MalformedResponse, TransportError
from readers.reader import Channel, Reader, ReaderInfo


@pytest.mark.parametrize(
    ("command", "wire"),
    [
        (Command(0x00, 0xA4, 0x02, 0x0C, b"\x00\x0a"), "00 A4 02 0C 02 00 0A"),
        (Command(0x00, 0x20, 0x00, 0x80), "00 20 00 80"),
        (Command(0x00, 0xB0, 0x01, 0x00, le=256), "00 B0 01 00 00"),
        (Command(0x00, 0xB0, 0x00, 0x00, le=65536), "00 B0 00 00 00 00 00"),
        (Command(0x00, 0xB0, 0x00, 0x00, le=1000), "00 B0 00 00 00 03 E8"),
        (Command(0x80, 0x2A, 0x00, 0x80, b"\x01\x02", le=256), "80 2A 00 80 02 01 02 00"),
        (
            Command(0x00, 0x2A, 0x00, 0x80, bytes(300), le=256),
            "00 2A 00 80 00 01 2C " + " ".join(["00"] * 300) + " 01 00",
        ),
    ],
)
def test_commands_encode_to_the_wire_and_back(command: Command, wire: str) -> None:
    assert command.encode().hex(" ").upper() == wire
    again = Command.decode(command.encode())
    assert (again.data, again.le, again.ins) == (command.data, command.le, command.ins)


def test_verify_data_is_redacted_but_the_header_stays() -> None:
    raw = Command(0x00, 0x20, 0x00, 0x80, b"8642").encode()
    assert redact_hex(raw) == "00 20 00 80 04 ?? ?? ?? ??"
    reset = Command(0x00, 0x2C, 0x02, 0x80, b"NEWPIN1").encode()
    assert "4E" not in redact_hex(reset)[15:]


class ScriptedReader(Reader):
    """Answers from a list; remembers what it was sent."""

    info = ReaderInfo("emulated", "scripted")

    def __init__(self, answers: list[str]) -> None:
        super().__init__()
        self.answers = [bytes.fromhex(a) for a in answers]
        self.sent: list[bytes] = []

    async def connect(self) -> bytes:
        return b""

    async def transmit(self, command: bytes) -> bytes:
        self.sent.append(command)
        return self.answers.pop(0)

    async def disconnect(self) -> None:
        pass


async def test_61xx_is_collected_with_get_response() -> None:
    reader = ScriptedReader(["AAAA6104", "BBBBBBBB9000"])
    response = await Channel(reader).send(Command(0x80, 0x2A, 0x00, 0x80, b"\x01"))
    assert response == Response(bytes.fromhex("AAAABBBBBBBB"), 0x9000)
    assert reader.sent[1] == bytes.fromhex("00C0000004")


async def test_6cxx_resends_with_the_length_the_card_named() -> None:
    reader = ScriptedReader(["6C08", "01020304050607089000"])
    response = await Channel(reader).send(Command(0x00, 0x84, 0x00, 0x00, le=16))
    assert len(response.data) == 8 and response.ok
    assert reader.sent[1] == bytes.fromhex("0084000008")


async def test_a_pin_command_is_never_sent_twice_even_when_the_card_asks() -> None:
    reader = ScriptedReader(["6C04", "9000"])
    with pytest.raises(MalformedResponse):
        await Channel(reader).send(Command(0x00, 0x20, 0x00, 0x80, b"8642"))
    assert len(reader.sent) == 1


async def test_a_runaway_61xx_loop_is_a_typed_error() -> None:
    reader = ScriptedReader(["6101"] * 100)
    with pytest.raises(MalformedResponse):
        await Channel(reader).send(Command(0x00, 0xB0, 0, 0, le=1))


async def test_a_reader_answer_without_status_bytes_is_a_transport_error() -> None:
    with pytest.raises(TransportError):
        await Channel(ScriptedReader(["90"])).send(Command(0x00, 0xA4, 0x04, 0x0C, b"\x01"))
