"""The reservation office: what the service decides, independent of HTTP. The app (``app.py``)
turns its answers into JSON and its ``Refusal``s into 4xx answers with stable codes.

Every state-changing request of an authenticated terminal is written to the audit table, whether
it succeeds or is refused, in the same transaction as its effect. No PIN ever reaches this module:
the proofs are certificates and signatures, and the new PIN goes only from the laptop to the card.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from readers.card_identity import card_identity
from readers.jpki import PinKind
from reset_flow.clock import JST, Clock, SystemClock
from reset_flow.errors import TrainingClockRefused
from reset_flow.issuer import ResetAuthority
from reset_flow.kiosk_window import KIOSK_WINDOW, KioskWindow
from reset_flow.proof import ProofPurpose, proof_digest
from reset_flow.reservation_life import reservation_deadline, reservation_expired
from reset_flow.service.sqlite_store import token_sha256
from reset_flow.service.store import (
    AuditEntry,
    AuthorisationRecord,
    ChallengeState,
    ReservationRecord,
    ReservationStore,
    StoredResult,
    StoreTransaction,
)
from reset_flow.trust import CertificateRefused, TrustAnchors, verify_signature

CHALLENGE_LIFE = timedelta(minutes=2)


class Refusal(Exception):
    """A refusal with an HTTP status and a stable code (never a PIN, never a stack trace)."""

    def __init__(self, status: int, code: str, message: str, **details: Any) -> None:
        self.status, self.code, self.message, self.details = status, code, message, details
        super().__init__(f"{code}: {message}")


@dataclass
class ServiceSettings:
    clock: Clock = field(default_factory=SystemClock)
    trust: TrustAnchors = field(default_factory=lambda: TrustAnchors(()))  # nothing trusted unless given
    window: KioskWindow = KIOSK_WINDOW
    challenge_life: timedelta = CHALLENGE_LIFE
    # The issuer's authority for the anchors marked resettable (the training issuer's, given in
    # training mode by whoever builds the service); None: no reset, every card stops before it.
    reset_authority: ResetAuthority | None = None

    def __post_init__(self) -> None:
        if self.clock.training and not self.trust.training:
            raise TrainingClockRefused("the service's clock can be set only in training mode")
        if self.clock.training and self.trust.real_issuers:
            # A moved clock would let a resident's card be judged at a time of someone's choosing.
            raise TrainingClockRefused("the service's clock cannot be set while a real issuer is trusted")


@dataclass(frozen=True)
class ProofInput:
    auth_certificate: bytes
    nonce: bytes
    signature: bytes
    sign_certificate: bytes | None = None


@dataclass
class _Note:
    """What the audit row of this request will say."""

    action: str
    reservation_id: str | None = None
    card_identity: str | None = None
    reset: str | None = None


@dataclass(frozen=True)
class _CheckedProof:
    identity: bytes
    proof_certificate_sha256: bytes
    issuer_reset: bool


class ReservationOffice:
    def __init__(self, settings: ServiceSettings, store: ReservationStore) -> None:
        self.settings, self.store = settings, store

    @property
    def now(self) -> datetime:
        return self.settings.clock.now()

    # --- terminals and time ---------------------------------------------------------------------

    def terminal(self, token: str | None) -> int:
        if token:
            with self.store.reading() as tx:
                terminal = tx.terminal_for(token_sha256(token))
            if terminal is not None:
                return terminal
        raise Refusal(401, "unauthenticated", "a valid terminal token is needed (Authorization: Bearer ...)")

    def new_terminal(self, name: str) -> str:
        """Register a terminal; its token is returned once and kept only as a hash."""
        token = secrets.token_urlsafe(32)
        with self.store.transaction() as tx:
            terminal = tx.add_terminal(name, token_sha256(token), self.now)
            tx.audit(AuditEntry(self.now, terminal, "new-terminal", "ok"))
        return token

    def service_time(self) -> dict[str, Any]:
        now, window = self.now, self.settings.window
        return {
            "now": now.astimezone(JST),
            "kiosk_open": window.is_open(now),
            "next_opening": window.next_opening(now),
            "training_clock": self.settings.clock.training,
            "training": self.settings.trust.training,
        }

    # --- step 1 ---------------------------------------------------------------------------------

    def new_challenge(self, terminal: int) -> dict[str, Any]:
        nonce, now = secrets.token_bytes(32), self.now
        expires = now + self.settings.challenge_life
        with self.store.transaction() as tx:
            tx.add_challenge(nonce, terminal, now, expires)
        return {"nonce": nonce.hex(), "expires_at": expires.astimezone(JST)}

    def reserve(self, terminal: int, reset: PinKind, proof: ProofInput, key: str | None) -> dict[str, Any]:
        request = _request_hash("reserve", reset.value, proof)
        note = _Note("reserve", reset=reset.value)
        now = self.now
        failure, checked = self._check(proof, reset, ProofPurpose.RESERVATION, now, note)

        def work(tx: StoreTransaction) -> dict[str, Any]:
            _take(tx, proof.nonce, terminal, now)
            if failure is not None:
                raise failure
            assert checked is not None
            replaced = tx.replace_active(checked.identity, reset.value)  # one active per card and PIN
            record = ReservationRecord(
                id=uuid.uuid4().hex,
                card_identity=checked.identity,
                reset=reset.value,
                proof_certificate_sha256=checked.proof_certificate_sha256,
                issuer_reset=checked.issuer_reset,
                terminal_id=terminal,
                made_at=now,
                deadline=reservation_deadline(now),
                status="active",
            )
            tx.add_reservation(record)
            note.reservation_id = record.id
            return self._reservation_json(record, now) | {"replaced_earlier": replaced > 0}

        return self._transact(terminal, key, request, note, work)

    # --- step 2 ---------------------------------------------------------------------------------

    def card_reservations(self, identity: bytes) -> dict[str, Any]:
        now = self.now
        with self.store.reading() as tx:
            records = tx.active_reservations(identity)
        return {
            "reservations": [self._reservation_json(r, now) for r in records],
            "time": self.service_time(),
        }

    def authorise(
        self,
        terminal: int,
        reservation_id: str,
        proof: ProofInput,
        card_challenge: bytes | None,
        key: str | None,
    ) -> dict[str, Any]:
        request = _request_hash("authorise", reservation_id, proof, card_challenge or b"")
        note = _Note("authorise", reservation_id=reservation_id)
        now = self.now
        with self.store.reading() as tx:
            found = tx.reservation(reservation_id)
        reset = PinKind(found.reset) if found else None
        failure, checked = (None, None)
        if reset is not None:
            failure, checked = self._check(proof, reset, ProofPurpose.AUTHORISATION, now, note)

        def work(tx: StoreTransaction) -> dict[str, Any]:
            challenge = tx.take_challenge(proof.nonce, terminal, now)
            record = self._usable(tx, reservation_id, now, note)
            _refuse_challenge(challenge)
            if failure is not None:
                raise failure
            assert checked is not None and reset is not None
            if (checked.identity, checked.proof_certificate_sha256) != (
                record.card_identity,
                record.proof_certificate_sha256,
            ):
                raise Refusal(403, "card-mismatch", "this is not the card (or certificate) that reserved")
            cryptogram = None
            authority = self.settings.reset_authority
            if record.issuer_reset and card_challenge is not None and authority is not None:
                cryptogram = authority.cryptogram(record.card_identity, card_challenge, reset)
            authorisation = AuthorisationRecord(
                uuid.uuid4().hex, record.id, terminal, now, cryptogram is not None
            )
            tx.add_authorisation(authorisation)
            return {
                "id": authorisation.id,
                "reservation_id": record.id,
                "cryptogram": cryptogram.hex() if cryptogram else None,
                "issuer_reset": cryptogram is not None,
                "deadline": record.deadline.astimezone(JST),
            }

        return self._transact(terminal, key, request, note, work)

    def complete(
        self, terminal: int, reservation_id: str, authorisation_id: str, key: str | None
    ) -> dict[str, Any]:
        request = _request_hash("complete", reservation_id, authorisation_id)
        note = _Note("complete", reservation_id=reservation_id)
        now = self.now

        def work(tx: StoreTransaction) -> dict[str, Any]:
            record = _reservation(tx, reservation_id, note)
            authorisation = tx.authorisation(authorisation_id)
            if authorisation is None or authorisation.reservation_id != reservation_id:
                raise Refusal(404, "authorisation-unknown", "no such authorisation for this reservation")
            if not authorisation.issuer_reset:
                raise Refusal(
                    409, "no-issuer-reset", "this authorisation carried no reset: nothing to complete"
                )
            if not tx.mark_used(reservation_id, now):  # the one and only active -> used
                _refuse_status(record.status if record.status != "active" else "used")
            used = tx.reservation(reservation_id)
            assert used is not None
            return self._reservation_json(used, now)

        return self._transact(terminal, key, request, note, work)

    def audit_entries(self, reservation_id: str | None, limit: int) -> list[dict[str, Any]]:
        with self.store.reading() as tx:
            entries = tx.audit_entries(reservation_id, limit)
        return [
            {
                "seq": e.seq,
                "at": e.at.astimezone(JST),
                "terminal_id": e.terminal_id,
                "action": e.action,
                "outcome": e.outcome,
                "reservation_id": e.reservation_id,
                "card_identity": e.card_identity,
                "reset": e.reset,
            }
            for e in entries
        ]

    # --- plumbing ---------------------------------------------------------------------------

    def _check(
        self, proof: ProofInput, reset: PinKind, purpose: ProofPurpose, now: datetime, note: _Note
    ) -> tuple[Refusal | None, _CheckedProof | None]:
        """Chain, validity, revocation, purpose and signature; outside the write lock (it is the
        CPU-heavy part). A refusal is returned, to be raised after the nonce is spent."""
        trust = self.settings.trust
        note.reset = reset.value
        try:
            auth_cert, auth_anchor = trust.check(proof.auth_certificate, PinKind.AUTH, now)
            identity = card_identity(proof.auth_certificate)
            note.card_identity = identity.hex()
            if reset is PinKind.SIGN:  # proven with the user-authentication key
                key_der, key_kind, key_cert = proof.auth_certificate, PinKind.AUTH, auth_cert
            elif proof.sign_certificate is None:
                return Refusal(
                    422, "sign-certificate-missing", "an auth-PIN reset is proven by the signing key"
                ), None
            else:
                key_der, key_kind = proof.sign_certificate, PinKind.SIGN
                key_cert, _ = trust.check(key_der, key_kind, now)
            digest = proof_digest(purpose, reset, proof.nonce, identity)
            verify_signature(key_cert, digest, proof.signature, key_kind)
        except CertificateRefused as refused:
            status = 400 if refused.code == "certificate-malformed" else 403
            return Refusal(status, refused.code, str(refused), certificate=refused.which.value), None
        issuer_reset = auth_anchor.resettable and self.settings.reset_authority is not None
        return None, _CheckedProof(identity, hashlib.sha256(key_der).digest(), issuer_reset)

    def _usable(
        self, tx: StoreTransaction, reservation_id: str, now: datetime, note: _Note
    ) -> ReservationRecord:
        record = _reservation(tx, reservation_id, note)
        if record.status != "active":
            _refuse_status(record.status)
        if reservation_expired(record.made_at, now):
            raise Refusal(410, "reservation-expired", "the reservation expired: do step 1 again")
        window = self.settings.window
        if not window.is_open(now):
            opening = window.next_opening(now)
            raise Refusal(
                409, "kiosk-closed", "the kiosk reset runs 06:30-23:00 JST", next_opening=opening.isoformat()
            )
        return record

    def _reservation_json(self, record: ReservationRecord, now: datetime) -> dict[str, Any]:
        status = record.status
        if status == "active" and reservation_expired(record.made_at, now):
            status = "expired"
        return {
            "id": record.id,
            "reset": record.reset,
            "card_identity": record.card_identity.hex(),
            "status": status,
            "made_at": record.made_at.astimezone(JST),
            "deadline": record.deadline.astimezone(JST),
            "usable_until": self.settings.window.usable_until(record.deadline),
            "issuer_reset": record.issuer_reset,
        }

    def _transact(
        self,
        terminal: int,
        key: str | None,
        request: bytes,
        note: _Note,
        work: Callable[[StoreTransaction], dict[str, Any]],
    ) -> dict[str, Any]:
        """One write transaction: answer a repeated key from its stored result; else do ``work``
        and audit it, refused or not, committing the audit (and a spent nonce) either way."""
        refusal: Refusal | None = None
        now = self.now
        with self.store.transaction() as tx:
            stored = tx.stored_result(terminal, key) if key else None
            if stored is not None:
                if (stored.action, stored.request_sha256) != (note.action, request):
                    raise Refusal(
                        422, "idempotency-key-reused", "this idempotency key was used for another request"
                    )
                return json.loads(stored.body)
            try:
                body = work(tx)
            except Refusal as refused:
                refusal = refused
            outcome = refusal.code if refusal else "ok"
            tx.audit(
                AuditEntry(
                    now, terminal, note.action, outcome, note.reservation_id, note.card_identity, note.reset
                )
            )
            if refusal is None and key:
                text = json.dumps(body, default=_json_default)
                tx.store_result(terminal, key, StoredResult(note.action, request, 200, text), now)
        if refusal is not None:
            raise refusal
        return body


def _json_default(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"cannot store {type(value).__name__}")


def _request_hash(*parts: object) -> bytes:
    digest = hashlib.sha256()
    for part in parts:
        if isinstance(part, ProofInput):
            part = b"".join((part.auth_certificate, part.sign_certificate or b"", part.nonce, part.signature))
        raw = part if isinstance(part, bytes) else str(part).encode()
        digest.update(len(raw).to_bytes(4, "big") + raw)
    return digest.digest()


def _take(tx: StoreTransaction, nonce: bytes, terminal: int, now: datetime) -> None:
    _refuse_challenge(tx.take_challenge(nonce, terminal, now))


def _refuse_challenge(state: ChallengeState) -> None:
    if state is ChallengeState.UNKNOWN:
        raise Refusal(404, "challenge-unknown", "no such challenge for this terminal")
    if state is ChallengeState.USED:
        raise Refusal(409, "challenge-used", "this challenge was used already")
    if state is ChallengeState.EXPIRED:
        raise Refusal(410, "challenge-expired", "this challenge expired; ask for a new one")


def _reservation(tx: StoreTransaction, reservation_id: str, note: _Note) -> ReservationRecord:
    record = tx.reservation(reservation_id)
    if record is None:
        raise Refusal(404, "reservation-not-found", "no such reservation")
    note.card_identity, note.reset = record.card_identity.hex(), record.reset
    return record


def _refuse_status(status: str) -> None:
    if status == "used":
        raise Refusal(409, "reservation-already-used", "this reservation was used already")
    raise Refusal(409, "reservation-replaced", "a newer step 1 replaced this reservation")
