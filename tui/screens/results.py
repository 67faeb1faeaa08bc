"""The endings of the two steps: the reservation made, and the PIN reset."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widget import Widget

from reset_flow import states as st
from tui.jst import jst
from tui.screens.flow_work import FlowScreen
from tui.screens.triage import where_to_go
from tui.widgets.say import Say, Term, Terms


class ResultScreen(FlowScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "forward", "key.done", key_display="Enter"),
    ]

    def body(self) -> Iterable[Widget]:
        yield Say(id="progress")
        yield Say(id="outcome", classes="verdict")
        yield Say(id="detail", classes="verdict")  # the deadline, or the tries: what to tell the resident
        yield Say(id="extra")
        yield Say(id="next")
        yield Say(id="where")

    def on_mount(self) -> None:
        self.ended = True
        assert self.state is not None
        self.show_state(self.state)

    def line(self, name: str, key: str, **values: object) -> None:
        self.query_one(f"#{name}", Say).show(key, **values)

    def loses_data(self) -> bool:
        return False


class ReservationScreen(ResultScreen):
    NAME: ClassVar[str] = "reserved"
    OWNS = (st.ReservationMade,)

    def show_state(self, state: st.FlowState) -> None:
        assert isinstance(state, st.ReservationMade)
        reset = Term(f"pin.label.{state.reset.value}")
        self.line("outcome", "reserved.outcome", reset=reset)
        self.line("detail", "reserved.deadline", deadline=jst(state.deadline), made=jst(state.made_at))
        if state.usable_until != state.deadline:
            self.line("extra", "reserved.closed_deadline", usable=jst(state.usable_until))
        elif state.replaced_earlier:
            self.line("extra", "reserved.replaced")
        if state.kiosk_open_now:
            self.line("next", "reserved.open_now")
        else:
            self.line("next", "reserved.opens_at", opening=jst(state.next_opening))
        key, values = where_to_go(state.reset)
        self.line("where", key, **values)


class ResetResultScreen(ResultScreen):
    NAME: ClassVar[str] = "done"
    OWNS = (st.ResetDone, st.StoppedBeforeIssuerCommand)
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "record_again", "key.record_again", key_display="R"),
    ]

    def show_state(self, state: st.FlowState) -> None:
        if isinstance(state, st.StoppedBeforeIssuerCommand):
            self.set_instruction("done.instruction.stopped")
            self.line("outcome", "done.stopped", reset=Term(f"pin.label.{state.reset.value}"))
            self.line("detail", "done.checks", checks=Terms(f"check.{name}" for name in state.checks))
            return
        assert isinstance(state, st.ResetDone)
        reset = Term(f"pin.label.{state.reset.value}")
        self.line("outcome", "done.outcome", reset=reset)
        if state.tries_left is None:
            self.line("detail", "done.tries_unknown")
        else:
            self.line("detail", "done.tries", left=state.tries_left, max=state.max_tries)
        if state.recorded:
            self.query_one("#extra", Say).clear()
        else:
            self.line("extra", "done.not_recorded")
        self.refresh_bindings()

    def action_record_again(self) -> None:
        flow = self.wizard.flow
        if flow is not None and not self.busy and self._unrecorded:
            self.run_flow(flow.record_completion)  # type: ignore[attr-defined]

    @property
    def _unrecorded(self) -> bool:
        return isinstance(self.state, st.ResetDone) and not self.state.recorded

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "record_again":
            return self._unrecorded
        return super().check_action(action, parameters)
