"""The vpcd bridge against a stand-in for pcscd's vpcd driver: framing, power control, a card
lifted mid-command, and finding the driver again after it went away."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from readers.bridges.vpcd import GET_ATR, POWER_ON, VpcdCard
from readers.training_card.applet import TrainingCard
from readers.training_card.profiles import SIGN_PIN, TRAINING_ATR

SELECT_JPKI = bytes.fromhex("00A4040C0AD392F000260100000001")
SELECT_SIGN_PIN = bytes.fromhex("00A4020C02001B")
SELECT_SIGN_CERT = bytes.fromhex("00A4020C020001")
READ_BINARY = bytes.fromhex("00B0000004")
VERIFY_SIGN_PIN = bytes.fromhex("00200080") + bytes((len(SIGN_PIN),)) + SIGN_PIN.encode()


class FakeVpcd:
    """The driver's side: listens, accepts the card, sends frames and reads the answers."""

    def __init__(self, port: int = 0) -> None:
        self.server = socket.create_server(("127.0.0.1", port))
        self.port = self.server.getsockname()[1]
        self.server.settimeout(10)
        self.link: socket.socket | None = None

    def accept(self) -> None:
        self.link, _ = self.server.accept()
        self.link.settimeout(10)

    def send(self, payload: bytes) -> None:
        assert self.link is not None
        self.link.sendall(len(payload).to_bytes(2, "big") + payload)

    def receive(self) -> bytes:
        """One frame's payload, or b"" when the card closed the link."""
        assert self.link is not None
        head = self.link.recv(2, socket.MSG_WAITALL)
        if len(head) < 2:
            return b""
        return self.link.recv(int.from_bytes(head, "big"), socket.MSG_WAITALL)

    def transmit(self, apdu: bytes) -> bytes:
        self.send(apdu)
        return self.receive()

    def close(self) -> None:
        if self.link is not None:
            self.link.close()
        self.server.close()


@pytest.fixture
def vpcd() -> Iterator[FakeVpcd]:
    driver = FakeVpcd()
    yield driver
    driver.close()


@pytest.fixture
def bridge(vpcd: FakeVpcd) -> Iterator[VpcdCard]:
    card = VpcdCard(TrainingCard("adult"), port=vpcd.port).start()
    vpcd.accept()
    yield card  # type: ignore[misc]
    card.stop()


def test_the_card_sends_its_atr_when_asked_and_answers_commands(vpcd: FakeVpcd, bridge: VpcdCard) -> None:
    vpcd.send(bytes((GET_ATR,)))
    assert vpcd.receive() == TRAINING_ATR
    vpcd.send(bytes((POWER_ON,)))  # not answered
    assert vpcd.transmit(SELECT_JPKI) == b"\x90\x00"
    assert vpcd.transmit(bytes.fromhex("00A4040C05A000000001")) == b"\x6a\x82"  # unknown AID


def test_a_power_cycle_forgets_a_verified_pin(vpcd: FakeVpcd, bridge: VpcdCard) -> None:
    for command in (SELECT_JPKI, SELECT_SIGN_PIN, VERIFY_SIGN_PIN, SELECT_SIGN_CERT):
        assert vpcd.transmit(command) == b"\x90\x00"
    assert vpcd.transmit(READ_BINARY)[-2:] == b"\x90\x00"
    vpcd.send(bytes((POWER_ON,)))
    for command in (SELECT_JPKI, SELECT_SIGN_CERT):
        assert vpcd.transmit(command) == b"\x90\x00"
    assert vpcd.transmit(READ_BINARY) == b"\x69\x82"  # the signing PIN must be verified again


def test_the_command_log_hides_the_pin(vpcd: FakeVpcd, bridge: VpcdCard) -> None:
    for command in (SELECT_JPKI, SELECT_SIGN_PIN, VERIFY_SIGN_PIN):
        vpcd.transmit(command)
    assert bridge.commands[-1] == "00 20 00 80 09 " + " ".join(["??"] * 9)


def test_a_card_lifted_mid_command_closes_the_link_and_comes_back_when_put_on(
    vpcd: FakeVpcd, bridge: VpcdCard
) -> None:
    bridge.remove_after(1)
    assert vpcd.transmit(SELECT_JPKI) == b"\x90\x00"
    assert vpcd.transmit(SELECT_SIGN_PIN) == b""  # no answer: the card is gone
    assert not bridge.on_reader
    bridge.insert()
    vpcd.accept()
    assert vpcd.transmit(SELECT_JPKI) == b"\x90\x00"
    assert bridge.connections == 2


def test_the_card_finds_the_driver_again_after_pcscd_restarts(vpcd: FakeVpcd, bridge: VpcdCard) -> None:
    port = vpcd.port
    vpcd.close()  # pcscd stops
    restarted = FakeVpcd(port)
    try:
        restarted.accept()
        assert restarted.transmit(SELECT_JPKI) == b"\x90\x00"
        assert bridge.connections == 2
    finally:
        restarted.close()
