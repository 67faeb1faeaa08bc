"""The store interface the service needs, and the records it keeps. SQLite (``sqlite_store``, one
file, the embedded default) and PostgreSQL (``postgres_store``, several service processes) implement
it; the SQL they share is in ``sql_transaction``.

Everything that changes state runs inside ``store.transaction()``: one atomic unit in which "check
then change" (a nonce unspent, a reservation still active, an idempotency key unused) is race-free
across threads and processes. A store that cannot do its work raises ``StorageUnavailable``; the
service answers 503 ``storage-unavailable`` and ``/health`` says so.
"""

from __future__ import annotations

import hashlib
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from reset_flow.errors import ServiceError

SCHEMA_VERSION = 2  # what this code reads and writes; both stores migrate up to it


class StorageUnavailable(ServiceError):
    """The database cannot be used now (missing, read-only, full, unreachable, too new)."""

    code = "storage-unavailable"


class DatabaseMissing(StorageUnavailable):
    """No database where one was expected: it is created only on request (``serve --init``)."""

    code = "database-missing"


class Role(StrEnum):
    TERMINAL = "terminal"  # a counter's laptop: proofs, its own audit rows
    ADMIN = "admin"  # an auditor: the whole audit trail, no proofs


@dataclass(frozen=True, slots=True)
class TerminalRecord:
    id: int
    name: str
    role: Role
    revoked: bool = False


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


# An authorisation repeats its reservation's terminal, time and issuer-reset fields because it is
# a row of its own (a reservation may have a few): alike, not the same record.
@dataclass(frozen=True, slots=True)
class AuthorisationRecord:
    id: str
    reservation_id: str
    terminal_id: int
    made_at: datetime
    issuer_reset: bool
    status: str = "open"  # open | used | superseded
    used_at: datetime | None = None


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


def token_sha256(token: str) -> bytes:
    """Tokens are kept only as this digest."""
    return hashlib.sha256(token.encode()).digest()


class DatabaseState(StrEnum):
    OK = "ok"
    UNAVAILABLE = "unavailable"


class StoreTransaction(Protocol):
    def terminal_for(self, token_sha256: bytes) -> TerminalRecord | None: ...
    def add_terminal(
        self, name: str, token_sha256: bytes, now: datetime, role: Role = Role.TERMINAL
    ) -> int: ...
    def revoke_terminals(self, name: str, now: datetime) -> int: ...
    def count_terminals(self) -> int: ...

    def stored_result(self, terminal_id: int, key: str) -> StoredResult | None: ...
    def store_result(self, terminal_id: int, key: str, result: StoredResult, now: datetime) -> None: ...

    def spend_challenge(self, nonce: bytes, expires_at: datetime) -> bool:
        """Mark a challenge spent; False if it was spent before (single use)."""
        ...

    def replace_active(self, card_identity: bytes, reset: str) -> int: ...
    def add_reservation(self, record: ReservationRecord) -> None: ...
    def reservation(self, reservation_id: str) -> ReservationRecord | None:
        """In a write transaction, the row stays locked until the transaction ends."""
        ...

    def active_reservations(self, card_identity: bytes) -> list[ReservationRecord]: ...
    def last_used_reservation(self, card_identity: bytes) -> ReservationRecord | None: ...
    def mark_used(self, reservation_id: str, now: datetime) -> bool: ...

    def add_authorisation(self, record: AuthorisationRecord) -> None: ...
    def authorisation(self, authorisation_id: str) -> AuthorisationRecord | None: ...
    def count_authorisations(self, reservation_id: str) -> int: ...
    def supersede_authorisations(self, reservation_id: str) -> int: ...
    def mark_authorisation_used(self, authorisation_id: str, now: datetime) -> bool: ...

    def audit(self, entry: AuditEntry) -> None: ...
    def audit_entries(
        self, reservation_id: str | None = None, limit: int = 1000, terminal_id: int | None = None
    ) -> list[AuditEntry]: ...

    def prune(self, spent_before: datetime, results_before: datetime, batch: int) -> int:
        """Delete up to ``batch`` challenges expired before ``spent_before`` and idempotency
        results stored before ``results_before``; how many rows went."""
        ...


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

    def challenge_key(self) -> bytes:
        """The key that signs this service's challenges, shared by every process on the database."""
        ...

    def state(self) -> DatabaseState:
        """Cheap: what the last operations and a file check say, without a query."""
        ...

    def probe(self) -> DatabaseState:
        """A small write that shows whether the database takes writes now (read-only, full, gone)."""
        ...

    def close(self) -> None: ...
