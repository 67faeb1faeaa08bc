"""Step 2, the reset itself, as a state machine.

    start()                    -> NeedPin | ChooseReservation | NoReservation | ReservationExpired
                                  | KioskClosed | GoToWindow | PinBlocked | CardProblem | ...
    choose_reservation(kind)   ChooseReservation -> NeedPin | ...
    enter_pin(pin)             NeedPin -> NeedNewPin | ConfirmLastTry | PinWasWrong | PinBlocked | ...
    enter_new_pin(new, again)  NeedNewPin -> NeedNewPin(problems) | ResetDone
                                  | StoppedBeforeIssuerCommand | KioskClosed | ReservationExpired | ...
    confirm_last_try() / decline_last_try(), resume(), retry(), cancel()   (see flow.py)

The card must be the one that reserved: reservations are found by the card's identity, and the
service checks the proof certificate against the one of step 1. The kiosk window and the 24 h are
the service's to judge, by its own clock. The new PIN goes only to the card.
"""

from __future__ import annotations

from datetime import datetime

from readers.jpki import PinKind
from readers.pin import Pin
from reset_flow.client import Authorisation, Reservation
from reset_flow.errors import ServiceRefused, ServiceUnreachable
from reset_flow.flow import ResetFlow
from reset_flow.pin_rules import PIN_FORMATS, new_pin_problems
from reset_flow.proof import ProofPurpose
from reset_flow.states import (
    ChooseReservation,
    FlowState,
    GoToWindow,
    IssuerNotTrusted,
    KioskClosed,
    NeedNewPin,
    NoReservation,
    NotStarted,
    ReservationExpired,
    ReservationUsed,
    ResetDone,
    StoppedBeforeIssuerCommand,
)
from reset_flow.triage import Triage, Verdict, triage

# What a real card's step 2 has checked when it stops before the issuer's command.
REAL_CARD_CHECKS = (
    "same-card",
    "reservation-active",
    "kiosk-window",
    "proof-pin-verified",
    "proof-signature",
    "certificate-chain",
    "new-pin-format",
)


class Step2(ResetFlow):
    reservation: Reservation | None = None
    _triage: Triage | None = None
    _active: dict[PinKind, Reservation]
    _authorisation: Authorisation | None = None
    _card_reset = False  # the card took the new PIN (a resume must not reset it again)

    async def start(self) -> FlowState:
        """Read the card, find its reservation, check the window, then ask for the proof PIN."""
        self._require("start", NotStarted)
        return await self._guard(self._open_and_look_up, self._open_and_look_up)

    async def _open_and_look_up(self) -> FlowState:
        report = await self.session.open()
        self._triage = triage(report, self.clock.now(), self.revocation, self.issuer)
        if self.session.identity is None:  # no authentication certificate: nothing to look up
            return GoToWindow(self._triage.reasons)
        if self._triage.verdict is Verdict.ISSUER_NOT_TRUSTED:
            return IssuerNotTrusted()
        return await self._look_up()

    async def _look_up(self) -> FlowState:
        self._retry_to = self._look_up
        assert self.session.identity is not None
        found = await self.service.reservations_for(self.session.identity)
        active = [r for r in found.reservations if r.status == "active"]
        if not active:
            return _why_none(found.reservations)
        if not found.time.kiosk_open:
            return KioskClosed(found.time.next_opening, min(r.deadline for r in active))
        self._active = {r.reset: r for r in active}
        if len(active) > 1:
            return ChooseReservation(tuple(p for p in (PinKind.SIGN, PinKind.AUTH) if p in self._active))
        return await self._begin(active[0])

    async def choose_reservation(self, reset: PinKind) -> FlowState:
        self._require("choose_reservation", ChooseReservation)
        if reset not in self._active:
            raise ValueError(f"no active reservation for the {reset.label}")
        return await self._guard(lambda: self._begin(self._active[reset]), self._ask_pin)

    async def _begin(self, reservation: Reservation) -> FlowState:
        self.reservation, self.reset = reservation, reservation.reset
        assert self._triage is not None
        blocking = self._triage.blocks(reservation.reset)
        if blocking:  # e.g. the proof PIN got blocked since step 1
            return GoToWindow(blocking)
        return await self._ask_pin()

    async def _after_proof_pin(self) -> FlowState:
        assert self.reset is not None and self.reservation is not None
        return NeedNewPin(self.reset, PIN_FORMATS[self.reset], deadline=self.reservation.deadline)

    async def enter_new_pin(self, new: Pin, again: Pin) -> FlowState:
        """The new PIN, twice. Checked against the rules first; then authorised and set."""
        self._require("enter_new_pin", NeedNewPin)
        assert self.reset is not None
        problems = new_pin_problems(self.reset, new.reveal(), again.reveal())
        if problems:
            again_state = NeedNewPin(self.reset, PIN_FORMATS[self.reset], problems, self._deadline())
            return await self._settle(again_state)
        self._key = self._new_key()  # one key per authorisation attempt
        return await self._guard(lambda: self._authorise_and_reset(new), self._resume_point)

    async def record_completion(self) -> FlowState:
        """After ``ResetDone(recorded=False)``: tell the service again (same key: exactly once)."""
        self._require("record_completion", ResetDone)
        done = self.state
        assert isinstance(done, ResetDone)
        if done.recorded or done.completion_code != "service-unreachable":
            return done  # recorded, or refused for good: asking again changes nothing
        code = await self._record()
        return await self._settle(ResetDone(done.reset, done.tries_left, done.max_tries, code is None, code))

    def _deadline(self) -> datetime | None:
        return self.reservation.deadline if self.reservation else None

    async def _resume_point(self) -> FlowState:
        # Once the card took the new PIN, a removal must not lead to a second reset.
        return await self._finish() if self._card_reset else await self._ask_pin()

    async def _back_to_new_pin(self) -> FlowState:
        # The new PIN is never kept across an interruption: ask for it again (no VERIFY needed).
        return await self._after_proof_pin()

    async def _authorise_and_reset(self, new: Pin) -> FlowState:
        assert self.reset is not None and self.reservation is not None
        self._retry_to = self._back_to_new_pin
        proof = await self._prove(ProofPurpose.AUTHORISATION)
        # Only a card the service holds the authority for is asked for its reset challenge.
        commands = self.issuer_commands
        issuer = commands(self.session.require_connection()) if commands else None
        card_challenge = None
        if issuer is not None and self.reservation.issuer_reset:
            card_challenge = await issuer.challenge(self.reset)
        try:
            authorisation = await self.service.authorise(
                self.reservation.id, proof, card_challenge, idempotency_key=self._key
            )
        except ServiceRefused as refusal:
            return self._authorisation_refused(refusal)
        if authorisation.cryptogram is None or issuer is None or card_challenge is None:
            return StoppedBeforeIssuerCommand(self.reset, REAL_CARD_CHECKS)
        await issuer.reset(self.reset, authorisation.cryptogram, new)
        self._authorisation, self._card_reset = authorisation, True
        self._completion_key = self._new_key()  # the completion's own key, kept for its retries
        return await self._finish()

    def _authorisation_refused(self, refusal: ServiceRefused) -> FlowState:
        assert self.reservation is not None
        opening = refusal.details.get("next_opening")
        if refusal.code == "kiosk-closed" and isinstance(opening, str):
            return KioskClosed(datetime.fromisoformat(opening), self.reservation.deadline)
        if refusal.code == "reservation-expired":
            return ReservationExpired(self.reservation.reset, self.reservation.deadline)
        raise refusal

    async def _finish(self) -> FlowState:
        """The card is reset: record the completion, then read the tries back from the card."""
        assert self.reset is not None
        code = await self._record()
        status = await self.session.require_card().pin_status(self.reset)
        return ResetDone(self.reset, status.tries_left, self.reset.max_tries, code is None, code)

    async def _record(self) -> str | None:
        """Tell the service; None when it recorded the completion, else why not. The card is
        reset either way, so no service answer can turn this into a failure."""
        assert self.reservation is not None and self._authorisation is not None
        reservation, authorisation = self.reservation.id, self._authorisation.id
        try:
            await self.service.complete(reservation, authorisation, idempotency_key=self._completion_key)
        except ServiceUnreachable as error:
            return error.code  # record_completion() tries again with the same key
        except ServiceRefused as refusal:
            return refusal.code
        return None


def _why_none(reservations: tuple[Reservation, ...]) -> FlowState:
    """No active reservation: the latest one tells why (used, or expired), else there is none."""
    ended = [r for r in reservations if r.status in ("expired", "used")]
    if not ended:
        return NoReservation()
    latest = max(ended, key=lambda r: r.used_at or r.deadline)
    if latest.status == "used" and latest.used_at is not None:
        return ReservationUsed(latest.reset, latest.used_at)
    return ReservationExpired(latest.reset, latest.deadline)
