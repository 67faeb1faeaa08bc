"""Step 1, the pre-reservation (事前予約), as a state machine.

    start()              -> ChoosePin | GoToWindow | CardProblem | CardRemoved
    choose_pin(kind)     ChoosePin -> AskSigningCertificate (signing PIN) | ConfirmIdentity
    knows_neither()      ChoosePin -> GoToWindow(neither-pin-known)
    answer_signing_questions(details_changed, loss_reported)
                         AskSigningCertificate -> ConfirmIdentity | GoToWindow
    confirm_identity()   ConfirmIdentity -> NeedPin | PinBlocked
    card_expired()       ConfirmIdentity -> GoToWindow(card-expired)
    enter_pin(pin)       NeedPin -> ConfirmLastTry | PinWasWrong | PinBlocked | ReservationMade | ...
    confirm_last_try() / decline_last_try(), resume(), retry(), cancel()   (see flow.py)

After the proof PIN is verified, the card signs the service's fresh nonce with the proof key and the
service records the reservation (24 h). The resident's PINs never leave the laptop.
"""

from __future__ import annotations

from readers.jpki import PinKind
from reset_flow.errors import ServiceRefused
from reset_flow.flow import ResetFlow
from reset_flow.pin_rules import RESETTABLE_PINS
from reset_flow.proof import Proof, ProofPurpose
from reset_flow.states import (
    AskSigningCertificate,
    ChoosePin,
    ConfirmIdentity,
    FlowState,
    GoToWindow,
    IssuerNotTrusted,
    NotStarted,
    ReservationMade,
)
from reset_flow.triage import Reason, ReasonCode, Verdict, triage


class Step1(ResetFlow):
    async def start(self) -> FlowState:
        """Read the card and triage it, before any PIN is asked."""
        self._require("start", NotStarted)
        return await self._guard(self._open_and_triage, self._open_and_triage)

    async def _open_and_triage(self) -> FlowState:
        report = await self.session.open()
        result = triage(report, self.clock.now(), self.revocation, self.issuer)
        if result.verdict is Verdict.WINDOW:
            return GoToWindow(result.reasons)
        if result.verdict is Verdict.ISSUER_NOT_TRUSTED:
            return IssuerNotTrusted()
        return ChoosePin(result.kiosk_pins, result)

    async def choose_pin(self, reset: PinKind) -> FlowState:
        """The PIN the resident wants reset (one of ``ChoosePin.choices``)."""
        self._require("choose_pin", ChoosePin)
        assert isinstance(self.state, ChoosePin)
        if reset not in self.state.choices:
            raise ValueError(f"the {reset.label} cannot be reset at a kiosk for this card")
        self.reset = reset
        if reset is PinKind.SIGN:
            return await self._settle(AskSigningCertificate(reset))
        return await self._settle(ConfirmIdentity(reset))

    async def answer_signing_questions(self, *, details_changed: bool, loss_reported: bool) -> FlowState:
        """The resident's answers, asked by staff: has the name, address, date of birth or sex
        changed since the card was issued; was a loss of the card reported? Either "yes" means
        the signing certificate is revoked or suspended, and only the window can help."""
        self._require("answer_signing_questions", AskSigningCertificate)
        reasons = []
        if details_changed:
            reasons.append(Reason(ReasonCode.DETAILS_CHANGED, (PinKind.SIGN,)))
        if loss_reported:
            reasons.append(Reason(ReasonCode.LOSS_REPORTED, RESETTABLE_PINS))
        if reasons:
            return await self._settle(GoToWindow(tuple(reasons)))
        assert self.reset is not None
        return await self._settle(ConfirmIdentity(self.reset))

    async def knows_neither(self) -> FlowState:
        """The resident knows neither PIN: each reset needs the other, so the window it is."""
        self._require("knows_neither", ChoosePin)
        return await self._settle(GoToWindow((Reason(ReasonCode.NEITHER_PIN_KNOWN, RESETTABLE_PINS),)))

    async def confirm_identity(self) -> FlowState:
        """Staff checked the resident against the photo ID in person."""
        self._require("confirm_identity", ConfirmIdentity)
        return await self._guard(self._ask_pin, self._ask_pin)

    async def card_expired(self) -> FlowState:
        """Staff read on the card's face that the card itself has expired: no reset, the window."""
        self._require("card_expired", ConfirmIdentity)
        return await self._settle(GoToWindow((Reason(ReasonCode.CARD_EXPIRED, RESETTABLE_PINS),)))

    async def _after_proof_pin(self) -> FlowState:
        self._request: Proof | None = None
        self._key = self._new_key()  # one logical reservation: one idempotency key
        return await self._reserve()

    async def _reserve(self, refreshed: bool = False) -> FlowState:
        self._retry_to = self._reserve
        assert self.reset is not None and self.session.identity is not None
        if self._request is None:
            self._request = await self._sign_fresh_nonce()
        try:
            reservation = await self.service.reserve(self.reset, self._request, idempotency_key=self._key)
        except ServiceRefused as refusal:
            if refusal.code != "challenge-expired" or refreshed:
                raise
            # The first attempt never landed and its nonce aged out: sign a new one (no VERIFY).
            self._request = None
            return await self._reserve(refreshed=True)
        time = await self.service.service_time()
        return ReservationMade(
            reservation_id=reservation.id,
            reset=reservation.reset,
            made_at=reservation.made_at,
            deadline=reservation.deadline,
            usable_until=reservation.usable_until,
            kiosk_open_now=time.kiosk_open,
            next_opening=None if time.kiosk_open else time.next_opening,
            replaced_earlier=reservation.replaced_earlier,
        )

    async def _sign_fresh_nonce(self) -> Proof:
        return await self._prove(ProofPurpose.RESERVATION)
