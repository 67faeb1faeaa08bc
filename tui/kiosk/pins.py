"""The resident's entries: the PIN they remember (proof), which reservation (when both are
reserved), and the new PIN twice. The entries, their checks as typed and what is sent are the
staff screens' (nothing is sent while it cannot be right; an entry is emptied as it is handed to
the flow); the words, the keys and what a lifted card does are the kiosk's."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual.widget import Widget
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from readers.jpki import PinKind
from reset_flow import states as st
from tui.kiosk.session import KioskScreen, explanation
from tui.screens.new_pin import NewPinScreen
from tui.screens.proof_pin import ProofPinScreen
from tui.widgets.pin_input import PinInput
from tui.widgets.pin_words import problem_terms
from tui.widgets.say import Say, Term


def pin_name(kind: PinKind) -> Term:
    """The PIN by the guidebooks' name."""
    return Term(f"kiosk.pin.{kind.value}")


def pin_asked(kind: PinKind) -> Term:
    """The PIN by name with its format in brackets, where it is asked for."""
    return Term(f"kiosk.pin_asked.{kind.value}")


class KioskProofPinScreen(KioskScreen, ProofPinScreen):
    """The staff screen's entry and checks, in the resident's words and the kiosk's ways."""

    NAME: ClassVar[str] = "kiosk.proof"

    def body(self) -> Iterable[Widget]:
        yield Say(id="progress")
        yield Say("kiosk.proof.which", id="which", classes="asked")
        yield Say(id="tries")
        yield Say(id="upper")
        yield PinInput(self.pin, id="pin", help_key=f"help.kiosk.proof.{self.pin.value}")
        yield Say(id="feedback")

    def show_state(self, state: st.FlowState) -> None:
        if isinstance(state, st.ConfirmLastTry):
            self._confirm_last_try()
            return
        assert isinstance(state, st.NeedPin)
        self.set_instruction("kiosk.proof.instruction", pin=pin_asked(state.pin))
        tries = self.query_one("#tries", Say)
        if state.last_try:
            tries.show("kiosk.proof.last_try")
        else:
            tries.show("kiosk.proof.tries", left=state.tries_left)
        if state.pin is PinKind.SIGN:
            self.query_one("#upper", Say).show("pin.upper_note")
        if isinstance(state, st.PinWasWrong):
            self.show_error(explanation("kiosk.wrong_pin", left=state.tries_left))
        self.query_one(PinInput).focus()

    def _confirm_last_try(self) -> None:
        from tui.screens.confirm import ConfirmScreen

        flow = self.wizard.flow
        assert flow is not None

        def answered(yes: bool | None) -> None:
            self.run_flow(flow.confirm_last_try if yes else flow.decline_last_try)

        question = ConfirmScreen("kiosk.last_try.title", "kiosk.last_try.text", pin=pin_name(self.pin))
        self.app.push_screen(question, answered)


# Not built on triage.ChooseReservationScreen, as the PIN screens are on theirs: here each PIN is
# named with its format and there is no help key.
class KioskChooseScreen(KioskScreen):
    """Reservations for both PINs: which one now (arrow keys, Enter)."""

    NAME: ClassVar[str] = "kiosk.choose"
    OWNS = (st.ChooseReservation,)

    def body(self) -> Iterable[Widget]:
        yield Say(id="progress")
        yield OptionList(id="reservations")

    def on_mount(self) -> None:
        self._fill()
        self.query_one(OptionList).focus()

    def relabel(self) -> None:
        super().relabel()
        self._fill()

    def _fill(self) -> None:
        assert isinstance(self.state, st.ChooseReservation)
        listing = self.query_one(OptionList)
        highlighted = listing.highlighted or 0
        listing.clear_options()
        listing.add_options(Option(self.app.t(pin_asked(pin))) for pin in self.state.choices)
        listing.highlighted = highlighted

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_forward()

    def forward(self) -> None:
        flow, at = self.wizard.flow, self.query_one(OptionList).highlighted
        if isinstance(self.state, st.ChooseReservation) and flow is not None and at is not None:
            chosen = self.state.choices[at]
            self.run_flow(lambda: flow.choose_reservation(chosen))  # type: ignore[attr-defined]


class KioskNewPinScreen(KioskScreen, NewPinScreen):
    """The new PIN twice (the staff screen's entries and checks, in the resident's words). The
    reset itself runs from here: a card lifted during it is asked back, since whether the card
    already took the new PIN is only known once it is back."""

    NAME: ClassVar[str] = "kiosk.new"

    # The staff body's layout (the ids NewPinScreen's checks fill) with the kiosk's own words,
    # help keys and a fixed rules line; written out, so each screen's wording and style can change
    # without the other's.
    def body(self) -> Iterable[Widget]:
        yield Say(id="progress")
        yield Say("kiosk.new.rules", classes="asked", format=Term(f"kiosk.format.{self.reset.value}"))
        yield Say(id="upper")
        yield Say("kiosk.new.first", classes="label")
        yield PinInput(self.reset, id="first", help_key=f"help.kiosk.new.{self.reset.value}")
        yield Say(id="first-feedback")
        yield Say("kiosk.new.again", classes="label")
        yield PinInput(self.reset, id="again", help_key="help.kiosk.new.again")
        yield Say(id="again-feedback")

    def show_state(self, state: st.FlowState) -> None:
        assert isinstance(state, st.NeedNewPin)
        self.clear_error()
        self.set_instruction("kiosk.new.instruction", pin=pin_asked(state.reset))
        if state.reset is PinKind.SIGN:
            self.query_one("#upper", Say).show("pin.upper_note")
        if state.problems:
            problems = problem_terms(state.problems, state.reset)
            self.show_error(explanation("kiosk.new_refused", problems=problems))
        self.query_one("#first", PinInput).focus()

    @property
    def lift_clears(self) -> bool:
        # While the reset runs, or while the card is asked back, the flow's state says what to do.
        return not (self.busy or self._waiting is not None)

    def card_lifted(self, state: st.CardRemoved) -> None:
        flow = self.wizard.flow
        assert flow is not None
        self._waiting = flow.resume
        self.query_one("#body").display = False  # the entries were sent: only "put it back" is left
        self.show_error(explanation("kiosk.lifted_during_reset"))
