"""What every kiosk screen shares: step 2's flow calls (``FlowScreen``), resident words for the
interruptions, no way back or out, and which screen shows which state.

Bindings are not inherited: Escape, Ctrl+Q and Ctrl+C mean nothing here. A resident stops by
taking the card off the reader, which clears everything (``KioskApp.card_removed``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual.app import ComposeResult
from textual.binding import Binding, BindingType

from reset_flow import states as st
from tui.errors import Explanation
from tui.idle import IdleLimits
from tui.screens.flow_work import FlowCall, FlowScreen
from tui.widgets.say import Say

if TYPE_CHECKING:
    from tui.kiosk.host import KioskHost


def explanation(base: str, **values: object) -> Explanation:
    return Explanation(f"{base}.title", f"{base}.text", f"{base}.action", values)


class KioskScreen(FlowScreen, inherit_bindings=False):
    NAME: ClassVar[str] = "kiosk.screen"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "forward", "kiosk.key.forward", key_display="Enter"),
        Binding("tab", "app.focus_next", show=False),
        Binding("shift+tab", "app.focus_previous", show=False),
    ]

    @property
    def kiosk(self) -> KioskHost:
        return cast("KioskHost", self.app)

    def compose(self) -> ComposeResult:
        # The banners (DEMO, TRAINING, the training clock) come from the wizard's screens.
        yield from super().compose()
        yield Say(id="staff", classes="staff")

    def for_staff(self, key: str = "", **values: object) -> None:
        """The small line with codes, for staff who come to help (empty ``key``: none)."""
        self.query_one("#staff", Say).show(key, **values)

    # Progress in words (a resident has no use for a count of card commands).
    def run_flow(self, call: FlowCall) -> None:
        super().run_flow(call)
        self.progress_line().show("kiosk.working")

    def _progress(self, count: int) -> None:
        """The line says "please wait" until the call ends."""

    # --- what the idle watch and a lifted card do here ----------------------------------------------

    def on_screen_resume(self) -> None:
        # (WizardScreen's handler runs as well: Textual calls each class's own.)
        self.kiosk.idle.touch()  # a new screen in front of the resident: the quiet time starts now

    def idle_limits(self) -> IdleLimits | None:
        """How long this screen may stay untouched; None: nothing here to clear (or card work runs)."""
        return None if self.busy else self.kiosk.settings.session

    def count_down(self, seconds_left: int) -> None:
        """The idle warning, ``seconds_left`` before the clearing."""
        self.kiosk.warn(seconds_left)

    lift_reason: ClassVar[str] = "card"  # why the start screen says it was cleared
    expiry_reason: ClassVar[str] = "idle"

    @property
    def lift_clears(self) -> bool:
        """Whether a card taken off now clears everything (else the flow's own state explains it)."""
        return True

    # --- no way back ------------------------------------------------------------------------------

    def can_go_back(self) -> bool:
        return False

    def to_start(self) -> None:
        self.kiosk.run_worker(self.kiosk.clear_session("finished"), group="clear")

    # --- flow states ------------------------------------------------------------------------------

    def arrive(self, state: st.FlowState) -> None:
        flow = self.wizard.flow
        if isinstance(state, st.CardRemoved):
            self.card_lifted(state)
        elif isinstance(state, st.DifferentCard) and flow is not None:
            self._waiting = flow.resume
            self.show_error(explanation("kiosk.different_card"))
        elif isinstance(state, st.ServiceUnavailable) and flow is not None:
            self._waiting = flow.retry
            self.show_error(explanation("kiosk.service_unavailable"))
        elif isinstance(state, self.OWNS):
            self.state = state
            self.show_state(state)
        else:
            self.kiosk.show_session(self.kiosk.screen_for(state))

    def card_lifted(self, state: st.CardRemoved) -> None:
        """The flow found the card gone in the middle of a call: everything is cleared."""
        self.kiosk.run_worker(self.kiosk.clear_session("card"), group="clear")
