"""Step 2 begins with the kiosk window, by the service's clock: closed, it says when it opens,
until when the card's reservation holds (read without a PIN), and opens itself at the opening."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from textual.message import Message
from textual.timer import Timer
from textual.widget import Widget

from readers.errors import JpkiResetError
from readers.reader import CARD_INSERTED
from reset_flow import states as st
from reset_flow.errors import ServiceError
from tui.jst import jst
from tui.screens.base import WizardScreen
from tui.states import explain_state
from tui.widgets.say import Say


class ServiceAnswered(Message):
    def __init__(self, time: Any = None, error: Exception | None = None) -> None:
        super().__init__()
        self.time, self.error = time, error


# Asked again this long after the opening, so that the service's clock is surely past it.
OPENING_MARGIN = 0.5


class CardLookedUp(Message):
    def __init__(self, state: st.FlowState | None) -> None:
        super().__init__()
        self.state = state


class KioskWindowScreen(WizardScreen):
    NAME: ClassVar[str] = "window"

    def __init__(self) -> None:
        super().__init__()
        self.open: bool | None = None
        self.busy = False
        self._opening: Timer | None = None

    def body(self) -> Iterable[Widget]:
        yield Say(id="progress")
        yield Say(id="window-state", classes="verdict")
        yield Say(id="this-card")
        yield Say("window.hours", id="hours")

    def on_mount(self) -> None:
        self.ask()

    def on_unmount(self) -> None:
        if self._opening is not None:
            self._opening.stop()

    def ask(self) -> None:
        self.busy, self.open = True, None
        self.clear_error()
        self.query_one("#progress", Say).show("window.asking")
        self.run_worker(self._ask(), group="service", exclusive=True, exit_on_error=False)

    async def _ask(self) -> None:
        try:
            time = await self.wizard.ensure_service().service_time()
        except ServiceError as error:
            self.post_message(ServiceAnswered(error=error))
        else:
            self.post_message(ServiceAnswered(time))

    def on_service_answered(self, message: ServiceAnswered) -> None:
        self.busy = False
        self.query_one("#progress", Say).clear()
        if message.error is not None:
            self.show_error(message.error)
        else:
            time = message.time
            self.open = time.kiosk_open
            if time.training and not self.wizard.service_training:
                self.wizard.service_training = True  # a shared service in training mode
                self.refresh_banners()
            if time.training_clock and self.wizard.training_at is None:
                self.wizard.service_training_time = time.now  # the banner tells everyone
                self.refresh_banners()
            state = self.query_one("#window-state", Say)
            if self.open:
                state.show("window.open", now=jst(time.now))
                self.set_instruction("window.instruction.open")
            else:
                state.show("window.closed", now=jst(time.now), opening=jst(time.next_opening))
                self.set_instruction("window.instruction.closed")
                self._look_up_card()
                # The screen opens itself at the opening, by the service's clock (which runs on).
                wait = max(0.0, (time.next_opening - time.now).total_seconds()) + OPENING_MARGIN
                if self._opening is not None:
                    self._opening.stop()
                self._opening = self.set_timer(wait, self.ask)
        self.refresh_bindings()

    # --- closed: until when does this card's reservation hold? ---------------------------------

    def _look_up_card(self) -> None:
        """Read the card on the reader (no PIN) and find its reservation: if it ends before the
        kiosks open, staff must know tonight, not at the kiosk tomorrow."""
        hint = self.query_one("#this-card", Say)
        hint.show("window.card_hint")
        hint.set_class(False, "warning")
        self.run_worker(self._card_lookup(), group="card-lookup", exclusive=True, exit_on_error=False)

    async def _card_lookup(self) -> None:
        wizard = self.wizard
        state: st.FlowState | None = None
        try:
            state = await wizard.start_flow().start()
        except JpkiResetError:
            state = None  # no card, no reader: the hint stays
        finally:
            wizard.flow = None
            await wizard.close()  # step 2 proper starts afresh once the kiosks open
        self.post_message(CardLookedUp(state))

    def on_card_looked_up(self, message: CardLookedUp) -> None:
        state, line = message.state, self.query_one("#this-card", Say)
        if self.open:
            return
        if isinstance(state, st.KioskClosed) and state.deadline is not None:
            ends_first = state.deadline <= state.next_opening
            key = "window.ends_first" if ends_first else "window.holds_until"
            line.show(key, deadline=jst(state.deadline))
            line.set_class(ends_first, "warning")
        elif isinstance(state, st.NoReservation | st.ReservationExpired | st.ReservationUsed):
            said = explain_state(state)  # the card was read: what step 2 would say, said now
            line.show(said.title, **said.values)
            line.set_class(True, "warning")
        # else no card was read (none on the reader, or no answer): the hint stays

    def card_event(self, event: str) -> None:
        if event == CARD_INSERTED and self.open is False:
            self._look_up_card()

    def forward(self) -> None:
        if self.busy:
            return
        if self.open is None:
            self.ask()  # the service did not answer: ask again
        elif self.open:
            from tui.screens.place_card import PlaceCardScreen

            self.app.push_screen(PlaceCardScreen())
        else:
            self.go_back()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "forward" and self.busy:
            return None
        return super().check_action(action, parameters)
