"""The wizard's state: one object on the app, read and written by the screens.

Widgets hold no state of the reset; a screen built again from this object shows the same thing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from tui.choices import Task, TaskChoice, discover_readers

if TYPE_CHECKING:
    from readers.card_check import CardReport
    from readers.connection import CardConnection
    from readers.discovery import ReaderChoice
    from readers.jpki import PinKind
    from readers.reader import Reader
    from reset_flow.client import ReservationClient
    from reset_flow.clock import Clock
    from reset_flow.flow import ResetFlow
    from tui.progress import CountingReader, ProgressListener

ReaderFactory = Callable[[str], "Reader"]


def _open(spec: str) -> Reader:
    from readers.spec import open_reader

    return open_reader(spec)


@dataclass
class Wizard:
    discover: Callable[[], list[ReaderChoice]] = discover_readers
    choices: list[ReaderChoice] | None = None  # None until discovery has answered
    reader_spec: str | None = None
    preselected: bool = False  # --reader / demo: the start screen does not ask
    task: TaskChoice | None = None
    server_url: str | None = None
    training_at: datetime | None = None  # --at: the service clock, training only
    service_training_time: datetime | None = None  # a shared service said it runs a training clock
    open_reader: ReaderFactory = _open
    reader: CountingReader | None = None
    card: CardConnection | None = None
    card_events: Callable[[str], None] | None = None  # the app's router of reader events
    data_dir: Path | None = None  # the embedded service's folder (None: the user data directory)
    flow: ResetFlow | None = None
    service: ReservationClient | None = None
    _clock: Clock | None = None
    _reader_spec: str | None = None
    report: CardReport | None = None

    @property
    def training(self) -> bool:
        """Training mode: a training card or a recording, never a resident's card."""
        return bool(self.reader_spec) and self.reader_spec.split(":", 1)[0] in ("training", "replay")

    @property
    def reset_pin(self) -> PinKind | None:
        return self.task.reset_pin if self.task else None

    def is_task(self, task: Task) -> bool:
        return self.task is not None and self.task.task is task

    def ensure_reader(self) -> CountingReader:
        """The chosen reader (not yet connected). It is kept from task to task: a recording goes on
        where the previous task left it, and a PC/SC or NFC reader is not opened again."""
        assert self.reader_spec is not None
        if self.reader is None or self._reader_spec != self.reader_spec:
            from tui.progress import CountingReader

            self.reader = CountingReader(self.open_reader(self.reader_spec))
            self.reader.add_listener(self._card_event)
            self._reader_spec = self.reader_spec
        return self.reader

    async def session(self) -> CardConnection:
        """The card check's session, connecting the reader if needed (flows keep their own)."""
        if self.card is None:
            from readers.connection import CardConnection

            reader = self.ensure_reader()
            await reader.connect()
            self.card = CardConnection(reader)
        return self.card

    @property
    def clock(self) -> Clock:
        """The flows' clock: the training clock of ``--at`` (it then runs on), else the system's."""
        if self._clock is None:
            from reset_flow.clock import SystemClock, TrainingClock

            self._clock = TrainingClock(self.training_at) if self.training_at else SystemClock()
        return self._clock

    @clock.setter
    def clock(self, clock: Clock) -> None:
        self._clock = clock

    def ensure_service(self) -> ReservationClient:
        if self.service is None:
            from tui.service import open_service

            self.service = open_service(self.server_url, self.clock, self.data_dir)
        return self.service

    def start_flow(self) -> ResetFlow:
        """A fresh step-1 or step-2 flow for the chosen task, on the chosen reader."""
        from readers.training_card.issuer import TrainingIssuer
        from reset_flow.step1 import Step1
        from reset_flow.step2 import Step2
        from reset_flow.trust import training_trust

        kind = Step1 if self.is_task(Task.STEP1) else Step2
        # Revocation is checked against the revocation lists at hand (the training CA's). The
        # training issuer's commands reach a card only when the service sends their cryptogram.
        revocation = training_trust().revocation_of
        self.flow = kind(
            self.ensure_reader(),
            self.ensure_service(),
            self.clock,
            revocation=revocation,
            issuer=TrainingIssuer,
        )
        return self.flow

    def _card_event(self, event: str) -> None:
        if self.card_events is not None:
            self.card_events(event)

    def on_progress(self, listener: ProgressListener | None) -> None:
        if self.reader is not None:
            self.reader.listener = listener

    def drop_session(self) -> None:
        """Forget the card session (after an error the card's state is unknown)."""
        self.card = None

    async def close(self) -> None:
        """End the card session (the reader stays chosen for the next task)."""
        self.card = None
        if self.reader is not None:
            await self.reader.disconnect()

    def reset_task(self) -> None:
        """Back at the start: nothing of the previous card is kept."""
        self.task = None
        self.report = None
        self.card = None
        self.flow = None
