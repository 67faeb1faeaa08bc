"""Step 2 begins with the kiosk window, by the service's clock: closed, it says when it opens."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from textual.message import Message
from textual.widget import Widget

from reset_flow.errors import ServiceError
from tui.jst import jst
from tui.screens.base import WizardScreen
from tui.widgets.say import Say


class ServiceAnswered(Message):
    def __init__(self, time: Any = None, error: Exception | None = None) -> None:
        super().__init__()
        self.time, self.error = time, error


class KioskWindowScreen(WizardScreen):
    NAME: ClassVar[str] = "window"

    def __init__(self) -> None:
        super().__init__()
        self.open: bool | None = None
        self.busy = False

    def body(self) -> Iterable[Widget]:
        yield Say(id="progress")
        yield Say(id="window-state", classes="verdict")
        yield Say("window.hours", id="hours")

    def on_mount(self) -> None:
        self.ask()

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
        self.refresh_bindings()

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
