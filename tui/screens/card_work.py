"""Card I/O for screens: runs in a worker, shows progress, reports back with messages.

A screen calls ``run_card(job, name)``; the job gets the card session and returns a result. The
screen receives ``CardDone`` or ``CardFailed``; a card lifted off the reader is explained in
place, and putting it back (or Enter) runs the same job again, so the wizard resumes where it was.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from textual.message import Message
from textual.worker import Worker

from readers.connection import CardConnection
from readers.errors import CardRemoved, JpkiResetError, NoCard, ReplayMismatch, TransportError
from readers.reader import CARD_INSERTED
from tui.screens.base import WizardScreen
from tui.widgets.say import Say

CardJob = Callable[[CardConnection], Awaitable[Any]]

# Errors after which the card session is gone and a fresh one is needed.
SESSION_LOST = (CardRemoved, NoCard, TransportError)


class CardDone(Message):
    def __init__(self, name: str, result: Any) -> None:
        super().__init__()
        self.name, self.result = name, result


class CardFailed(Message):
    def __init__(self, name: str, error: JpkiResetError) -> None:
        super().__init__()
        self.name, self.error = name, error


class CardScreen(WizardScreen):
    """A wizard screen that talks to the card."""

    busy = False
    _job: tuple[CardJob, str] | None = None
    waiting_for_card = False

    def progress_line(self) -> Say:
        return self.query_one("#progress", Say)

    def run_card(self, job: CardJob, name: str) -> Worker[None]:
        self._job = (job, name)
        self.busy, self.waiting_for_card = True, False
        self.clear_error()
        self.progress_line().show("card.reading", count=0)
        self.refresh_bindings()
        return self.run_worker(self._work(job, name), group="card", exclusive=True, exit_on_error=False)

    async def _work(self, job: CardJob, name: str) -> None:
        wizard = self.wizard
        try:
            card = await wizard.session()
            wizard.on_progress(self._progress)
            result = await job(card)
        except JpkiResetError as error:
            if isinstance(error, SESSION_LOST):
                wizard.drop_session()
            self.post_message(CardFailed(name, error))
        else:
            self.post_message(CardDone(name, result))
        finally:
            wizard.on_progress(None)

    def _progress(self, count: int) -> None:
        self.progress_line().show("card.reading", count=count)

    def on_card_done(self, message: CardDone) -> None:
        self.busy = False
        self.progress_line().clear()
        self.refresh_bindings()
        self.card_done(message.name, message.result)

    def on_card_failed(self, message: CardFailed) -> None:
        self.busy = False
        self.progress_line().clear()
        error = message.error
        if isinstance(error, SESSION_LOST) and not isinstance(error, ReplayMismatch):
            self.waiting_for_card = True
            self.show_error(error, action="card.put_back")
        else:
            self.card_failed(message.name, error)
        self.refresh_bindings()

    def card_done(self, name: str, result: Any) -> None:
        """A card job finished (screens override)."""

    def card_failed(self, name: str, error: JpkiResetError) -> None:
        """A card job failed with the card still there (screens override)."""
        self.show_error(error)

    # --- resuming after the card came back ------------------------------------------------------

    def card_event(self, event: str) -> None:
        """A reader event, routed here by the app while this screen is on top."""
        if event == CARD_INSERTED:
            self.card_back()

    def card_back(self) -> None:
        if self.waiting_for_card and self.is_attached and self._job is not None:
            self.run_card(*self._job)

    def resume(self) -> bool:
        """Enter while waiting for the card: try again. Returns whether it did."""
        if self.waiting_for_card and self._job is not None:
            self.run_card(*self._job)
            return True
        return False
