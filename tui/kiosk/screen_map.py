"""Which kiosk screen shows which step-2 state (every state has one: the endings share one)."""

from __future__ import annotations

from reset_flow import states as st
from tui.kiosk.ending import KioskEndScreen
from tui.kiosk.pins import KioskChooseScreen, KioskNewPinScreen, KioskProofPinScreen
from tui.kiosk.session import KioskScreen


def screen_for(state: st.FlowState) -> KioskScreen:
    """The kiosk screen that shows ``state``."""

    if isinstance(state, st.NeedPin | st.ConfirmLastTry):
        return KioskProofPinScreen(state)
    if isinstance(state, st.NeedNewPin):
        return KioskNewPinScreen(state)
    if isinstance(state, st.ChooseReservation):
        return KioskChooseScreen(state)
    return KioskEndScreen(state)
