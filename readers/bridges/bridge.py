"""What every emulator bridge shares: a training card that can be lifted off and put back.

A bridge serves one ``TrainingCard`` to a real software stack on a thread of its own. Tests and
``jpki-reset emulate`` control it from any thread: ``remove()`` takes the card off the reader,
``insert()`` puts the same card back (its PIN counters survive), ``remove_after(n)`` lifts it as
the n-th next command arrives, before it is answered.
"""

from __future__ import annotations

import threading

from readers.apdu import redact_hex
from readers.training_card.applet import TrainingCard


class CardLifted(Exception):
    """The card left the reader while a command was on its way (no answer will come)."""


class Bridge:
    """Base of the vpcd and nfcpy-udp bridges. ``commands`` keeps each command the card
    answered, PIN data shown as ``??`` (tests count VERIFYs with it)."""

    thread_name = "bridge"

    def __init__(self, card: TrainingCard) -> None:
        self.card = card
        self.commands: list[str] = []
        self._on_reader = threading.Event()
        self._on_reader.set()
        self._stopped = threading.Event()
        self._lock = threading.Lock()
        self._countdown: int | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> Bridge:
        self._thread = threading.Thread(target=self.serve, name=self.thread_name, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopped.set()
        self._on_reader.set()
        self._hang_up()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def serve(self) -> None:
        """The bridge's loop; returns when stopped."""
        raise NotImplementedError

    def _hang_up(self) -> None:
        """Drop the link to the reader (the card is gone from the field or the slot)."""

    @property
    def on_reader(self) -> bool:
        return self._on_reader.is_set()

    def remove(self) -> None:
        """Take the card off the reader."""
        self._on_reader.clear()
        self._hang_up()

    def insert(self) -> None:
        """Put the card back on the reader."""
        with self._lock:
            self._countdown = None
        self._on_reader.set()

    def remove_after(self, commands: int) -> None:
        """Lift the card as the ``commands``-th next command arrives (0: the very next)."""
        with self._lock:
            self._countdown = commands

    def answer(self, command: bytes) -> bytes:
        """The card's answer to one complete command APDU, unless it is lifted right now."""
        with self._lock:
            lift = self._countdown == 0
            if self._countdown is not None:
                self._countdown = None if lift else self._countdown - 1
        if lift:
            self._on_reader.clear()
            raise CardLifted(redact_hex(command))
        self.commands.append(redact_hex(command))
        return self.card.respond(command)
