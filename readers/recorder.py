"""A tap around any reader that records the session in the recording format."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import IO

from readers.apdu import to_hex
from readers.errors import CardRemoved, ReaderLost
from readers.jpki_applet import describe
from readers.reader import CARD_REMOVED, POWER_OFF, POWER_ON, READER_LOST, Reader
from readers.recording import Header, RecordingWriter


class RecordingReader(Reader):
    """Passes everything to ``inner`` and writes it down; PIN data is written as ``??``.

    The header is written at the first successful ``connect`` (it carries the ATR).
    """

    def __init__(
        self,
        inner: Reader,
        stream: IO[str],
        *,
        card: str = "",
        title: str = "",
        description: str = "",
    ) -> None:
        super().__init__()
        self.inner = inner
        self.info = inner.info
        self._stream = stream
        self._header_fields = {"card": card, "title": title, "description": description}
        self.header: Header | None = None
        self._writer: RecordingWriter | None = None
        self._early_ui: list[tuple[list[str], int, str]] = []  # demo steps before the first connect
        inner.add_listener(self._emit)

    def _ensure_writer(self, atr: bytes) -> RecordingWriter:
        if self._writer is None:
            self.header = Header(
                transport=self.inner.info.link,
                reader=self.inner.info.name,
                atr=to_hex(atr),
                recorded_at=datetime.now(UTC).isoformat(timespec="seconds"),
                extended_length=self.inner.info.extended_length,
                **self._header_fields,
            )
            self._writer = RecordingWriter(self._stream, self.header)
            for step in self._early_ui:
                self._writer.ui(*step)
            self._early_ui.clear()
        return self._writer

    async def connect(self) -> bytes:
        atr = await self.inner.connect()
        self._ensure_writer(atr).event(POWER_ON)
        return atr

    async def transmit(self, command: bytes) -> bytes:
        started = time.perf_counter()
        try:
            response = await self.inner.transmit(command)
        except CardRemoved:
            if self._writer:
                self._writer.event(CARD_REMOVED)
            raise
        except ReaderLost:
            if self._writer:
                self._writer.event(READER_LOST)
            raise
        if self._writer:
            ms = (time.perf_counter() - started) * 1000
            self._writer.apdu(command, response, ms, describe(command))
        return response

    async def disconnect(self) -> None:
        await self.inner.disconnect()
        if self._writer:
            self._writer.event(POWER_OFF)

    def ui(self, keys: list[str], pause_ms: int, say: str = "") -> None:
        """A scripted demo step (keys pressed, with their pace and what the narrator says)."""
        if self._writer:
            self._writer.ui(keys, pause_ms, say)
        else:  # the header needs the ATR: keep the step until the card is first powered
            self._early_ui.append((keys, pause_ms, say))
