"""Which screen shows which flow state (the wizard's order of screens)."""

from __future__ import annotations

from reset_flow import states as st
from tui.screens.base import WizardScreen


def next_screen(state: st.FlowState) -> WizardScreen | None:
    """The screen that shows ``state``; None when it is an ending explained where it happened."""
    from tui.screens.new_pin import NewPinScreen
    from tui.screens.photo_id import PhotoIdScreen
    from tui.screens.proof_pin import ProofPinScreen
    from tui.screens.results import ReservationScreen, ResetResultScreen
    from tui.screens.signing_questions import SigningQuestionsScreen
    from tui.screens.triage import ChooseReservationScreen, TriageScreen

    screens: dict[type[st.FlowState], type[WizardScreen]] = {
        st.ChoosePin: TriageScreen,
        st.ChooseReservation: ChooseReservationScreen,
        st.AskSigningCertificate: SigningQuestionsScreen,
        st.ConfirmIdentity: PhotoIdScreen,
        st.NeedPin: ProofPinScreen,
        st.PinWasWrong: ProofPinScreen,
        st.NeedNewPin: NewPinScreen,
        st.ReservationMade: ReservationScreen,
        st.ResetDone: ResetResultScreen,
        st.StoppedBeforeIssuerCommand: ResetResultScreen,
    }
    kind = screens.get(type(state))
    return kind(state) if kind is not None else None  # type: ignore[call-arg]
