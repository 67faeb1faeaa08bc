"""What step 1 and step 2 share: event gating, the proof-PIN entry, card removals and service
retries. Each public call is one user step; it returns the new typed state and never raises for
anything a person can cause (only ``FlowEventNotAllowed`` for a UI that sends the wrong event).

The card rules hold here: the tries are read right before every VERIFY; the last try is never
spent without ``confirm_last_try()``; a VERIFY is never repeated on the flow's own initiative;
after a removal or a link failure the flow re-reads the tries before anything else.
"""

from __future__ import annotations

import contextlib
import dataclasses
import uuid
from collections.abc import Awaitable, Callable

from readers.errors import CardError, ReaderError, WrongPin
from readers.errors import PinBlocked as PinBlockedError
from readers.issuer import IssuerCommandsFor
from readers.jpki import CertificateKind, PinKind
from readers.pin import Pin
from readers.reader import Reader
from reset_flow.card_session import CardSession
from reset_flow.client import ReservationClient
from reset_flow.clock import Clock
from reset_flow.errors import FlowEventNotAllowed, ServiceRefused, ServiceUnreachable
from reset_flow.pin_rules import PIN_FORMATS, pin_problems, proof_pin_for
from reset_flow.proof import Proof, ProofPurpose, proof_digest
from reset_flow.states import (
    Cancelled,
    CardProblem,
    CardRemoved,
    ConfirmLastTry,
    DifferentCard,
    FlowState,
    GoToWindow,
    NeedPin,
    NotStarted,
    PinBlocked,
    PinWasWrong,
    ServiceRefusal,
    ServiceUnavailable,
    Terminal,
)
from reset_flow.triage import IssuerCheck, Reason, ReasonCode, RevocationCheck

Action = Callable[[], Awaitable[FlowState]]

# Service refusals that mean "go to the window", by the certificate they concern.
_WINDOW_REFUSALS = {
    ("certificate-revoked", "auth"): ReasonCode.AUTH_CERTIFICATE_REVOKED,
    ("certificate-revoked", "sign"): ReasonCode.SIGN_CERTIFICATE_REVOKED,
    ("certificate-expired", "auth"): ReasonCode.AUTH_CERTIFICATE_EXPIRED,
    ("certificate-expired", "sign"): ReasonCode.SIGN_CERTIFICATE_EXPIRED,
    ("certificate-not-yet-valid", "auth"): ReasonCode.AUTH_CERTIFICATE_NOT_YET_VALID,
    ("certificate-not-yet-valid", "sign"): ReasonCode.SIGN_CERTIFICATE_NOT_YET_VALID,
}


class ResetFlow:
    def __init__(
        self,
        reader: Reader,
        service: ReservationClient,
        clock: Clock,
        *,
        revocation: RevocationCheck | None = None,
        issuer: IssuerCheck | None = None,
        new_key: Callable[[], str] | None = None,
        issuer_commands: IssuerCommandsFor | None = None,
    ) -> None:
        self.session = CardSession(reader)
        self.issuer_commands = issuer_commands  # the issuer's reset commands, where this terminal holds them
        self.service = service
        self.clock = clock
        self.revocation = revocation
        self.issuer = issuer  # does the service trust the card's issuer? (None: unknown here)
        self._new_key = new_key or (lambda: uuid.uuid4().hex)
        self.state: FlowState = NotStarted()
        self.reset: PinKind | None = None  # the PIN being reset, once known
        self._pending_pin: Pin | None = None  # held only while ConfirmLastTry waits
        self._resume_to: Action | None = None
        self._retry_to: Action | None = None

    # --- events every flow shares ----------------------------------------------------------------

    async def enter_pin(self, pin: Pin) -> FlowState:
        """The proof PIN as typed. Reads the tries first; on the last try, asks for confirmation.
        A PIN that breaks its format is not sent (it would spend a try for nothing): the same
        ``NeedPin`` comes back with the problems."""
        self._require("enter_pin", NeedPin)
        problems = pin_problems(self.proof, pin.reveal())
        if problems:
            return await self._settle(dataclasses.replace(self.state, problems=problems))
        return await self._guard(lambda: self._try_pin(pin, confirmed=False), self._ask_pin, verify=True)

    async def confirm_last_try(self) -> FlowState:
        """Staff confirmed spending the last try: the PIN entered is sent to the card."""
        self._require("confirm_last_try", ConfirmLastTry)
        pin, self._pending_pin = self._pending_pin, None
        assert pin is not None
        return await self._guard(lambda: self._try_pin(pin, confirmed=True), self._ask_pin, verify=True)

    async def decline_last_try(self) -> FlowState:
        """Staff declined: nothing is sent; the PIN entered is forgotten and asked again."""
        self._require("decline_last_try", ConfirmLastTry)
        self._pending_pin = None
        return await self._guard(self._ask_pin, self._ask_pin)

    async def resume(self) -> FlowState:
        """After ``CardRemoved`` / ``DifferentCard``: the card is back; check it, read tries again."""
        self._require("resume", CardRemoved, DifferentCard)
        target = self._resume_to or self._ask_pin
        return await self._guard(lambda: self._reopen_then(target), target)

    async def retry(self) -> FlowState:
        """After ``ServiceUnavailable``: repeat the same request (same idempotency key)."""
        self._require("retry", ServiceUnavailable)
        action = self._retry_to
        assert action is not None
        return await self._guard(action, self._ask_pin)

    async def cancel(self) -> FlowState:
        """Stop here (any state that is not an ending)."""
        self._pending_pin = None
        if not isinstance(self.state, Terminal):
            await self._settle(Cancelled())
        return self.state

    # --- the proof PIN ---------------------------------------------------------------------------

    @property
    def proof(self) -> PinKind:
        assert self.reset is not None
        return proof_pin_for(self.reset)

    async def _ask_pin(self) -> FlowState:
        status = await self.session.require_card().pin_status(self.proof)
        if status.verified:  # the card holds the proof PIN verified in this session: go on
            return await self._after_proof_pin()
        return self._pin_state(status.tries_left, status.blocked)

    def _pin_state(self, tries_left: int | None, blocked: bool, wrong: bool = False) -> FlowState:
        assert self.reset is not None
        if blocked:
            return PinBlocked(self.proof, self.reset)
        if tries_left is None:
            return CardProblem("pin-tries-unknown")
        kind = PinWasWrong if wrong else NeedPin
        return kind(self.proof, self.reset, tries_left, self.proof.max_tries, PIN_FORMATS[self.proof])

    async def _try_pin(self, pin: Pin, *, confirmed: bool) -> FlowState:
        card = self.session.require_card()
        status = await card.pin_status(self.proof)  # fresh tries, right before the VERIFY
        if status.verified:  # verified in this card session already: never sent twice
            return await self._after_proof_pin()
        if status.blocked or status.tries_left is None:
            return self._pin_state(status.tries_left, status.blocked)
        if status.last_try and not confirmed:
            self._pending_pin = pin
            return ConfirmLastTry(self.proof, self.reset or self.proof)
        try:
            await card.verify(self.proof, pin, confirm_last_try=confirmed)
        except WrongPin as wrong:
            return self._pin_state(wrong.tries_left, False, wrong=True)
        except PinBlockedError:
            return self._pin_state(0, True)
        return await self._after_proof_pin()

    async def _after_proof_pin(self) -> FlowState:
        raise NotImplementedError

    async def _prove(self, purpose: ProofPurpose) -> Proof:
        """The card's signature over a service nonce for ``purpose`` (the proof PIN is
        verified in this card session)."""
        assert self.reset is not None and self.session.identity is not None
        assert self.session.auth_certificate is not None
        card = self.session.require_card()
        challenge = await self.service.challenge()  # the one the last proof's answer handed on, if fresh
        digest = proof_digest(purpose, self.reset, challenge.nonce, self.session.identity)
        sign_certificate = None
        if self.proof is PinKind.SIGN:  # readable only now, after the signing PIN
            sign_certificate = await card.read_certificate(CertificateKind.SIGN)
        signature = await card.sign(self.proof, digest)
        return Proof(self.session.auth_certificate, challenge.nonce, signature, sign_certificate)

    # --- plumbing -----------------------------------------------------------------------------

    def _require(self, event: str, *allowed: type[FlowState]) -> None:
        if not isinstance(self.state, allowed):
            raise FlowEventNotAllowed(event, self.state.name)

    async def _reopen_then(self, target: Action) -> FlowState:
        if self.session.identity is None:  # lifted before it was ever read: start afresh
            await self.session.close()
            return await target()
        if not await self.session.reopen():
            return DifferentCard()
        return await target()

    async def _guard(self, action: Action, resume_to: Action, *, verify: bool = False) -> FlowState:
        """Run one step; turn what a person can cause into a state. Service calls set
        ``_retry_to`` to themselves first, so ``retry()`` repeats the request and never a VERIFY."""
        try:
            state = await action()
        except ReaderError as error:
            self._resume_to = resume_to
            state = CardRemoved(during_verify=verify, code=error.code)
        except ServiceUnreachable as error:
            assert self._retry_to is not None, "a service call must set _retry_to"
            state = ServiceUnavailable(error.code)
        except ServiceRefused as error:
            state = self._refusal(error)
        except CardError as error:
            state = CardProblem(error.code)
        return await self._settle(state)

    def _refusal(self, error: ServiceRefused) -> FlowState:
        which = error.details.get("certificate")
        code = _WINDOW_REFUSALS.get((error.code, which)) if isinstance(which, str) else None
        if code is not None:
            return GoToWindow((Reason(code, (self.reset,) if self.reset else ()),))
        return ServiceRefusal(error.code)

    async def _settle(self, state: FlowState) -> FlowState:
        self.state = state
        if isinstance(state, Terminal):
            self._pending_pin = None
            with contextlib.suppress(ReaderError):  # the card may be gone already
                await self.session.close()
        return state
