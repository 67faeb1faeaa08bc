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
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from readers.card_identity import card_identity
from readers.issuer import ResetAuthority
from readers.jpki import PinKind
from reset_flow.clock import JST, Clock, SystemClock
from reset_flow.errors import TrainingClockRefused
from reset_flow.kiosk_window import KIOSK_WINDOW, KioskWindow
from reset_flow.proof import Proof, ProofPurpose, proof_digest
from reset_flow.reservation_life import reservation_deadline, reservation_expired
from reset_flow.service.challenges import CHALLENGE_LIFE, ChallengeSource, IssuedChallenge, SignedChallenges
from reset_flow.service.rate_limits import Limit, RateLimiter
from reset_flow.service.store import (
    AuditEntry,
    AuthorisationRecord,
    ReservationRecord,
    ReservationStore,
    Role,
    StoredResult,
    StoreTransaction,
    TerminalRecord,
    token_sha256,
)
from reset_flow.trust import CertificateRefused, TrustAnchors, verify_signature

MAX_AUTHORISATIONS = 3  # cryptograms per reservation: a lifted card or two, not any number
# How far behind a record's own time the service's clock may read (several processes, several
# machines) before the service refuses to judge by it.
CLOCK_TOLERANCE = timedelta(seconds=5)
SPENT_KEPT = timedelta(days=1)  # spent challenges outlive their expiry, in case the clock goes back
RESULTS_KEPT = timedelta(days=7)  # idempotency answers: a repeat comes within seconds, a week is ample


class Refusal(Exception):
    """A refusal with an HTTP status and a stable code (never a PIN, never a stack trace)."""

    def __init__(self, status: int, code: str, message: str, **details: Any) -> None:
        self.status, self.code, self.message, self.details = status, code, message, details
        super().__init__(f"{code}: {message}")


FAILED_TOKENS = Limit(per_minute=20, burst=20)
PROOFS = Limit(per_minute=30, burst=10)  # a counter serves a resident every few minutes
CHALLENGES = Limit(per_minute=60, burst=20)


@dataclass(frozen=True)
class ServiceLimits:
    """Per process. ``failed_tokens`` per client address; ``proofs`` (reservations and
    authorisations) and ``challenges`` per terminal."""

    failed_tokens: Limit = FAILED_TOKENS
    proofs: Limit = PROOFS
    challenges: Limit = CHALLENGES

    @classmethod
    def off(cls) -> ServiceLimits:
        """No limits: the laptop's embedded service serves only that laptop."""
        none = Limit(per_minute=0, burst=0)
        return cls(none, none, none)


@dataclass
class ServiceSettings:
    clock: Clock = field(default_factory=SystemClock)
    trust: TrustAnchors = field(default_factory=lambda: TrustAnchors(()))  # nothing trusted unless given
    window: KioskWindow = KIOSK_WINDOW
    challenge_life: timedelta = CHALLENGE_LIFE
    challenges: ChallengeSource | None = None  # None: signed with the database's key
    limits: ServiceLimits = field(default_factory=ServiceLimits)
    monotonic: Callable[[], float] = time.monotonic  # what the rate limits and the token cache count by
    # How long a process trusts a token it looked up: a revocation by another process (serve
    # --revoke-terminal) takes effect within this; in the process that revokes, at once.
    token_cache_seconds: float = 5.0
    # The issuer's authority for the anchors marked resettable (the training issuer's, given in
    # training mode by whoever builds the service); None: no reset, every card stops before it.
    reset_authority: ResetAuthority | None = None

    def __post_init__(self) -> None:
        if self.clock.training and not self.trust.training:
            raise TrainingClockRefused("the service's clock can be set only in training mode")
        if self.clock.training and self.trust.real_issuers:
            # A moved clock would let a resident's card be judged at a time of someone's choosing.
            raise TrainingClockRefused("the service's clock cannot be set while a real issuer is trusted")


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
        self.challenges = settings.challenges or SignedChallenges(
            store.challenge_key(), settings.challenge_life
        )
        limits, monotonic = settings.limits, settings.monotonic
        self.failed_tokens = RateLimiter(limits.failed_tokens, monotonic)
        self._proofs = RateLimiter(limits.proofs, monotonic)
        self._challenges = RateLimiter(limits.challenges, monotonic)
        self._known: dict[bytes, tuple[TerminalRecord, float]] = {}  # token digest -> (terminal, until)

    @property
    def now(self) -> datetime:
        return self.settings.clock.now()

    # --- terminals and time ---------------------------------------------------------------------

    def known_terminal(self, token: str) -> TerminalRecord | None:
        """The terminal of a token looked up lately (no database read), or None."""
        found = self._known.get(token_sha256(token))
        if found is None or found[1] < self.settings.monotonic():
            return None
        return found[0]

    def terminal(self, token: str | None) -> TerminalRecord:
        if token:
            digest = token_sha256(token)
            with self.store.reading() as tx:
                terminal = tx.terminal_for(digest)
            if terminal is not None and terminal.revoked:
                raise Refusal(401, "terminal-revoked", "this terminal's token was revoked")
            if terminal is not None:
                if len(self._known) > 10_000:  # a bound, not an eviction policy: tokens are few
                    self._known.clear()
                self._known[digest] = (
                    terminal,
                    self.settings.monotonic() + self.settings.token_cache_seconds,
                )
                return terminal
        raise Refusal(401, "unauthenticated", "a valid terminal token is needed (Authorization: Bearer ...)")

    def new_terminal(self, name: str, role: Role = Role.TERMINAL) -> str:
        """Register a terminal; its token is returned once and kept only as a hash."""
        token = secrets.token_urlsafe(32)
        with self.store.transaction() as tx:
            terminal = tx.add_terminal(name, token_sha256(token), self.now, role)
            tx.audit(AuditEntry(self.now, terminal, f"new-{role.value}", "ok"))
        return token

    def revoke_terminals(self, name: str) -> int:
        """Revoke every token of terminal ``name``; how many were still valid."""
        self._known.clear()
        with self.store.transaction() as tx:
            revoked = tx.revoke_terminals(name, self.now)
            tx.audit(AuditEntry(self.now, None, "revoke-terminal", "ok" if revoked else "terminal-unknown"))
        return revoked

    def prune(self, batch: int = 500) -> int:
        """One small transaction of pruning (spent challenges, old idempotency answers)."""
        now = self.now
        with self.store.transaction() as tx:
            return tx.prune(now - SPENT_KEPT, now - RESULTS_KEPT, batch)

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
        """A nonce for this terminal: signed, not stored (the proof that carries it spends it)."""
        _limit(self._challenges, terminal, "too-many-challenges", "challenges")
        return self._challenge_json(terminal)

    def _handing_on(self, terminal: int, body: dict[str, Any]) -> dict[str, Any]:
        """An accepted proof's answer with the terminal's next challenge (the next proof then needs
        no challenge request). Minted for every answer, a repeated idempotent one too, and never
        stored with it: a stored one could be handed out twice."""
        if not self.challenges.hands_on:
            return body
        return body | {"next_challenge": self._challenge_json(terminal)}

    def _challenge_json(self, terminal: int) -> dict[str, Any]:
        now = self.now
        issued = self.challenges.issue(terminal, now)
        return {
            "nonce": issued.nonce.hex(),
            "expires_at": issued.expires_at.astimezone(JST),
            # The life left in seconds: the terminal times it with its own clock, whatever the
            # service's clock says (a training clock, another time zone).
            "expires_in": (issued.expires_at - now).total_seconds(),
        }

    def reserve(self, terminal: int, reset: PinKind, proof: Proof, key: str | None) -> dict[str, Any]:
        request = _request_hash("reserve", reset.value, proof)
        note = _Note("reserve", reset=reset.value)
        now = self.now
        _limit(self._proofs, terminal, "too-many-proofs", "proofs")
        issued = self.challenges.recognise(proof.nonce, terminal)
        failure, checked = self._check(proof, reset, ProofPurpose.RESERVATION, now, note)

        def work(tx: StoreTransaction) -> dict[str, Any]:
            _raise(_spend(tx, issued, now))
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

        return self._handing_on(terminal, self._transact(terminal, key, request, note, work))

    # --- step 2 ---------------------------------------------------------------------------------

    def card_reservations(self, identity: bytes) -> dict[str, Any]:
        now = self.now
        with self.store.reading() as tx:
            records = tx.active_reservations(identity)
            used = tx.last_used_reservation(identity)
        if used is not None and used.used_at is not None and not reservation_expired(used.used_at, now):
            # Used within a day: step 2 again on this card is told it was done, and when.
            records.append(used)
        return {
            "reservations": [self._reservation_json(r, now) for r in records],
            "time": self.service_time(),
        }

    def authorise(
        self,
        terminal: int,
        reservation_id: str,
        proof: Proof,
        card_challenge: bytes | None,
        key: str | None,
    ) -> dict[str, Any]:
        request = _request_hash("authorise", reservation_id, proof, card_challenge or b"")
        note = _Note("authorise", reservation_id=reservation_id)
        now = self.now
        _limit(self._proofs, terminal, "too-many-proofs", "proofs")
        issued = self.challenges.recognise(proof.nonce, terminal)
        with self.store.reading() as tx:
            found = tx.reservation(reservation_id)
        reset = PinKind(found.reset) if found else None
        failure, checked = (None, None)
        if reset is not None:
            failure, checked = self._check(proof, reset, ProofPurpose.AUTHORISATION, now, note)

        def work(tx: StoreTransaction) -> dict[str, Any]:
            challenge = _spend(tx, issued, now)
            record = self._usable(tx, reservation_id, now, note)
            _raise(challenge)
            if failure is not None:
                raise failure
            assert checked is not None and reset is not None
            if (checked.identity, checked.proof_certificate_sha256) != (
                record.card_identity,
                record.proof_certificate_sha256,
            ):
                raise Refusal(403, "card-mismatch", "this is not the card (or certificate) that reserved")
            if tx.count_authorisations(record.id) >= MAX_AUTHORISATIONS:
                raise Refusal(
                    409,
                    "authorisations-exhausted",
                    "this reservation gave all its authorisations: do step 1 again",
                )
            tx.supersede_authorisations(record.id)  # one open authorisation: the newest
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

        return self._handing_on(terminal, self._transact(terminal, key, request, note, work))

    def complete(
        self, terminal: int, reservation_id: str, authorisation_id: str, key: str | None
    ) -> dict[str, Any]:
        request = _request_hash("complete", reservation_id, authorisation_id)
        note = _Note("complete", reservation_id=reservation_id)
        now = self.now

        def work(tx: StoreTransaction) -> dict[str, Any]:
            record = _reservation(tx, reservation_id, note)  # locked: completions queue here
            authorisation = tx.authorisation(authorisation_id)
            if authorisation is None or authorisation.reservation_id != reservation_id:
                raise Refusal(404, "authorisation-unknown", "no such authorisation for this reservation")
            if authorisation.terminal_id != terminal:
                raise Refusal(
                    403, "other-terminal", "only the terminal that was authorised completes the reset"
                )
            if not authorisation.issuer_reset:
                raise Refusal(
                    409, "no-issuer-reset", "this authorisation carried no reset: nothing to complete"
                )
            if authorisation.status == "superseded" and record.status == "active":
                raise Refusal(409, "authorisation-superseded", "a newer authorisation replaced this one")
            _not_before(authorisation.made_at, now)
            if not tx.mark_used(reservation_id, now):  # the one and only active -> used
                _refuse_status(record.status if record.status != "active" else "used")
            tx.mark_authorisation_used(authorisation_id, now)
            used = tx.reservation(reservation_id)
            assert used is not None
            return self._reservation_json(used, now)

        return self._transact(terminal, key, request, note, work)

    def audit_entries(
        self, reader: TerminalRecord, reservation_id: str | None, limit: int
    ) -> list[dict[str, Any]]:
        """The whole trail for an admin token; a terminal's own rows for a terminal's."""
        own = None if reader.role is Role.ADMIN else reader.id
        with self.store.reading() as tx:
            entries = tx.audit_entries(reservation_id, limit, own)
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
        self, proof: Proof, reset: PinKind, purpose: ProofPurpose, now: datetime, note: _Note
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
                self._check_issued_sign_certificate(identity, auth_anchor.resettable, now)
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

    def _check_issued_sign_certificate(self, identity: bytes, resettable: bool, now: datetime) -> None:
        """A signing-PIN reset: the card never shows its signing certificate (it is read only after
        the signing PIN), so where the service holds the issuer's records (the training issuer),
        the certificate issued to this card is checked like a proof's: a revoked or expired one
        sends the resident to the window for a new certificate, not a reset. Real issuers' records
        are not here: the staff's questions before step 1 are what stands for them."""
        authority = self.settings.reset_authority
        if not resettable or authority is None:
            return
        issued = authority.sign_certificate(identity)
        if issued is not None:
            self.settings.trust.check(issued, PinKind.SIGN, now)  # raises CertificateRefused

    def _usable(
        self, tx: StoreTransaction, reservation_id: str, now: datetime, note: _Note
    ) -> ReservationRecord:
        record = _reservation(tx, reservation_id, note)
        if record.status != "active":
            _refuse_status(record.status)
        _not_before(record.made_at, now)
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
            "used_at": record.used_at.astimezone(JST) if record.used_at else None,
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
        if isinstance(part, Proof):
            part = b"".join((part.auth_certificate, part.sign_certificate or b"", part.nonce, part.signature))
        raw = part if isinstance(part, bytes) else str(part).encode()
        digest.update(len(raw).to_bytes(4, "big") + raw)
    return digest.digest()


def _spend(tx: StoreTransaction, issued: IssuedChallenge | None, now: datetime) -> Refusal | None:
    """Spend the proof's challenge (single use, whatever the outcome); the refusal it earns."""
    if issued is None:  # not ours, or another terminal's: nothing to spend
        return Refusal(404, "challenge-unknown", "no such challenge for this terminal")
    if not tx.spend_challenge(issued.nonce, issued.expires_at):
        return Refusal(409, "challenge-used", "this challenge was used already")
    if now < issued.issued_at - CLOCK_TOLERANCE:
        return _clock_behind()
    if now >= issued.expires_at:
        return Refusal(410, "challenge-expired", "this challenge expired; ask for a new one")
    return None


def _raise(refusal: Refusal | None) -> None:
    if refusal is not None:
        raise refusal


def _not_before(made_at: datetime, now: datetime) -> None:
    """A record from the service's own future: its clock went back; judging by it would stretch
    the 24 hours (and reopen what closed)."""
    if now < made_at - CLOCK_TOLERANCE:
        raise _clock_behind()


def _clock_behind() -> Refusal:
    return Refusal(
        409,
        "service-clock-behind",
        "the service's clock reads earlier than this was made: have its clock checked",
    )


def _limit(limiter: RateLimiter, terminal: int, code: str, what: str) -> None:
    wait = limiter.take(terminal)
    if wait:
        raise Refusal(
            429, code, f"too many {what} from this terminal; wait a moment", retry_after=round(wait, 1)
        )


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
