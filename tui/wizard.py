"""The wizard's state: one object on the app, read and written by the screens.

Widgets hold no state of the reset; a screen built again from this object shows the same thing.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from tui.choices import Task, TaskChoice, discover_readers

if TYPE_CHECKING:
    from readers.card_check import CardReport
    from readers.connection import CardConnection
    from readers.discovery import ReaderChoice
    from readers.pin import PinKind
    from readers.reader import Reader
    from reset_flow.client import ReservationClient
    from reset_flow.clock import Clock
    from reset_flow.flow import ResetFlow
    from reset_flow.triage import IssuerCheck, RevocationCheck
    from reset_flow.trust import TrustAnchors
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
    training_mode: bool = False  # --training or ``training = true`` in the config, whatever the reader
    service_training: bool = False  # a shared service said it trusts the training CAs
    trust_store: Path | None = None  # the trust store folder (None: the one in the config directory)
    token: str | None = None  # the terminal token for --server (JPKI_RESET_TOKEN or the config)
    open_reader: ReaderFactory = _open
    reader: CountingReader | None = None
    card: CardConnection | None = None
    card_events: Callable[[str], None] | None = None  # the app's router of reader events
    data_dir: Path | None = None  # the embedded service's folder (None: the user data directory)
    flow: ResetFlow | None = None
    service: ReservationClient | None = None
    _clock: Clock | None = None
    _reader_spec: str | None = None
    _service_key: object = None  # what the embedded service was built to trust (None: given to us)
    report: CardReport | None = None
    _discovery: Future[list[ReaderChoice]] | None = None  # discovery started before the screens

    def discover_early(self) -> None:
        """Discovery on a thread of its own from now on. Started before the app loads Textual, it
        has usually answered by the start screen's mount, which then draws its list once, in its
        first frame, instead of a frame without it and a second layout when the list comes."""
        import threading

        found: Future[list[ReaderChoice]] = Future()

        def discover() -> None:
            try:
                found.set_result(self.discover())
            except BaseException as error:  # handed to whoever takes the answer
                found.set_exception(error)

        self._discovery = found
        # A daemon: a PC/SC service that never answers must not keep a closed app from ending.
        threading.Thread(target=discover, name="discovery", daemon=True).start()

    def discovered_yet(self) -> list[ReaderChoice] | None:
        """The early discovery's list if it has answered already (None: not started, or not yet)."""
        if self._discovery is None or not self._discovery.done():
            return None
        return self.found_readers()

    def found_readers(self) -> list[ReaderChoice]:
        """Discovery's answer, blocking (call it from a thread): the early one's if it was started,
        else a discovery run now."""
        early, self._discovery = self._discovery, None
        return early.result() if early is not None else self.discover()

    @property
    def training(self) -> bool:
        """Training mode: a training card or a recording (never a resident's card), or switched on
        by --training / the config. The embedded service then trusts the training CAs only."""
        if self.training_mode:
            return True
        return bool(self.reader_spec) and self.reader_spec.split(":", 1)[0] in ("training", "replay")

    def trust(self) -> TrustAnchors:
        """What this terminal's embedded service trusts, read again each time (``jpki-reset trust``
        may have changed the store since)."""
        from reset_flow.config import default_trust_store
        from reset_flow.trust_setup import open_trust_store, terminal_trust

        store = open_trust_store(self.trust_store or default_trust_store())
        return terminal_trust(store, training=self.training)

    def card_checks(self) -> tuple[RevocationCheck, IssuerCheck | None]:
        """Revocation by the lists at hand, and whether the service trusts the card's issuer: known
        only for the embedded service (a shared one keeps its own trust store)."""
        trust = self.trust()
        return trust.revocation_of, (trust.trusts_issuer_of if self.server_url is None else None)

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
        """The service client; the embedded one is built again when what it should trust changed
        (another reader switched training mode, or the trust store changed)."""
        trust = self.trust() if self.server_url is None else None
        key = _trust_key(trust)
        if self.service is not None and (self._service_key is None or self._service_key == key):
            return self.service
        from tui.service import open_service

        self.service = open_service(self.server_url, self.clock, self.data_dir, trust=trust, token=self.token)
        self._service_key = key
        return self.service

    def start_flow(self) -> ResetFlow:
        """A fresh step-1 or step-2 flow for the chosen task, on the chosen reader."""
        from readers.training_card.issuer import TrainingIssuer
        from reset_flow.step1 import Step1
        from reset_flow.step2 import Step2

        kind = Step1 if self.is_task(Task.STEP1) else Step2
        # The training issuer's commands reach a card only when the service sends their cryptogram.
        revocation, issuer = self.card_checks()
        service = self.ensure_service()
        reader = self.ensure_reader()
        self.flow = kind(
            reader, service, self.clock, revocation=revocation, issuer=issuer, issuer_commands=TrainingIssuer
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


def _trust_key(trust: TrustAnchors | None) -> object:
    """What identifies a trust for rebuilding the embedded service: anchors and their CRLs."""
    if trust is None:
        return "remote"
    from cryptography.hazmat.primitives.hashes import SHA256

    return trust.training, tuple(
        (a.purpose, a.sha256, a.crl.fingerprint(SHA256()) if a.crl is not None else None)
        for a in trust.anchors
    )
