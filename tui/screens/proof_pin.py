"""The proof PIN (the one not being reset): named with its format and tries left before entry,
masked, checked for format as typed, with an explicit confirmation before the last try."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual.widget import Widget
from textual.widgets import Input

from readers.errors import InvalidPinInput
from readers.jpki import PinKind
from readers.pin import Pin
from reset_flow import states as st
from reset_flow.pin_rules import pin_problems
from tui.choices import Task
from tui.screens.flow_work import FlowScreen
from tui.widgets.pin_input import PinInput
from tui.widgets.pin_words import problem_terms
from tui.widgets.say import Say, Term


class ProofPinScreen(FlowScreen):
    NAME: ClassVar[str] = "proof"
    OWNS = (st.NeedPin, st.ConfirmLastTry)

    @property
    def pin(self) -> PinKind:
        state = self.state
        assert isinstance(state, st.NeedPin | st.ConfirmLastTry)
        return state.pin

    def body(self) -> Iterable[Widget]:
        yield Say(id="progress")
        yield Say(id="resets", classes="verdict")
        yield Say(id="asked", classes="asked pin-words")
        yield Say(id="last-try", classes="warning pin-words")
        yield Say(id="upper", classes="pin-words")
        yield PinInput(self.pin, id="pin", help_key=f"help.proof.{self.pin.value}")
        yield Say(id="feedback", classes="pin-words")

    def on_mount(self) -> None:
        assert self.state is not None
        self.show_state(self.state)
        self.query_one(PinInput).focus()

    def show_state(self, state: st.FlowState) -> None:
        if isinstance(state, st.ConfirmLastTry):
            self._confirm_last_try()
            return
        assert isinstance(state, st.NeedPin)
        pin = Term(f"pin.label.{state.pin.value}")
        # Which PIN this task resets, before any PIN is typed: with two reservations, or a second
        # step 2 on the same card, staff must not find out only on the new-PIN screen.
        task = self.wizard.task
        step = "step2" if task is not None and task.task is Task.STEP2 else "step1"
        self.query_one("#resets", Say).show(
            f"proof.resets.{step}", reset=Term(f"pin.label.{state.reset.value}"), pin=pin
        )
        self.query_one("#asked", Say).show(
            "proof.asked",
            pin=pin,
            format=Term(f"pin.format.{state.pin.value}"),
            left=state.tries_left,
            max=state.max_tries,
        )
        last_try = self.query_one("#last-try", Say)
        if state.last_try:
            last_try.show("proof.last_try_warning", pin=pin)
        else:
            last_try.clear()
        if state.pin is PinKind.SIGN:
            self.query_one("#upper", Say).show("pin.upper_note")
        self.set_instruction("proof.instruction", pin=pin)
        if isinstance(state, st.PinWasWrong):
            self.show_error_key("error.wrong-pin", tries=state.tries_left)
        self.query_one(PinInput).focus()

    def show_error_key(self, base: str, **values: object) -> None:
        from tui.errors import Explanation

        self.show_error(Explanation(f"{base}.title", f"{base}.text", f"{base}.action", values))

    # --- typing and sending ------------------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        problems = pin_problems(self.pin, event.value) if event.value else ()
        feedback = self.query_one("#feedback", Say)
        if problems:
            feedback.show("pin.problems", problems=problem_terms(problems, self.pin))
        elif event.value:
            feedback.show("pin.format_ok")
        else:
            feedback.clear()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_forward()

    def forward(self) -> None:
        flow, field = self.wizard.flow, self.query_one(PinInput)
        if flow is None or not isinstance(self.state, st.NeedPin):
            return
        problems = pin_problems(self.pin, field.value)
        if problems:
            # Nothing goes to the card until the entry can be this PIN: no try is spent on a typo.
            self.query_one("#feedback", Say).show("pin.not_sent", problems=problem_terms(problems, self.pin))
            return
        try:
            pin = Pin(field.value)
        except InvalidPinInput as error:
            self.show_error(error)
            return
        finally:
            field.value = ""
        self.run_flow(lambda: flow.enter_pin(pin))

    def _confirm_last_try(self) -> None:
        from tui.screens.confirm import ConfirmScreen

        flow = self.wizard.flow
        assert flow is not None
        pin = Term(f"pin.label.{self.pin.value}")

        def answered(yes: bool | None) -> None:
            self.run_flow(flow.confirm_last_try if yes else flow.decline_last_try)

        self.app.push_screen(ConfirmScreen("confirm.last_try", "confirm.last_try.text", pin=pin), answered)

    def loses_data(self) -> bool:
        return True
