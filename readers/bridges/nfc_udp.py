"""A training card for nfcpy's ``udp`` driver: nfcpy senses it as an ISO 14443 Type B card.

nfcpy (``udp:HOST:PORT``) sends one datagram per frame, ASCII ``"<bit rate and type> <hex>"``
such as ``"106B 050010"`` (SENSB_REQ), from a fresh local port each time it turns its field on,
and ``"RFOFF"`` when it turns the field off. The card answers to the sender in the same form.

A datagram from a new sender is a new field: the card starts over (powered up, IDLE). A card
taken off the reader (``remove``) hears nothing, as out of the field: nfcpy then times out.
"""

from __future__ import annotations

import logging
import socket

from readers.bridges.bridge import Bridge, CardLifted
from readers.bridges.type_b import TypeBCard
from readers.training_card.applet import TrainingCard

log = logging.getLogger(__name__)

DEFAULT_PORT = 54321
BIT_RATE = "106B"
RF_OFF = b"RFOFF"
SIGN_INS = 0x2A


def signs(command: bytes) -> bool:
    """RSA signing is the slow command: the card asks for more time before answering it."""
    return len(command) > 1 and command[1] == SIGN_INS


class NfcUdpCard(Bridge):
    """Answers nfcpy's udp driver on ``host:port`` as a Type B card holding ``card``.
    ``wtx_for_signing`` makes the card send S(WTX) before each signature."""

    thread_name = "nfc-udp-card"

    def __init__(
        self,
        card: TrainingCard,
        host: str = "127.0.0.1",
        port: int = DEFAULT_PORT,
        *,
        wtx_for_signing: bool = True,
    ) -> None:
        super().__init__(card)
        self.type_b = TypeBCard(self.answer, card.atr, slow=signs if wtx_for_signing else lambda c: False)
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._socket.bind((host, port))
        self._socket.settimeout(0.2)  # wake up now and then to see whether to stop
        self.address = self._socket.getsockname()
        self._peer: tuple[str, int] | None = None

    def serve(self) -> None:
        try:
            while not self._stopped.is_set():
                try:
                    datagram, sender = self._socket.recvfrom(4096)
                except TimeoutError:
                    continue
                except OSError:
                    return  # closed by stop()
                reply = self._on_datagram(datagram, sender)
                if reply is not None:
                    self._socket.sendto(reply, sender)
        finally:
            self._socket.close()

    def stop(self) -> None:
        super().stop()
        self._socket.close()

    def _hang_up(self) -> None:
        self._peer = None  # out of the field: the next frame will be a new field

    def _on_datagram(self, datagram: bytes, sender: tuple[str, int]) -> bytes | None:
        if datagram.startswith(RF_OFF):
            if sender == self._peer:
                self._peer = None
            return None
        if not self._on_reader.is_set():
            return None
        try:
            kind, text = datagram.decode("ascii").split()
            frame = bytes.fromhex(text)
        except ValueError:
            return None
        if kind != BIT_RATE or not self.card.profile.type_b:
            return None  # only Type B at 106 kbit/s here (a FeliCa card stays silent)
        if sender != self._peer:
            self._peer = sender
            self.card.power_on()
            self.type_b.field_on()
        try:
            answer = self.type_b.receive(frame)
        except CardLifted:
            self._peer = None
            return None
        if answer is None:
            return None
        return f"{BIT_RATE} {answer.hex()}".encode("ascii")
