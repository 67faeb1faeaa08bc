"""A training card in vsmartcard's virtual reader (vpcd), so pcscd and every PC/SC client see it.

The vpcd driver inside pcscd listens on a TCP port (35963 for Debian's slot 0); the card is the
client. Both ways a frame is a 2-byte big-endian length and a payload. From vpcd a 1-byte payload
is a control code: power off, power on, reset, or "send the ATR" (only that one is answered);
anything longer is a command APDU, answered with one frame holding the response. Closing the
socket is taking the card off the reader.

The card reconnects on its own when pcscd restarts, until it is stopped or taken off.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading

from readers.bridges.bridge import Bridge, CardLifted
from readers.training_card.applet import TrainingCard

log = logging.getLogger(__name__)

DEFAULT_PORT = 35963
POWER_OFF, POWER_ON, RESET, GET_ATR = 0x00, 0x01, 0x02, 0x04
RECONNECT_DELAY = 0.2  # seconds between attempts while pcscd is away
# pcscd polls vpcd's slot every 400 ms; a card back sooner than that is never seen to have left,
# and pcscd then keeps the slot marked empty. Stay away for two polls.
ABSENCE = 0.9


class VpcdCard(Bridge):
    """Serves ``card`` to the vpcd driver at ``host:port``. ``connections`` counts how many
    times the card got onto the reader (a pcscd restart makes a new one)."""

    thread_name = "vpcd-card"

    def __init__(self, card: TrainingCard, host: str = "127.0.0.1", port: int = DEFAULT_PORT) -> None:
        super().__init__(card)
        self.address = (host, port)
        self.connections = 0
        self._connected = threading.Event()
        self._socket: socket.socket | None = None

    @property
    def connected(self) -> bool:
        return self._connected.is_set()

    def _hang_up(self) -> None:
        with self._lock:
            sock, self._socket = self._socket, None
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def serve(self) -> None:
        while not self._stopped.is_set():
            self._on_reader.wait()
            if self._stopped.is_set():
                return
            try:
                sock = socket.create_connection(self.address, timeout=2)
            except OSError:
                self._stopped.wait(RECONNECT_DELAY)  # pcscd is not (yet) listening
                continue
            with self._lock:
                if not self._on_reader.is_set() or self._stopped.is_set():
                    sock.close()
                    continue
                self._socket = sock
            self.connections += 1
            self._connected.set()
            try:
                self._converse(sock)
            except (OSError, CardLifted):
                pass
            finally:
                self._connected.clear()
                self._hang_up()
            self._stopped.wait(ABSENCE)

    def _converse(self, sock: socket.socket) -> None:
        sock.settimeout(None)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        while True:
            payload = _receive_frame(sock)
            if len(payload) == 1:
                self._control(sock, payload[0])
            else:
                _send_frame(sock, self.answer(payload))

    def _control(self, sock: socket.socket, code: int) -> None:
        if code in (POWER_ON, RESET):
            self.card.power_on()
        elif code == GET_ATR:
            _send_frame(sock, self.card.atr)
        elif code != POWER_OFF:
            log.debug("unknown vpcd control code %02X", code)


def _quick_ack(sock: socket.socket) -> None:
    # vpcd writes the length and the payload separately; ACKing at once keeps Nagle on its side
    # from holding the payload back for our delayed ACK (about 40 ms per APDU otherwise).
    quickack = getattr(socket, "TCP_QUICKACK", None)
    if quickack is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.IPPROTO_TCP, quickack, 1)


def _receive_exactly(sock: socket.socket, count: int) -> bytes:
    data = bytearray()
    while len(data) < count:
        _quick_ack(sock)
        chunk = sock.recv(count - len(data))
        if not chunk:
            raise ConnectionError("vpcd closed the connection")
        data += chunk
    return bytes(data)


def _receive_frame(sock: socket.socket) -> bytes:
    length = int.from_bytes(_receive_exactly(sock, 2), "big")
    return _receive_exactly(sock, length)


def _send_frame(sock: socket.socket, payload: bytes) -> None:
    sock.sendall(len(payload).to_bytes(2, "big") + payload)
