"""The store interface the service needs, and the records it keeps. SQLite implements it
(``sqlite_store``); PostgreSQL can implement the same methods later.

Everything that changes state runs inside ``store.transaction()``: one atomic unit that holds the
write lock from its start, so "check then change" (a nonce unused, a reservation still active) is
race-free across threads and processes.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol


class ChallengeState(StrEnum):
    FRESH = "fresh"  # taken now: it is used from here on
    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"


@dataclass(frozen=True, slots=True)
class ReservationRecord:
    id: str
    card_identity: bytes
    reset: str  # PinKind value
    proof_certificate_sha256: bytes
    issuer_reset: bool
    terminal_id: int
    made_at: datetime
    deadline: datetime
    status: str  # active | used | replaced
    used_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class AuthorisationRecord:
    id: str
    reservation_id: str
    terminal_id: int
    made_at: datetime
    issuer_reset: bool


@dataclass(frozen=True, slots=True)
class StoredResult:
    """A successful answer kept under an idempotency key."""

    action: str
    request_sha256: bytes
    status: int
    body: str  # JSON


@dataclass(frozen=True, slots=True)
class AuditEntry:
    at: datetime
    terminal_id: int | None
    action: str
    outcome: str  # "ok" or the refusal's code
    reservation_id: str | None = None
    card_identity: str | None = None  # hex
    reset: str | None = None
    seq: int | None = None  # assigned by the store


class StoreTransaction(Protocol):
    def terminal_for(self, token_sha256: bytes) -> int | None: ...
    def add_terminal(self, name: str, token_sha256: bytes, now: datetime) -> int: ...
    def count_terminals(self) -> int: ...

    def stored_result(self, terminal_id: int, key: str) -> StoredResult | None: ...
    def store_result(self, terminal_id: int, key: str, result: StoredResult, now: datetime) -> None: ...

    def add_challenge(self, nonce: bytes, terminal_id: int, now: datetime, expires_at: datetime) -> None: ...
    def take_challenge(self, nonce: bytes, terminal_id: int, now: datetime) -> ChallengeState: ...

    def replace_active(self, card_identity: bytes, reset: str) -> int: ...
    def add_reservation(self, record: ReservationRecord) -> None: ...
    def reservation(self, reservation_id: str) -> ReservationRecord | None: ...
    def active_reservations(self, card_identity: bytes) -> list[ReservationRecord]: ...
    def mark_used(self, reservation_id: str, now: datetime) -> bool: ...

    def add_authorisation(self, record: AuthorisationRecord) -> None: ...
    def authorisation(self, authorisation_id: str) -> AuthorisationRecord | None: ...

    def audit(self, entry: AuditEntry) -> None: ...
    def audit_entries(self, reservation_id: str | None = None, limit: int = 1000) -> list[AuditEntry]: ...


class ReservationStore(Protocol):
    def transaction(self) -> AbstractContextManager[StoreTransaction]:
        """A write transaction: committed when the block ends, rolled back if it raises."""
        ...

    def reading(self) -> AbstractContextManager[StoreTransaction]:
        """A read-only snapshot."""
        ...

    def ensure_terminal(self, name: str, token: str, now: datetime) -> int:
        """Register ``token`` for terminal ``name`` unless it is known; return the terminal id."""
        ...
