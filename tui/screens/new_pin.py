"""Step 2: the new PIN, twice, with its format checked in words as it is typed."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual.widget import Widget
from textual.widgets import Input

from readers.errors import InvalidPinInput
from readers.jpki import PinKind
from readers.pin import Pin
from reset_flow import states as st
from reset_flow.pin_rules import PinProblem, new_pin_problems, pin_problems
from tui.screens.flow_work import FlowScreen
from tui.widgets.pin_input import PinInput
from tui.widgets.pin_words import problem_terms
from tui.widgets.say import Say, Term


class NewPinScreen(FlowScreen):
    NAME: ClassVar[str] = "new"
    OWNS = (st.NeedNewPin,)

    @property
    def reset(self) -> PinKind:
        assert isinstance(self.state, st.NeedNewPin)
        return self.state.reset

    def body(self) -> Iterable[Widget]:
        yield Say(id="progress")
        yield Say(id="rules", classes="pin-words")
        yield Say(id="upper", classes="pin-words")
        yield Say("new.first", classes="label pin-words")
        yield PinInput(self.reset, id="first", help_key=f"help.new.{self.reset.value}")
        yield Say(id="first-feedback", classes="pin-words")
        yield Say("new.again", classes="label pin-words")
        yield PinInput(self.reset, id="again", help_key="help.new.again")
        yield Say(id="again-feedback", classes="pin-words")

    def on_mount(self) -> None:
        assert self.state is not None
        self.show_state(self.state)

    def show_state(self, state: st.FlowState) -> None:
        assert isinstance(state, st.NeedNewPin)
        pin = Term(f"pin.label.{state.reset.value}")
        self.set_instruction("new.instruction", pin=pin)
        self.query_one("#rules", Say).show(
            "new.rules", pin=pin, format=Term(f"pin.format.{state.reset.value}")
        )
        if state.reset is PinKind.SIGN:
            self.query_one("#upper", Say).show("pin.upper_note")
        if state.problems:
            # Entries the flow refused are cleared; the reasons stay on the screen in words.
            from tui.errors import Explanation

            self.show_error(
                Explanation(
                    "new.refused.title",
                    "new.refused.text",
                    "new.refused.action",
                    {"problems": problem_terms(state.problems, state.reset)},
                )
            )
        self.query_one("#first", PinInput).focus()

    # --- live feedback -------------------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        first = self.query_one("#first", PinInput).value
        again = self.query_one("#again", PinInput).value
        feedback = self.query_one("#first-feedback", Say)
        problems = pin_problems(self.reset, first) if first else ()
        if problems:
            feedback.show("pin.problems", problems=problem_terms(problems, self.reset))
        else:
            feedback.show("pin.format_ok") if first else feedback.clear()
        second = self.query_one("#again-feedback", Say)
        if not again:
            second.clear()
        elif again == first:
            second.show("new.match")
        else:
            second.show("new.differ")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "first" and not (self.busy or self.ended or self.error_shown):
            self.query_one("#again", PinInput).focus()
        else:
            self.action_forward()

    def forward(self) -> None:
        flow = self.wizard.flow
        first, again = self.query_one("#first", PinInput), self.query_one("#again", PinInput)
        if flow is None or not isinstance(self.state, st.NeedNewPin):
            return
        problems = new_pin_problems(self.reset, first.value, again.value)
        if problems:
            self._refuse(problems)
            return
        try:
            new, repeated = Pin(first.value), Pin(again.value)
        except InvalidPinInput as error:
            self.show_error(error)
            return
        finally:
            first.value = again.value = ""
        self.run_flow(lambda: flow.enter_new_pin(new, repeated))  # type: ignore[attr-defined]

    def _refuse(self, problems: tuple[PinProblem, ...]) -> None:
        say = self.query_one("#again-feedback", Say)
        say.show("pin.not_sent", problems=problem_terms(problems, self.reset))
        first = self.query_one("#first", PinInput)
        (
            self.query_one("#again", PinInput) if first.value and PinProblem.MISMATCH in problems else first
        ).focus()

    def loses_data(self) -> bool:
        return True
