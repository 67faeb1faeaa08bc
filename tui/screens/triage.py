"""Triage, before any PIN: can the kiosk path reset the chosen PIN, or is it the window?"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widget import Widget
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from readers.jpki import PinKind
from reset_flow import states as st
from reset_flow.kiosk_chains import shipped_kiosk_chains
from reset_flow.pin_rules import proof_pin_for
from tui.card_words import reason_terms, window_reasons
from tui.screens.flow_work import FlowScreen
from tui.states import notes_of
from tui.widgets.say import Chains, Say, Term


def where_to_go(reset: PinKind) -> tuple[str, dict[str, object]]:
    """The catalog entry naming the store chains whose kiosks reset ``reset``, with its values."""
    chains = shipped_kiosk_chains()
    values: dict[str, object] = {
        "reset": Term(f"pin.label.{reset.value}"),
        "chains": Chains(chains.offering(reset)),
        "as_of": chains.as_of.isoformat(),
    }
    return "chains.where", values


class TriageScreen(FlowScreen):
    NAME: ClassVar[str] = "triage"
    OWNS = (st.ChoosePin, st.GoToWindow)
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "knows_neither", "key.knows_neither", key_display="N"),
    ]

    def body(self) -> Iterable[Widget]:
        yield Say(id="progress")
        yield Say(id="verdict", classes="verdict")
        yield Say(id="reasons")
        yield Say(id="where")
        yield Say(id="notes")
        yield Say(id="bring")

    def on_mount(self) -> None:
        if self.state is not None:
            self.show_state(self.state)

    @property
    def reset(self) -> PinKind | None:
        return self.wizard.reset_pin

    @property
    def possible(self) -> bool:
        return isinstance(self.state, st.ChoosePin) and self.reset in self.state.choices

    def show_state(self, state: st.FlowState) -> None:
        verdict, reasons, where, notes, bring = (
            self.query_one(f"#{n}", Say) for n in ("verdict", "reasons", "where", "notes", "bring")
        )
        for say in (reasons, where, notes, bring):
            say.clear()
        if isinstance(state, st.GoToWindow):
            self.ended = True
            verdict.show("triage.window")
            reasons.show("triage.reasons", reasons=reason_terms(window_reasons(state.reasons)))
            bring.show("window.bring")
            self.set_instruction("triage.instruction.window")
        elif isinstance(state, st.ChoosePin) and self.reset is not None:
            reset, proof = (
                Term(f"pin.label.{self.reset.value}"),
                Term(f"pin.label.{proof_pin_for(self.reset).value}"),
            )
            if self.possible:
                verdict.show("triage.kiosk", reset=reset, proof=proof)
                key, values = where_to_go(self.reset)
                where.show(key, **values)
                self.set_instruction("triage.instruction.kiosk", proof=proof)
            else:
                self.ended = True
                verdict.show("triage.not_this_pin", reset=reset)
                reasons.show("triage.reasons", reasons=reason_terms(state.triage.blocks(self.reset)))
                bring.show("window.bring")
                self.set_instruction("triage.instruction.window")
        kept = notes_of(state)
        if kept:
            # Worded for the reset ahead only when there is one (the window ends it here).
            notes.show("triage.notes", notes=reason_terms(kept, self.reset if self.possible else None))
        self.refresh_bindings()

    def forward(self) -> None:
        flow = self.wizard.flow
        if self.possible and flow is not None and self.reset is not None:
            reset = self.reset
            self.run_flow(lambda: flow.choose_pin(reset))  # type: ignore[attr-defined]

    def action_knows_neither(self) -> None:
        flow = self.wizard.flow
        if self.possible and flow is not None and not self.busy:
            self.run_flow(flow.knows_neither)  # type: ignore[attr-defined]

    def loses_data(self) -> bool:
        return False  # only the card was read

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "knows_neither":
            return self.possible and not self.ended
        return super().check_action(action, parameters)


class ChooseReservationScreen(FlowScreen):
    """Step 2 with reservations for both PINs: which reset now."""

    NAME: ClassVar[str] = "choose"
    OWNS = (st.ChooseReservation,)

    def body(self) -> Iterable[Widget]:
        yield Say(id="progress")
        listing = OptionList(id="reservations")
        listing.help_key = "help.choose.reservations"
        yield listing

    def on_mount(self) -> None:
        self._fill()
        self.query_one(OptionList).focus()

    def relabel(self) -> None:
        super().relabel()
        self._fill()

    def show_state(self, state: st.FlowState) -> None:
        self._fill()

    def _fill(self) -> None:
        """One option per reserved PIN, named in the current language; the highlight kept."""
        if not isinstance(self.state, st.ChooseReservation):
            return
        listing = self.query_one(OptionList)
        highlighted = listing.highlighted
        listing.clear_options()
        listing.add_options(
            Option(self.app.t(f"pin.label.{pin.value}"), id=pin.value) for pin in self.state.choices
        )
        listing.highlighted = highlighted or 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_forward()  # as Enter elsewhere: nothing while the card work of a choice runs

    def forward(self) -> None:
        flow = self.wizard.flow
        listing = self.query_one(OptionList)
        if (
            isinstance(self.state, st.ChooseReservation)
            and flow is not None
            and listing.highlighted is not None
        ):
            chosen = self.state.choices[listing.highlighted]
            self.run_flow(lambda: flow.choose_reservation(chosen))  # type: ignore[attr-defined]
