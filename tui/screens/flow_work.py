"""Screens that drive a step-1 or step-2 flow of ``reset_flow``.

Every user step is one flow call, run in a worker; the flow answers with a typed state, posted
back as ``FlowMoved``. A state either belongs to this screen (shown in place), opens the next
screen, or ends the task; an interruption (card lifted, service unreachable) is explained here,
where it happened, and Enter or putting the card back resumes it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import ClassVar

from textual.message import Message
from textual.widgets import Input

from readers.reader import CARD_INSERTED
from reset_flow import states as st
from tui.screens.base import WizardScreen
from tui.states import explain_state, is_final
from tui.widgets.say import Say

FlowCall = Callable[[], Awaitable[st.FlowState]]


class FlowMoved(Message):
    def __init__(self, state: st.FlowState) -> None:
        super().__init__()
        self.state = state


class FlowScreen(WizardScreen):
    """``OWNS``: the state types this screen shows itself; others go to ``next_screen``."""

    OWNS: ClassVar[tuple[type[st.FlowState], ...]] = ()

    def __init__(self, state: st.FlowState | None = None) -> None:
        super().__init__()
        self.state = state
        self.busy = False
        self.ended = False  # an ending was explained here: Enter returns to the start
        self._waiting: FlowCall | None = None  # what Enter (or the card coming back) runs

    def progress_line(self) -> Say:
        return self.query_one("#progress", Say)

    # --- running flow calls --------------------------------------------------------------------

    def run_flow(self, call: FlowCall) -> None:
        self.busy, self._waiting = True, None
        self.clear_error()
        self.progress_line().show("flow.working", count=0)
        self.refresh_bindings()
        self.run_worker(self._step(call), group="flow", exclusive=True, exit_on_error=False)

    async def _step(self, call: FlowCall) -> None:
        self.wizard.on_progress(self._progress)
        try:
            state = await call()
        finally:
            self.wizard.on_progress(None)
        self.post_message(FlowMoved(state))

    def _progress(self, count: int) -> None:
        self.progress_line().show("flow.working", count=count)

    def on_flow_moved(self, message: FlowMoved) -> None:
        self.busy = False
        self.progress_line().clear()
        self.arrive(message.state)
        self.refresh_bindings()

    def arrive(self, state: st.FlowState) -> None:
        """Show ``state`` here, open the screen it belongs to, or explain the ending in place."""
        flow = self.wizard.flow
        if is_final(state):
            self.ended = True
            self.show_error(explain_state(state, self._link_error()))
            self.close_entries()
        elif isinstance(state, st.CardRemoved | st.DifferentCard):
            assert flow is not None
            self._waiting = flow.resume
            self.show_error(explain_state(state, self._link_error()))
        elif isinstance(state, st.ServiceUnavailable):
            assert flow is not None
            self._waiting = flow.retry
            self.show_error(explain_state(state))
        elif isinstance(state, self.OWNS):
            self.state = state
            self.show_state(state)
        elif (screen := self.reset_app.screen_for(state)) is not None:
            self.app.push_screen(screen)
        else:
            self.ended = True
            self.show_error(explain_state(state))
            self.close_entries()

    def close_entries(self) -> None:
        """The task ended here: no entry takes typing any more, and nothing above it says what
        no longer holds (tries left, format), so the note below is the one thing to read."""
        entries = list(self.query(Input))
        for entry in entries:
            entry.value = ""
            entry.display = False
        if entries:
            for say in self.query(Say).filter(".pin-words"):
                say.clear()
            self.set_focus(None)

    def show_state(self, state: st.FlowState) -> None:
        """Draw a state this screen owns (screens override)."""

    def _link_error(self) -> BaseException | None:
        reader = self.wizard.reader
        return reader.last_error if reader is not None else None

    def card_event(self, event: str) -> None:
        if event == CARD_INSERTED and self._waiting is not None and self.error_shown and not self.busy:
            flow = self.wizard.flow
            if flow is not None and self._waiting == flow.resume:
                self.run_flow(self._waiting)

    # --- keys ----------------------------------------------------------------------------------

    def action_forward(self) -> None:
        if self.busy:
            return
        if self._waiting is not None:
            self.run_flow(self._waiting)
        elif self.ended:
            self.to_start()
        else:
            self.forward()

    def can_go_back(self) -> bool:
        return not self.busy

    def go_back(self) -> None:
        """Escape in a flow stops the task (the flows have no step backwards) and starts over."""
        flow = self.wizard.flow
        if flow is not None and not self.ended:
            # On the app: this screen and its workers are about to go.
            self.app.run_worker(flow.cancel(), group="flow")
        self.to_start()

    def loses_data(self) -> bool:
        return not self.ended

    def loss_key(self) -> str:
        return "confirm.stop_task.text"

    def to_start(self) -> None:
        stack = self.app.screen_stack
        start = max(i for i, screen in enumerate(stack) if getattr(screen, "STARTS_TASKS", False))
        for _ in range(len(stack) - start - 1):
            self.app.pop_screen()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "forward" and self.busy:
            return None
        return super().check_action(action, parameters)
