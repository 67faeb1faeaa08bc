"""The transport-level connection to one card session: commands, selections and reads.

The applet sessions (``JpkiSession``, ``CardInfoSession``, ``ResidentRegistrySession``) share one
connection per card session, as the applications share the card: it remembers what is selected
(a SELECT of another application drops what the previous one had verified) and what this session
learnt of each PIN.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from readers.apdu import EXTENDED_MAX, SHORT_MAX, Command, Response
from readers.blocking import loop_running
from readers.errors import (
    ExtendedLengthUnsupported,
    MalformedResponse,
    ReaderError,
    TransportError,
    error_for_status,
)
from readers.reader import Channel, Reader

if TYPE_CHECKING:
    from readers.pin import PinKind, PinStatus

# Some cards answer 6F 00 (or nothing) to the first command after power-up; a short pause lets
# them settle. Only that first SELECT is sent again, and only once: never a PIN command.
SETTLE_SECONDS = 0.3
_IN_PROCESS = ("emulated", "replay")  # nothing to wait for (and no event loop to wait in)
STATUS_END_OF_FILE = 0x6282  # "end of file reached before Le bytes": the data is still good


async def _pause() -> None:
    if not loop_running():  # a one-shot command with no loop: nothing else waits to run
        time.sleep(SETTLE_SECONDS)
        return
    import asyncio  # here: a card check with no loop never imports it

    await asyncio.sleep(SETTLE_SECONDS)


async def _no_pause() -> None:
    """In-process cards need no time; the command is still sent again once."""


class CardConnection:
    """One card session through one reader. Connect the reader first."""

    def __init__(self, reader: Reader, *, settle: Callable[[], Awaitable[None]] | None = None) -> None:
        self.reader = reader
        self.channel = Channel(reader)
        self.application: bytes | None = None
        self.file: int | None = None
        self.extended = reader.info.extended_length
        self.pin_memory: dict[PinKind, PinStatus] = {}  # tries read and not yet spent, verified PINs
        self.warnings: list[str] = []  # what the card said that is worth a note but not a failure
        self._settle: Callable[[], Awaitable[None]] = settle or (
            _no_pause if reader.info.transport in _IN_PROCESS else _pause
        )
        self._answered = False  # whether any command got an answer since power-up

    # --- commands ---------------------------------------------------------------------------------

    async def send(self, command: Command) -> Response:
        """Send one command; after a failure of the link, what was selected is forgotten."""
        try:
            response = await self.channel.send(command)
        except ReaderError as error:
            if not self._may_settle(command, error):
                self.forget()
                raise
            response = await self._after_settling(command)
        else:
            if response.sw == 0x6F00 and self._may_settle(command, None):
                response = await self._after_settling(command)
        self._answered = True
        return response

    def _may_settle(self, command: Command, error: ReaderError | None) -> bool:
        if self._answered or command.ins != 0xA4:
            return False
        return error is None or type(error) is TransportError  # no answer; not a removal

    async def _after_settling(self, command: Command) -> Response:
        self._answered = True  # one retry only
        await self._settle()
        try:
            return await self.channel.send(command)
        except ReaderError:
            self.forget()
            raise

    async def expect_ok(self, command: Command) -> Response:
        response = await self.send(command)
        if not response.ok:
            raise error_for_status(response.sw, command.name or "a command")
        return response

    def forget(self) -> None:
        """After a failure the card's state is unknown: select again, read tries again."""
        self.application = self.file = None
        self.pin_memory.clear()

    # --- selections -------------------------------------------------------------------------------

    async def select_application(self, aid: bytes, name: str = "SELECT application") -> Response:
        """Select ``aid`` unless it is selected already; returns the card's answer (not checked)."""
        if self.application == aid:
            return Response(b"", 0x9000)
        self.forget()  # a new application starts with nothing verified
        response = await self.send(Command(0x00, 0xA4, 0x04, 0x0C, aid, name=name))
        if response.ok:
            self.application = aid
        return response

    async def select_file(self, aid: bytes, fid: int) -> None:
        response = await self.select_application(aid)
        if not response.ok:
            raise error_for_status(response.sw, "SELECT application")
        if self.file == fid:
            return
        self.file = None
        await self.expect_ok(
            Command(0x00, 0xA4, 0x02, 0x0C, fid.to_bytes(2, "big"), name=f"SELECT EF {fid:04X}")
        )
        self.file = fid

    # --- reading ----------------------------------------------------------------------------------

    async def read_binary(self, offset: int, le: int) -> Response:
        if not 0 <= offset <= 0x7FFF:
            raise MalformedResponse("the file is longer than READ BINARY can address")
        return await self.send(Command(0x00, 0xB0, offset >> 8, offset & 0xFF, le=le, name="READ BINARY"))

    async def read_start(self, aid: bytes, fid: int, length: int) -> bytes:
        """The first ``length`` (<= 256) bytes of a file."""
        await self.select_file(aid, fid)
        return self.data_of(await self.read_binary(0, length), f"READ BINARY of EF {fid:04X}")

    async def read_object(self, aid: bytes, fid: int, tag: bytes) -> bytes:
        """A file holding one BER-TLV object that starts with ``tag`` (a certificate, an attribute
        record): the whole object, in as few READ BINARY commands as the link allows."""
        await self.select_file(aid, fid)
        first = await self._read_chunk(0)
        if not first.startswith(tag):
            raise MalformedResponse(f"EF {fid:04X} does not start with the tag {tag.hex(' ').upper()}")
        total = ber_object_length(first)
        data = bytearray(first)
        while len(data) < total:
            chunk = await self._read_chunk(len(data), total - len(data))
            if not chunk:
                raise MalformedResponse("the card returned an empty chunk of a file")
            data += chunk
        return bytes(data[:total])

    async def _read_chunk(self, offset: int, wanted: int | None = None) -> bytes:
        if self.extended and (wanted is None or wanted > SHORT_MAX):
            le = EXTENDED_MAX if wanted is None else min(wanted, EXTENDED_MAX)
            try:
                response = await self.read_binary(offset, le)
            except ExtendedLengthUnsupported:
                response = None
            if response is not None and response.sw != 0x6700:
                return self.data_of(response, "READ BINARY")
            self.extended = False  # the link or card refused: short reads from now on
        le = SHORT_MAX if wanted is None else min(wanted, SHORT_MAX)
        return self.data_of(await self.read_binary(offset, le), "READ BINARY")

    def data_of(self, response: Response, what: str) -> bytes:
        """The data of a READ BINARY answer. ``62 82`` (end of file before Le bytes) with data
        is a warning, not a failure: the data is kept and the warning noted."""
        if response.sw == STATUS_END_OF_FILE and response.data:
            self.warnings.append(f"{what}: the file ended before the bytes asked for (62 82)")
            return response.data
        if not response.ok:
            raise error_for_status(response.sw, what)
        return response.data


def ber_object_length(head: bytes) -> int:
    """The total length of the BER-TLV object that ``head`` starts (one- or two-byte tag)."""
    if len(head) < 2:
        raise MalformedResponse("the file is too short to hold a TLV object")
    at = 2 if head[0] & 0x1F == 0x1F else 1  # a tag number of 31 or more takes a second byte
    if at == 2 and head[1] & 0x80:
        raise MalformedResponse("the file's TLV tag is longer than a card uses")
    if len(head) <= at:
        raise MalformedResponse("the file is too short to hold a TLV object")
    first = head[at]
    if first < 0x80:
        return at + 1 + first
    count = first & 0x7F
    if count == 0 or count > 2 or len(head) < at + 1 + count:
        raise MalformedResponse("the file's TLV length is not one a card holds")
    return at + 1 + count + int.from_bytes(head[at + 1 : at + 1 + count], "big")
