"""The SQLite store: one file on disk, WAL journal, ``synchronous=FULL`` so that an acknowledged
write survives the process being killed (and the machine losing power).

One connection per thread (FastAPI runs the endpoints in a thread pool); write transactions start
with ``BEGIN IMMEDIATE`` so they take the write lock before reading what they will change.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from reset_flow.service.store import (
    AuditEntry,
    AuthorisationRecord,
    ChallengeState,
    ReservationRecord,
    StoredResult,
)

BUSY_TIMEOUT_MS = 30_000  # a burst of writers queues on the lock instead of failing

SCHEMA = """
CREATE TABLE IF NOT EXISTS terminals (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    token_sha256 BLOB NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS challenges (
    nonce BLOB PRIMARY KEY,
    terminal_id INTEGER NOT NULL REFERENCES terminals(id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT
);
CREATE TABLE IF NOT EXISTS reservations (
    id TEXT PRIMARY KEY,
    card_identity BLOB NOT NULL,
    reset TEXT NOT NULL CHECK (reset IN ('auth', 'sign')),
    proof_certificate_sha256 BLOB NOT NULL,
    issuer_reset INTEGER NOT NULL,
    terminal_id INTEGER NOT NULL REFERENCES terminals(id),
    made_at TEXT NOT NULL,
    deadline TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('active', 'used', 'replaced')),
    used_at TEXT
);
-- One active reservation per card and PIN; a new step 1 replaces the old one first.
CREATE UNIQUE INDEX IF NOT EXISTS one_active_reservation
    ON reservations (card_identity, reset) WHERE status = 'active';
CREATE TABLE IF NOT EXISTS authorisations (
    id TEXT PRIMARY KEY,
    reservation_id TEXT NOT NULL REFERENCES reservations(id),
    terminal_id INTEGER NOT NULL REFERENCES terminals(id),
    made_at TEXT NOT NULL,
    issuer_reset INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS idempotency (
    terminal_id INTEGER NOT NULL REFERENCES terminals(id),
    key TEXT NOT NULL,
    action TEXT NOT NULL,
    request_sha256 BLOB NOT NULL,
    status INTEGER NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (terminal_id, key)
);
CREATE TABLE IF NOT EXISTS audit (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    terminal_id INTEGER,
    action TEXT NOT NULL,
    outcome TEXT NOT NULL,
    reservation_id TEXT,
    card_identity TEXT,
    reset TEXT
);
-- Append-only: the audit trail cannot be edited or pruned through SQL.
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit table is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit table is append-only'); END;
"""


def _t(moment: datetime) -> str:
    """Fixed-width UTC text, so that text order is time order."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _d(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text is not None else None


def token_sha256(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


class SqliteStore:
    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._writer = threading.Lock()
        self._connection().executescript(SCHEMA)

    def _connection(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(self.path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=FULL")
            connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            connection.execute("PRAGMA foreign_keys=ON")
            self._local.connection = connection
        return connection

    @contextmanager
    def transaction(self) -> Iterator[SqliteTransaction]:
        connection = self._connection()
        # Writers of this process queue on a lock (a prompt hand-over) rather than on SQLite's
        # busy handler, which sleeps and retries; other processes still meet BEGIN IMMEDIATE.
        with self._writer:
            connection.execute("BEGIN IMMEDIATE")
            try:
                yield SqliteTransaction(connection)
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")

    @contextmanager
    def reading(self) -> Iterator[SqliteTransaction]:
        connection = self._connection()
        connection.execute("BEGIN")
        try:
            yield SqliteTransaction(connection)
        finally:
            connection.execute("ROLLBACK")

    def ensure_terminal(self, name: str, token: str, now: datetime) -> int:
        digest = token_sha256(token)
        with self.transaction() as tx:
            known = tx.terminal_for(digest)
            return known if known is not None else tx.add_terminal(name, digest, now)

    def close(self) -> None:
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
            self._local.connection = None


class SqliteTransaction:
    def __init__(self, connection: sqlite3.Connection) -> None:
        self.db = connection

    # terminals

    def terminal_for(self, token_sha256: bytes) -> int | None:
        row = self.db.execute("SELECT id FROM terminals WHERE token_sha256 = ?", (token_sha256,)).fetchone()
        return row[0] if row else None

    def add_terminal(self, name: str, token_sha256: bytes, now: datetime) -> int:
        cursor = self.db.execute(
            "INSERT INTO terminals (name, token_sha256, created_at) VALUES (?, ?, ?)",
            (name, token_sha256, _t(now)),
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def count_terminals(self) -> int:
        return self.db.execute("SELECT count(*) FROM terminals").fetchone()[0]

    # idempotency

    def stored_result(self, terminal_id: int, key: str) -> StoredResult | None:
        row = self.db.execute(
            "SELECT action, request_sha256, status, body FROM idempotency WHERE terminal_id = ? AND key = ?",
            (terminal_id, key),
        ).fetchone()
        return StoredResult(*row) if row else None

    def store_result(self, terminal_id: int, key: str, result: StoredResult, now: datetime) -> None:
        self.db.execute(
            "INSERT INTO idempotency VALUES (?, ?, ?, ?, ?, ?, ?)",
            (terminal_id, key, result.action, result.request_sha256, result.status, result.body, _t(now)),
        )

    # challenges

    def add_challenge(self, nonce: bytes, terminal_id: int, now: datetime, expires_at: datetime) -> None:
        self.db.execute(
            "INSERT INTO challenges (nonce, terminal_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
            (nonce, terminal_id, _t(now), _t(expires_at)),
        )

    def take_challenge(self, nonce: bytes, terminal_id: int, now: datetime) -> ChallengeState:
        row = self.db.execute(
            "SELECT expires_at, used_at FROM challenges WHERE nonce = ? AND terminal_id = ?",
            (nonce, terminal_id),
        ).fetchone()
        if row is None:
            return ChallengeState.UNKNOWN
        if row[1] is not None:
            return ChallengeState.USED
        # Single use whatever happens next: a refused proof spends its nonce too.
        self.db.execute("UPDATE challenges SET used_at = ? WHERE nonce = ?", (_t(now), nonce))
        return ChallengeState.EXPIRED if _t(now) >= row[0] else ChallengeState.FRESH

    # reservations

    def replace_active(self, card_identity: bytes, reset: str) -> int:
        cursor = self.db.execute(
            "UPDATE reservations SET status = 'replaced'"
            " WHERE card_identity = ? AND reset = ? AND status = 'active'",
            (card_identity, reset),
        )
        return cursor.rowcount

    def add_reservation(self, record: ReservationRecord) -> None:
        self.db.execute(
            "INSERT INTO reservations VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                record.id,
                record.card_identity,
                record.reset,
                record.proof_certificate_sha256,
                int(record.issuer_reset),
                record.terminal_id,
                _t(record.made_at),
                _t(record.deadline),
                record.status,
                _t(record.used_at) if record.used_at else None,
            ),
        )

    def reservation(self, reservation_id: str) -> ReservationRecord | None:
        row = self.db.execute("SELECT * FROM reservations WHERE id = ?", (reservation_id,)).fetchone()
        return _reservation(row) if row else None

    def active_reservations(self, card_identity: bytes) -> list[ReservationRecord]:
        rows = self.db.execute(
            "SELECT * FROM reservations WHERE card_identity = ? AND status = 'active' ORDER BY made_at",
            (card_identity,),
        ).fetchall()
        return [_reservation(row) for row in rows]

    def mark_used(self, reservation_id: str, now: datetime) -> bool:
        cursor = self.db.execute(
            "UPDATE reservations SET status = 'used', used_at = ? WHERE id = ? AND status = 'active'",
            (_t(now), reservation_id),
        )
        return cursor.rowcount == 1

    # authorisations

    def add_authorisation(self, record: AuthorisationRecord) -> None:
        self.db.execute(
            "INSERT INTO authorisations VALUES (?, ?, ?, ?, ?)",
            (
                record.id,
                record.reservation_id,
                record.terminal_id,
                _t(record.made_at),
                int(record.issuer_reset),
            ),
        )

    def authorisation(self, authorisation_id: str) -> AuthorisationRecord | None:
        row = self.db.execute("SELECT * FROM authorisations WHERE id = ?", (authorisation_id,)).fetchone()
        if row is None:
            return None
        return AuthorisationRecord(row[0], row[1], row[2], datetime.fromisoformat(row[3]), bool(row[4]))

    # audit

    def audit(self, entry: AuditEntry) -> None:
        self.db.execute(
            "INSERT INTO audit (at, terminal_id, action, outcome, reservation_id, card_identity, reset)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                _t(entry.at),
                entry.terminal_id,
                entry.action,
                entry.outcome,
                entry.reservation_id,
                entry.card_identity,
                entry.reset,
            ),
        )

    def audit_entries(self, reservation_id: str | None = None, limit: int = 1000) -> list[AuditEntry]:
        query = (
            "SELECT seq, at, terminal_id, action, outcome, reservation_id, card_identity, reset FROM audit"
        )
        parameters: tuple[object, ...] = ()
        if reservation_id is not None:
            query += " WHERE reservation_id = ?"
            parameters = (reservation_id,)
        rows = self.db.execute(query + " ORDER BY seq LIMIT ?", (*parameters, limit)).fetchall()
        return [
            AuditEntry(datetime.fromisoformat(r[1]), r[2], r[3], r[4], r[5], r[6], r[7], seq=r[0])
            for r in rows
        ]


def _reservation(row: tuple) -> ReservationRecord:  # type: ignore[type-arg]
    return ReservationRecord(
        id=row[0],
        card_identity=row[1],
        reset=row[2],
        proof_certificate_sha256=row[3],
        issuer_reset=bool(row[4]),
        terminal_id=row[5],
        made_at=datetime.fromisoformat(row[6]),
        deadline=datetime.fromisoformat(row[7]),
        status=row[8],
        used_at=_d(row[9]),
    )
