"""The SQL both stores speak: one transaction's operations, written once. The dialect says what
differs: placeholders, how a moment is stored, and how a write transaction locks what it is about to
change (SQLite holds one write lock for the whole transaction; PostgreSQL locks rows and keys).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any, Protocol

from reset_flow.service.store import (
    AuditEntry,
    AuthorisationRecord,
    ReservationRecord,
    Role,
    StoredResult,
    TerminalRecord,
)


class Cursor(Protocol):
    rowcount: int

    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...


class Connection(Protocol):
    def execute(self, query: Any, params: Sequence[object] = ...) -> Any: ...


@dataclass(frozen=True)
class Dialect:
    store_time: Callable[[datetime], object]
    load_time: Callable[[Any], datetime]
    placeholder: str = "?"
    for_update: str = ""  # appended to a read of a row the transaction will change
    # Locks a key (a tuple of values) until the transaction ends; None: the transaction holds a
    # lock on everything already (SQLite's BEGIN IMMEDIATE).
    lock_key: Callable[[Connection, tuple[object, ...]], None] | None = None
    sql: Callable[[str], str] = field(init=False)

    def __post_init__(self) -> None:
        marker = self.placeholder
        object.__setattr__(self, "sql", cache(lambda text: text.replace("?", marker)))


class SqlTransaction:
    def __init__(self, db: Connection, dialect: Dialect, *, writing: bool) -> None:
        self.db, self.dialect, self.writing = db, dialect, writing

    def _run(self, text: str, params: Sequence[object] = ()) -> Cursor:
        return self.db.execute(self.dialect.sql(text), params)

    def _lock(self, *key: object) -> None:
        if self.dialect.lock_key is not None:
            self.dialect.lock_key(self.db, key)

    def _time(self, moment: datetime | None) -> object:
        return None if moment is None else self.dialect.store_time(moment)

    def _moment(self, value: Any) -> datetime | None:
        return None if value is None else self.dialect.load_time(value)

    # terminals

    def terminal_for(self, token_sha256: bytes) -> TerminalRecord | None:
        row = self._run(
            "SELECT id, name, role, revoked_at FROM terminals WHERE token_sha256 = ?", (token_sha256,)
        ).fetchone()
        return TerminalRecord(row[0], row[1], Role(row[2]), row[3] is not None) if row else None

    def add_terminal(self, name: str, token_sha256: bytes, now: datetime, role: Role = Role.TERMINAL) -> int:
        row = self._run(
            "INSERT INTO terminals (name, token_sha256, created_at, role) VALUES (?, ?, ?, ?) RETURNING id",
            (name, token_sha256, self._time(now), role.value),
        ).fetchone()
        return int(row[0])

    def ensure_terminal(
        self, name: str, token_sha256: bytes, now: datetime, role: Role = Role.TERMINAL
    ) -> int:
        """The terminal of this token, registered first if it is new."""
        self._lock("terminal", token_sha256)
        known = self.terminal_for(token_sha256)
        return known.id if known is not None else self.add_terminal(name, token_sha256, now, role)

    def revoke_terminals(self, name: str, now: datetime) -> int:
        return self._run(
            "UPDATE terminals SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL",
            (self._time(now), name),
        ).rowcount

    def count_terminals(self) -> int:
        return int(self._run("SELECT count(*) FROM terminals WHERE revoked_at IS NULL").fetchone()[0])

    # idempotency

    def stored_result(self, terminal_id: int, key: str) -> StoredResult | None:
        self._lock("idempotency", terminal_id, key)  # the same key twice at once: one does the work
        row = self._run(
            "SELECT action, request_sha256, status, body FROM idempotency WHERE terminal_id = ? AND key = ?",
            (terminal_id, key),
        ).fetchone()
        return StoredResult(row[0], bytes(row[1]), row[2], row[3]) if row else None

    def store_result(self, terminal_id: int, key: str, result: StoredResult, now: datetime) -> None:
        self._run(
            "INSERT INTO idempotency (terminal_id, key, action, request_sha256, status, body, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                terminal_id,
                key,
                result.action,
                result.request_sha256,
                result.status,
                result.body,
                self._time(now),
            ),
        )

    # challenges: issued without a write; spent here, in the transaction of the proof they carry

    def spend_challenge(self, nonce: bytes, expires_at: datetime) -> bool:
        cursor = self._run(
            "INSERT INTO spent_challenges (nonce, expires_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
            (nonce, self._time(expires_at)),
        )
        return cursor.rowcount == 1

    # reservations

    def replace_active(self, card_identity: bytes, reset: str) -> int:
        self._lock("card", card_identity, reset)  # two step 1s of one card: one after the other
        return self._run(
            "UPDATE reservations SET status = 'replaced'"
            " WHERE card_identity = ? AND reset = ? AND status = 'active'",
            (card_identity, reset),
        ).rowcount

    def add_reservation(self, record: ReservationRecord) -> None:
        self._run(
            "INSERT INTO reservations (id, card_identity, reset, proof_certificate_sha256, issuer_reset,"
            " terminal_id, made_at, deadline, status, used_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                record.id,
                record.card_identity,
                record.reset,
                record.proof_certificate_sha256,
                int(record.issuer_reset),
                record.terminal_id,
                self._time(record.made_at),
                self._time(record.deadline),
                record.status,
                self._time(record.used_at),
            ),
        )

    _RESERVATION = (
        "SELECT id, card_identity, reset, proof_certificate_sha256, issuer_reset, terminal_id, made_at,"
        " deadline, status, used_at FROM reservations"
    )

    def reservation(self, reservation_id: str) -> ReservationRecord | None:
        lock = self.dialect.for_update if self.writing else ""
        row = self._run(f"{self._RESERVATION} WHERE id = ?{lock}", (reservation_id,)).fetchone()
        return self._reservation(row) if row else None

    def active_reservations(self, card_identity: bytes) -> list[ReservationRecord]:
        rows = self._run(
            f"{self._RESERVATION} WHERE card_identity = ? AND status = 'active' ORDER BY made_at",
            (card_identity,),
        ).fetchall()
        return [self._reservation(row) for row in rows]

    def last_used_reservation(self, card_identity: bytes) -> ReservationRecord | None:
        row = self._run(
            f"{self._RESERVATION} WHERE card_identity = ? AND status = 'used' ORDER BY made_at DESC LIMIT 1",
            (card_identity,),
        ).fetchone()
        return self._reservation(row) if row else None

    def mark_used(self, reservation_id: str, now: datetime) -> bool:
        cursor = self._run(
            "UPDATE reservations SET status = 'used', used_at = ? WHERE id = ? AND status = 'active'",
            (self._time(now), reservation_id),
        )
        return cursor.rowcount == 1

    def _reservation(self, row: Sequence[Any]) -> ReservationRecord:
        return ReservationRecord(
            id=row[0],
            card_identity=bytes(row[1]),
            reset=row[2],
            proof_certificate_sha256=bytes(row[3]),
            issuer_reset=bool(row[4]),
            terminal_id=row[5],
            made_at=self.dialect.load_time(row[6]),
            deadline=self.dialect.load_time(row[7]),
            status=row[8],
            used_at=self._moment(row[9]),
        )

    # authorisations

    def add_authorisation(self, record: AuthorisationRecord) -> None:
        self._run(
            "INSERT INTO authorisations (id, reservation_id, terminal_id, made_at, issuer_reset, status)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                record.id,
                record.reservation_id,
                record.terminal_id,
                self._time(record.made_at),
                int(record.issuer_reset),
                record.status,
            ),
        )

    def authorisation(self, authorisation_id: str) -> AuthorisationRecord | None:
        row = self._run(
            "SELECT id, reservation_id, terminal_id, made_at, issuer_reset, status, used_at"
            " FROM authorisations WHERE id = ?",
            (authorisation_id,),
        ).fetchone()
        if row is None:
            return None
        made_at = self.dialect.load_time(row[3])
        return AuthorisationRecord(
            row[0], row[1], row[2], made_at, bool(row[4]), row[5], self._moment(row[6])
        )

    def count_authorisations(self, reservation_id: str) -> int:
        return int(
            self._run(
                "SELECT count(*) FROM authorisations WHERE reservation_id = ?", (reservation_id,)
            ).fetchone()[0]
        )

    def supersede_authorisations(self, reservation_id: str) -> int:
        return self._run(
            "UPDATE authorisations SET status = 'superseded' WHERE reservation_id = ? AND status = 'open'",
            (reservation_id,),
        ).rowcount

    def mark_authorisation_used(self, authorisation_id: str, now: datetime) -> bool:
        cursor = self._run(
            "UPDATE authorisations SET status = 'used', used_at = ? WHERE id = ? AND status = 'open'",
            (self._time(now), authorisation_id),
        )
        return cursor.rowcount == 1

    # audit

    def audit(self, entry: AuditEntry) -> None:
        self._run(
            "INSERT INTO audit (at, terminal_id, action, outcome, reservation_id, card_identity, reset)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                self._time(entry.at),
                entry.terminal_id,
                entry.action,
                entry.outcome,
                entry.reservation_id,
                entry.card_identity,
                entry.reset,
            ),
        )

    def audit_entries(
        self, reservation_id: str | None = None, limit: int = 1000, terminal_id: int | None = None
    ) -> list[AuditEntry]:
        query = (
            "SELECT seq, at, terminal_id, action, outcome, reservation_id, card_identity, reset FROM audit"
        )
        conditions, params = [], []
        if reservation_id is not None:
            conditions.append("reservation_id = ?")
            params.append(reservation_id)
        if terminal_id is not None:
            conditions.append("terminal_id = ?")
            params.append(terminal_id)
        if conditions:
            query += " WHERE " + " AND ".join(conditions)
        rows = self._run(query + " ORDER BY seq LIMIT ?", (*params, limit)).fetchall()
        return [
            AuditEntry(self.dialect.load_time(r[1]), r[2], r[3], r[4], r[5], r[6], r[7], seq=r[0])
            for r in rows
        ]

    # pruning

    def prune(self, spent_before: datetime, results_before: datetime, batch: int) -> int:
        spent = self._run(
            "DELETE FROM spent_challenges WHERE nonce IN"
            " (SELECT nonce FROM spent_challenges WHERE expires_at < ? LIMIT ?)",
            (self._time(spent_before), batch),
        ).rowcount
        results = self._run(
            "DELETE FROM idempotency WHERE (terminal_id, key) IN"
            " (SELECT terminal_id, key FROM idempotency WHERE created_at < ? LIMIT ?)",
            (self._time(results_before), batch),
        ).rowcount
        return spent + results
