"""The kiosk's start: what to bring, the hours; place the card, press Enter (or the card's arrival
starts it). Reading the card, finding the reservation and the hours check are one flow call."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widget import Widget

from readers.reader import CARD_INSERTED
from reset_flow import states as st
from reset_flow.errors import ServiceError
from tui.idle import IdleLimits
from tui.kiosk.session import KioskScreen, explanation
from tui.widgets.say import Say

# Why the screen was cleared, as the start screen says it.
CLEARED_NOTES = {"idle": "kiosk.cleared.idle", "card": "kiosk.cleared.card", "staff": "kiosk.cleared.staff"}


class KioskStartScreen(KioskScreen):
    NAME: ClassVar[str] = "kiosk.start"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "forward", "kiosk.key.start", key_display="Enter"),
    ]

    def body(self) -> Iterable[Widget]:
        yield Say(id="progress")
        yield Say(id="note", classes="note")
        yield Say("kiosk.start.bring", classes="line")
        yield Say("kiosk.start.reservation", classes="line")
        yield Say("kiosk.start.hours", classes="line")

    def show_cleared(self, why: str) -> None:
        """Say why the previous entries are gone (nothing for a finished session)."""
        self.clear_error()
        self.for_staff()
        note = self.query_one("#note", Say)
        note.show(CLEARED_NOTES[why]) if why in CLEARED_NOTES else note.clear()

    @property
    def note_shown(self) -> bool:
        return bool(self.query_one("#note", Say).key) or self.error_shown

    def idle_limits(self) -> IdleLimits | None:
        # Nothing typed here; a note or another resident's language and colours are put back.
        if self.busy or not (self.note_shown or self.kiosk.look_changed):
            return None
        return self.kiosk.settings.session

    expiry_reason = "look"

    def count_down(self, seconds_left: int) -> None:
        """Nothing to warn about: the start screen only goes back to its first look."""

    @property
    def lift_clears(self) -> bool:
        return False  # nothing to clear; while reading, the flow says the card went

    # --- starting ---------------------------------------------------------------------------------

    def forward(self) -> None:
        self.begin()

    def card_event(self, event: str) -> None:
        if event == CARD_INSERTED and self.is_current and not self.busy:
            self.begin()

    def begin(self) -> None:
        self.query_one("#note", Say).clear()
        self.for_staff()
        try:
            flow = self.wizard.start_flow()
        except ServiceError as error:  # e.g. --server without a terminal token: for staff
            self.show_error(explanation("kiosk.not_ready"))
            self.for_staff("kiosk.staff_code", code=error.code)
            return
        self.run_flow(flow.start)

    def arrive(self, state: st.FlowState) -> None:
        if isinstance(state, st.CardRemoved):
            # Not read: no card, or it moved. Nothing was asked yet; start afresh on Enter.
            self.kiosk.drop_flow()
            self._waiting = None
            base = "kiosk.no_card" if state.code == "no-card" else "kiosk.card_moved"
            self.show_error(explanation(base))
            self.for_staff("kiosk.staff_code", code=state.code)
            return
        super().arrive(state)
