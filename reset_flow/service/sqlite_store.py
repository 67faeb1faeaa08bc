"""The SQLite store: one file on disk, WAL journal, ``synchronous=FULL`` so that an acknowledged
write survives the process being killed (and the machine losing power).

One connection per thread (FastAPI runs the endpoints in a thread pool); write transactions start
with ``BEGIN IMMEDIATE`` so they take the write lock before reading what they will change.

The file is created only on request (``create=True``: ``serve --init``, or the laptop's embedded
service on first use), owner-only (0600; SQLite gives its ``-wal`` and ``-shm`` files the same
mode). Connections open it read-write without creating it, and every transaction checks that the
path still names the file that was opened: a database deleted or replaced under a running service
gives ``StorageUnavailable``, never an empty database in its place, and never an acknowledgement
written to a file no one will open again.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from reset_flow.service.group_commit import GroupCommit
from reset_flow.service.sql_transaction import Dialect, SqlTransaction
from reset_flow.service.store import (
    SCHEMA_VERSION,
    DatabaseMissing,
    DatabaseState,
    Role,
    StorageUnavailable,
    token_sha256,
)
from reset_flow.service.wal_checkpoints import BackgroundCheckpoints

BUSY_TIMEOUT_MS = 30_000  # a burst of writers queues on the lock instead of failing

# Version 1 is the schema as first released (no version table); each later entry upgrades the one
# before it, inside one transaction.
MIGRATIONS: dict[int, str] = {
    1: """
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
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit table is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit table is append-only'); END;
""",
    # 2: terminal roles and revocation; stateless challenges (only spent ones are kept); one open
    # authorisation per reservation; the key that signs challenges; a row the health probe writes.
    2: """
ALTER TABLE terminals ADD COLUMN role TEXT NOT NULL DEFAULT 'terminal' CHECK (role IN ('terminal', 'admin'));
ALTER TABLE terminals ADD COLUMN revoked_at TEXT;
DROP TABLE challenges;
CREATE TABLE spent_challenges (nonce BLOB PRIMARY KEY, expires_at TEXT NOT NULL);
CREATE INDEX spent_challenges_by_expiry ON spent_challenges (expires_at);
ALTER TABLE authorisations ADD COLUMN status TEXT NOT NULL DEFAULT 'open'
    CHECK (status IN ('open', 'used', 'superseded'));
ALTER TABLE authorisations ADD COLUMN used_at TEXT;
CREATE INDEX authorisations_by_reservation ON authorisations (reservation_id);
CREATE INDEX idempotency_by_age ON idempotency (created_at);
CREATE INDEX audit_by_reservation ON audit (reservation_id);
CREATE INDEX audit_by_terminal ON audit (terminal_id, seq);
CREATE TABLE service_secrets (name TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE service_probe (id INTEGER PRIMARY KEY CHECK (id = 1), probed_at TEXT);
INSERT INTO service_probe (id) VALUES (1);
""",
}


def _t(moment: datetime) -> str:
    """Fixed-width UTC text, so that text order is time order."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


DIALECT = Dialect(store_time=_t, load_time=datetime.fromisoformat)


def _identity(path: Path) -> tuple[int, int]:
    found = path.stat()
    return found.st_dev, found.st_ino


class SqliteStore:
    def __init__(self, path: Path | str, *, create: bool = False) -> None:
        self.path = Path(path)
        self._local = threading.local()
        self._writer_db: sqlite3.Connection | None = None
        self.checkpoints = BackgroundCheckpoints(self._open)
        self._group = GroupCommit(
            self._writer_connection, self._check_file, self._drop_writer, self.checkpoints.wrote
        )
        self._opened: list[sqlite3.Connection] = []  # every connection, for close()
        self._problem: str | None = None
        try:
            self._prepare_file(create)
            self._file = _identity(self.path)
            self._migrate(create)
            self._key = self._load_key()
        except sqlite3.Error as error:
            raise StorageUnavailable(f"{self.path} cannot be used as a database: {error}") from None
        except OSError as error:
            raise StorageUnavailable(f"{self.path} cannot be used as a database: {error.strerror}") from None

    # --- the file -------------------------------------------------------------------------------

    def _prepare_file(self, create: bool) -> None:
        if not str(self.path) or str(self.path) == ".":
            raise StorageUnavailable("no database path given")
        if not self.path.exists():
            if not create:
                raise DatabaseMissing(f"no database at {self.path}; create one with jpki-reset serve --init")
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            os.close(os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        mode = self.path.stat().st_mode
        if not stat.S_ISREG(mode):
            raise StorageUnavailable(f"{self.path} is not a regular file")
        for name in (self.path, Path(f"{self.path}-wal"), Path(f"{self.path}-shm")):
            if name.exists() and name.stat().st_mode & 0o077:
                with suppress(OSError):  # files from before 0600 was the rule: owner-only from now on
                    name.chmod(0o600)

    def _check_file(self) -> None:
        """The path still names the file this store opened."""
        try:
            same = _identity(self.path) == self._file
        except OSError:
            same = False
        if not same:
            raise StorageUnavailable(f"the database file {self.path} was removed or replaced")

    def _connection(self) -> sqlite3.Connection:
        """This thread's connection, for reading (and for migrating)."""
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = self._open()
            self._local.connection = connection
        return connection

    def _open(self) -> sqlite3.Connection:
        # mode=rw: a connection never creates a missing file (it would be an empty database).
        uri = f"file:{quote(str(self.path.resolve()))}?mode=rw"
        connection = sqlite3.connect(
            uri, uri=True, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False
        )
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=FULL")
        connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        connection.execute("PRAGMA foreign_keys=ON")
        self._opened.append(connection)
        return connection

    # --- schema ---------------------------------------------------------------------------------

    def _migrate(self, create: bool) -> None:
        db = self._connection()
        # The store is not shared yet: no other writer of this process.
        db.execute("BEGIN IMMEDIATE")
        try:
            version = self._version(db)
            if version == 0 and not create:
                raise DatabaseMissing(
                    f"{self.path} holds no reservation database; create one with jpki-reset serve --init"
                )
            if version > SCHEMA_VERSION:
                raise StorageUnavailable(
                    f"{self.path} has schema version {version}; this jpki-reset reads up to {SCHEMA_VERSION}"
                )
            for number in range(version + 1, SCHEMA_VERSION + 1):
                for statement in _statements(MIGRATIONS[number]):
                    db.execute(statement)
                db.execute(
                    "INSERT INTO schema_version (version, applied_at) VALUES (?, ?)",
                    (number, _t(datetime.now(UTC))),
                )
            db.execute(
                "INSERT INTO service_secrets (name, value) VALUES ('challenge-key', ?)"
                " ON CONFLICT DO NOTHING",
                (secrets.token_bytes(32),),
            )
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    @staticmethod
    def _version(db: sqlite3.Connection) -> int:
        db.execute(
            "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied_at TEXT NOT NULL)"
        )
        row = db.execute("SELECT max(version) FROM schema_version").fetchone()
        if row[0] is not None:
            return int(row[0])
        # A database from before the version table: it has the first schema's tables.
        first = db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'terminals'"
        ).fetchone()
        return 1 if first else 0

    def _load_key(self) -> bytes:
        row = (
            self._connection()
            .execute("SELECT value FROM service_secrets WHERE name = 'challenge-key'")
            .fetchone()
        )
        return bytes(row[0])

    # --- transactions ---------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[SqlTransaction]:
        # The writers of this process share a transaction and its sync (group_commit); other
        # processes meet BEGIN IMMEDIATE and SQLite's busy timeout.
        with self._failures(clears=True):
            self._check_file()
            with self._group.transaction() as connection:
                yield SqlTransaction(connection, DIALECT, writing=True)

    def _writer_connection(self) -> sqlite3.Connection:
        if self._writer_db is None:
            self._writer_db = self._open()
            # Its commits never checkpoint: the background checkpoints do, off the requests' path.
            self._writer_db.execute("PRAGMA wal_autocheckpoint=0")
        return self._writer_db

    def _drop_writer(self) -> None:
        writer, self._writer_db = self._writer_db, None
        if writer is not None:
            with suppress(sqlite3.Error):
                writer.close()
            with suppress(ValueError):
                self._opened.remove(writer)

    @contextmanager
    def reading(self) -> Iterator[SqlTransaction]:
        with self._failures():
            connection = self._connection()
            self._check_file()
            connection.execute("BEGIN")
            try:
                yield SqlTransaction(connection, DIALECT, writing=False)
            finally:
                if connection.in_transaction:
                    connection.execute("ROLLBACK")

    @contextmanager
    def _failures(self, *, clears: bool = False) -> Iterator[None]:
        """SQLite's operational errors (read-only, disk full, I/O) as ``StorageUnavailable``; a
        write that went through (``clears``) shows the database is usable again."""
        try:
            yield
        except StorageUnavailable as problem:
            self._problem = str(problem)
            raise
        except (sqlite3.OperationalError, sqlite3.DatabaseError) as error:
            if isinstance(error, sqlite3.IntegrityError):
                raise
            self._problem = str(error)
            self._forget_connection()
            raise StorageUnavailable(f"the database cannot be used now: {error}") from None
        else:
            if clears:
                self._problem = None

    def _forget_connection(self) -> None:
        """After a failure: this thread's connection is opened again when next needed (the file
        may have come back, or become writable again)."""
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            with suppress(sqlite3.Error):
                connection.close()
            self._local.connection = None
            with suppress(ValueError):
                self._opened.remove(connection)

    # --- the rest of the interface ----------------------------------------------------------

    def ensure_terminal(self, name: str, token: str, now: datetime, role: Role = Role.TERMINAL) -> int:
        with self.transaction() as tx:
            return tx.ensure_terminal(name, token_sha256(token), now, role)

    def challenge_key(self) -> bytes:
        return self._key

    def state(self) -> DatabaseState:
        try:
            self._check_file()
        except StorageUnavailable:
            return DatabaseState.UNAVAILABLE
        return DatabaseState.OK if self._problem is None else DatabaseState.UNAVAILABLE

    def probe(self) -> DatabaseState:
        try:
            with self.transaction() as tx:
                tx.db.execute("UPDATE service_probe SET probed_at = ? WHERE id = 1", (_t(datetime.now(UTC)),))
        except StorageUnavailable:
            return DatabaseState.UNAVAILABLE
        return DatabaseState.OK

    def close(self) -> None:
        """Close every connection (a thread that comes back opens a new one)."""
        self.checkpoints.stop()
        opened, self._opened = self._opened, []
        for connection in opened:
            with suppress(sqlite3.Error):
                connection.close()
        self._local = threading.local()
        self._writer_db = None


def _statements(script: str) -> list[str]:
    """A migration's statements (``executescript`` would commit the transaction first)."""
    statements, current = [], ""
    for line in script.strip().splitlines():
        current += line + "\n"
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    return statements
