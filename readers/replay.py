"""Strict sequential replay of a recording, as if the recorded card were on the reader."""

from __future__ import annotations

from pathlib import Path

from readers.apdu import from_hex, redact_hex
from readers.errors import CardRemoved, NoCard, ReaderLost, ReplayMismatch, TransportError
from readers.reader import (
    CARD_INSERTED,
    CARD_REMOVED,
    POWER_OFF,
    POWER_ON,
    READER_LOST,
    Reader,
    ReaderInfo,
)
from readers.recording import ApduLine, EventLine, Recording, command_matches, load_recording

_SESSION_START = (POWER_ON, CARD_INSERTED)


class ReplayReader(Reader):
    """Answers each command with the recorded answer, in order.

    The first command that differs from the recording raises ReplayMismatch naming the file,
    the line, the expected and the actual command (PIN data shown as ``??``). A recorded
    ``card_removed`` or ``reader_lost`` raises the same typed error a live reader would. When the
    recording has been played to its end, the next ``connect`` starts it again.
    """

    def __init__(self, recording: Recording | str | Path) -> None:
        super().__init__()
        self.recording = recording if isinstance(recording, Recording) else load_recording(recording)
        header = self.recording.header
        self.info = ReaderInfo(
            "replay",
            f"Recording: {self.recording.name}",
            header.extended_length,
            recorded_on=header.transport,
        )
        self._steps = [e for e in self.recording.entries if isinstance(e, ApduLine | EventLine)]
        self._at = 0
        self._connected = False

    @property
    def finished(self) -> bool:
        """Whether every recorded command has been played."""
        return not any(isinstance(step, ApduLine) for step in self._steps[self._at :])

    def _peek(self) -> ApduLine | EventLine | None:
        return self._steps[self._at] if self._at < len(self._steps) else None

    def _last_line(self) -> int:
        entries = self.recording.entries
        return entries[-1].line if entries else 1

    async def connect(self) -> bytes:
        if self._at >= len(self._steps):
            self._at = 0  # re-arm: a recording played to its end starts again
        while (step := self._peek()) is not None and isinstance(step, EventLine):
            self._at += 1
            if step.event == READER_LOST:
                self._emit(READER_LOST)
                raise ReaderLost(f"{self.recording.name}: the reader was lost (line {step.line})")
            if step.event == CARD_REMOVED:
                raise NoCard(f"{self.recording.name}: no card on the reader (line {step.line})")
            if step.event in _SESSION_START:
                if step.event == CARD_INSERTED:
                    self._emit(CARD_INSERTED)
                continue
        self._connected = True
        return from_hex(self.recording.header.atr) if self.recording.header.atr else b""

    async def transmit(self, command: bytes) -> bytes:
        if not self._connected:
            raise TransportError("no card session: connect first")
        step = self._peek()
        if step is None:
            raise ReplayMismatch(
                self.recording.path, self._last_line(), "the end of the recording", redact_hex(command)
            )
        if isinstance(step, EventLine):
            if step.event == CARD_REMOVED:
                self._at += 1
                self._connected = False
                self._emit(CARD_REMOVED)
                raise CardRemoved(f"the card was taken off the reader ({self.recording.name})")
            if step.event == READER_LOST:
                self._at += 1
                self._connected = False
                self._emit(READER_LOST)
                raise ReaderLost(f"the reader was lost ({self.recording.name})")
            raise ReplayMismatch(
                self.recording.path, step.line, f"the event {step.event}", redact_hex(command)
            )
        if not command_matches(step.c, command):
            raise ReplayMismatch(self.recording.path, step.line, step.c, redact_hex(command))
        self._at += 1
        return from_hex(step.r)

    async def disconnect(self) -> None:
        if self._connected:
            while (step := self._peek()) is not None and isinstance(step, EventLine):
                if step.event != POWER_OFF:
                    break
                self._at += 1
        self._connected = False
