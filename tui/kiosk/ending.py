"""Every way step 2 ends at the kiosk, in the resident's words: done, closed now (when to come
back, until when the reservation holds), no or an expired reservation, the window, a locked PIN,
or a problem for staff. Then "remove your card"; the screen goes back to the start when the card
is taken, on Enter, or by itself after a visible countdown."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widget import Widget

from reset_flow import states as st
from tui.card_words import reason_terms, window_reasons
from tui.idle import IdleLimits
from tui.jst import jst
from tui.kiosk.pins import pin_name
from tui.kiosk.session import KioskScreen
from tui.widgets.say import Say


def ending_key(state: st.FlowState) -> str:
    """The catalog family of an ending."""
    if isinstance(state, st.KioskClosed):
        return "kiosk.closed"
    names = {
        st.ResetDone: "kiosk.done",
        st.StoppedBeforeIssuerCommand: "kiosk.stopped",
        st.NoReservation: "kiosk.no_reservation",
        st.ReservationExpired: "kiosk.expired",
        st.ReservationUsed: "kiosk.used",
        st.GoToWindow: "kiosk.window",
        st.PinBlocked: "kiosk.blocked",
    }
    return names.get(type(state), "kiosk.problem")


class KioskEndScreen(KioskScreen):
    OWNS = (st.Terminal,)
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "forward", "kiosk.key.finish", key_display="Enter"),
    ]

    def __init__(self, state: st.FlowState) -> None:
        super().__init__(state)
        self.NAME = ending_key(state)  # its title and instruction follow the ending
        self.ended = True

    @property
    def help_key(self) -> str:
        return "help.kiosk.end"

    def body(self) -> Iterable[Widget]:
        yield Say(id="progress")
        yield Say(id="outcome", classes="verdict")
        yield Say(id="detail")
        yield Say(id="more")
        yield Say("kiosk.end.remove_card", id="remove", classes="verdict")
        yield Say(id="countdown")

    def on_mount(self) -> None:
        assert self.state is not None
        self.show_state(self.state)
        self.count_down(round(self.kiosk.settings.ending_seconds))
        if isinstance(self.state, st.ResetDone) and self.state.completion_code == "service-unreachable":
            flow = self.wizard.flow
            if flow is not None:  # once more, with the same key: the service records it exactly once
                self.run_flow(flow.record_completion)  # type: ignore[attr-defined]

    def line(self, name: str, key: str = "", **values: object) -> None:
        self.query_one(f"#{name}", Say).show(key, **values)

    def show_state(self, state: st.FlowState) -> None:
        base = ending_key(state)
        self.line("outcome", f"{base}.outcome", **self._values(state))
        self.line("detail", f"{base}.detail", **self._values(state))
        self.line("more")
        self.for_staff()
        if isinstance(state, st.KioskClosed) and state.deadline is not None:
            holds = state.deadline > state.next_opening  # else it ends before the kiosk opens
            key = "kiosk.closed.holds" if holds else "kiosk.closed.ends"
            self.line("more", key, deadline=jst(state.deadline))
        elif isinstance(state, st.GoToWindow):
            self.line("more", "kiosk.window.reasons", reasons=reason_terms(window_reasons(state.reasons)))
            self.for_staff("kiosk.staff_code", code=", ".join(r.code.value for r in state.reasons))
        elif isinstance(state, st.ResetDone) and not state.recorded:
            self.for_staff("kiosk.staff_not_recorded", code=state.completion_code or "")
        elif isinstance(state, st.CardProblem | st.ServiceRefusal):
            self.for_staff("kiosk.staff_code", code=state.code)
        elif base == "kiosk.problem":
            self.for_staff("kiosk.staff_code", code=state.name)

    def _values(self, state: st.FlowState) -> dict[str, object]:
        if isinstance(state, st.ResetDone | st.StoppedBeforeIssuerCommand):
            return {"pin": pin_name(state.reset)}
        if isinstance(state, st.PinBlocked):
            return {"pin": pin_name(state.pin)}
        if isinstance(state, st.ReservationExpired):
            return {"pin": pin_name(state.reset), "deadline": jst(state.deadline)}
        if isinstance(state, st.ReservationUsed):
            return {"pin": pin_name(state.reset), "used_at": jst(state.used_at)}
        if isinstance(state, st.KioskClosed):
            return {"opening": jst(state.next_opening)}
        return {}

    # --- back to the start ------------------------------------------------------------------------

    def idle_limits(self) -> IdleLimits | None:
        return None if self.busy else self.kiosk.settings.ending

    def count_down(self, seconds_left: int) -> None:
        self.line("countdown", "kiosk.end.countdown", seconds=seconds_left)

    # Taking the card, or the countdown running out, is how an ending is meant to close.
    lift_reason = "finished"
    expiry_reason = "finished"
