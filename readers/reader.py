"""The reader interface every backend implements, and the channel that speaks APDUs over it."""

from __future__ import annotations

import abc
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

from readers.apdu import PIN_BEARING_INS, SHORT_MAX, Command, Response, redact_hex, to_hex
from readers.errors import MalformedResponse, TransportError
from readers.jpki_applet import describe

if TYPE_CHECKING:
    import logging

# Card-presence events a backend may report (also the event names of the recording format).
CARD_INSERTED = "card_inserted"
CARD_REMOVED = "card_removed"
POWER_ON = "power_on"
POWER_OFF = "power_off"
READER_LOST = "reader_lost"

EventListener = Callable[[str], None]


class ReaderInfo(NamedTuple):
    """What a backend is, for headers, screens and discovery."""

    transport: str  # "emulated" | "replay" | "pcsc" | "nfc"
    name: str
    extended_length: bool = False  # whether the link carries extended APDUs
    recorded_on: str | None = None  # a replay: the transport the recording was made on

    @property
    def link(self) -> str:
        """The transport a recording of this reader's session should name (a replay's is the
        original recording's, so that a recording made from a replay loads like its source)."""
        return self.recorded_on or self.transport


class Reader(abc.ABC):
    """One card slot. ``connect`` powers the card and starts a session; ``transmit`` sends raw
    command bytes and returns the raw answer; ``disconnect`` ends the session.

    Backends raise the typed errors of ``readers.errors`` only: NoReader, NoCard, CardRemoved,
    TransportError.
    """

    info: ReaderInfo

    def __init__(self) -> None:
        self._listeners: list[EventListener] = []

    def add_listener(self, listener: EventListener) -> None:
        """Be told of card and reader events (``card_inserted``, ``card_removed``, ...)."""
        self._listeners.append(listener)

    def _emit(self, event: str) -> None:
        for listener in list(self._listeners):
            listener(event)

    @abc.abstractmethod
    async def connect(self) -> bytes:
        """Start a card session; returns the ATR."""

    @abc.abstractmethod
    async def transmit(self, command: bytes) -> bytes:
        """Send one command APDU, return the response bytes (data + SW1 SW2)."""

    @abc.abstractmethod
    async def disconnect(self) -> None:
        """End the card session. Safe to call twice."""

    async def __aenter__(self) -> Reader:
        await self.connect()
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.disconnect()


class Channel:
    """Sends ``Command`` objects through a reader, handling 61xx and 6Cxx in one place."""

    MAX_CHAINED_RESPONSES = 64  # a runaway 61xx loop is a broken card, not more data

    def __init__(self, reader: Reader) -> None:
        self.reader = reader

    async def send(self, command: Command) -> Response:
        response = await self._round_trip(command.encode())
        if response.sw1 == 0x6C:
            if command.ins in PIN_BEARING_INS:
                # A PIN command is never sent twice on our own: that could spend a second try.
                raise MalformedResponse("the card asked to re-send a PIN command (6Cxx)")
            # Wrong Le: the card names the right one; send the same command again with it.
            le = response.sw2 or SHORT_MAX
            retry = Command(command.cla, command.ins, command.p1, command.p2, command.data, le)
            response = await self._round_trip(retry.encode())
        data = bytearray(response.data)
        rounds = 0
        while response.sw1 == 0x61:
            rounds += 1
            if rounds > self.MAX_CHAINED_RESPONSES:
                raise MalformedResponse("the card keeps announcing more data (61xx)")
            get_response = Command(command.cla & 0x03, 0xC0, 0, 0, le=response.sw2 or SHORT_MAX)
            response = await self._round_trip(get_response.encode())
            data += response.data
        return Response(bytes(data), response.sw)

    async def _round_trip(self, raw: bytes) -> Response:
        log = _apdu_log()
        if log:
            log.debug("> %s  (%s)", redact_hex(raw), describe(raw))
        answer = await self.reader.transmit(raw)
        if log:
            log.debug("< %s", to_hex(answer[-2:]) if len(answer) > 2 else to_hex(answer))
        try:
            return Response.decode(answer)
        except MalformedResponse:
            raise TransportError(f"the reader returned {to_hex(answer) or 'nothing'}") from None


def _apdu_log() -> logging.Logger | None:
    """This module's logger when it would record an APDU at DEBUG level, else None.

    Logging is configured only by code that imported it: when nothing has, a debug record would go
    nowhere, and a one-shot command such as ``status`` skips the import (and the redacting)."""
    logging = sys.modules.get("logging")
    if logging is None:
        return None
    log = logging.getLogger(__name__)
    return log if log.isEnabledFor(logging.DEBUG) else None
