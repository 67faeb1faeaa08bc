"""The PostgreSQL store: one database shared by several ``jpki-reset serve`` processes (psycopg 3
and its connection pool). The same operations as SQLite (``sql_transaction``), with the same
guarantees, got differently:

- SQLite runs one writer at a time; here transactions run side by side (READ COMMITTED), and each
  "check then change" locks what it is about to change: the reservation's row (``FOR UPDATE``:
  authorisations and completions of one reservation queue), and transaction-scoped advisory locks
  on an idempotency key, a card's step 1 and a new token;
- a spent challenge is a primary key, so two processes cannot both spend one;
- commits are durable before the answer leaves (``synchronous_commit`` is on by default; the
  service refuses to start if the database has it off).

The database must exist (``createdb``); ``serve --init`` creates the schema in it, and every start
migrates an older schema under an advisory lock, so processes starting together do it once.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import psycopg
import psycopg_pool

from reset_flow.service.sql_transaction import Connection, Dialect, SqlTransaction
from reset_flow.service.store import (
    SCHEMA_VERSION,
    DatabaseMissing,
    DatabaseState,
    Role,
    StorageUnavailable,
    token_sha256,
)

CONNECT_TIMEOUT = 5  # seconds, for a connection and for a free one in the pool
_MIGRATION_LOCK = 0x6A706B69  # "jpki": one process migrates, the others wait and find it done

# The tables of sqlite_store's MIGRATIONS again, on purpose: PostgreSQL's own types (BYTEA,
# TIMESTAMPTZ, identity columns, a DEFAULT now()), and version 2 whole (PostgreSQL came with it),
# where SQLite upgrades version-1 files step by step. The stores share queries (sql_transaction).
SCHEMA = """
CREATE TABLE schema_version (version INTEGER NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now());
CREATE TABLE terminals (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name TEXT NOT NULL,
    token_sha256 BYTEA NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL,
    role TEXT NOT NULL DEFAULT 'terminal' CHECK (role IN ('terminal', 'admin')),
    revoked_at TIMESTAMPTZ
);
CREATE TABLE spent_challenges (nonce BYTEA PRIMARY KEY, expires_at TIMESTAMPTZ NOT NULL);
CREATE INDEX spent_challenges_by_expiry ON spent_challenges (expires_at);
CREATE TABLE reservations (
    id TEXT PRIMARY KEY,
    card_identity BYTEA NOT NULL,
    reset TEXT NOT NULL CHECK (reset IN ('auth', 'sign')),
    proof_certificate_sha256 BYTEA NOT NULL,
    issuer_reset SMALLINT NOT NULL,
    terminal_id BIGINT NOT NULL REFERENCES terminals (id),
    made_at TIMESTAMPTZ NOT NULL,
    deadline TIMESTAMPTZ NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('active', 'used', 'replaced')),
    used_at TIMESTAMPTZ
);
CREATE UNIQUE INDEX one_active_reservation ON reservations (card_identity, reset) WHERE status = 'active';
CREATE TABLE authorisations (
    id TEXT PRIMARY KEY,
    reservation_id TEXT NOT NULL REFERENCES reservations (id),
    terminal_id BIGINT NOT NULL REFERENCES terminals (id),
    made_at TIMESTAMPTZ NOT NULL,
    issuer_reset SMALLINT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'used', 'superseded')),
    used_at TIMESTAMPTZ
);
CREATE INDEX authorisations_by_reservation ON authorisations (reservation_id);
CREATE TABLE idempotency (
    terminal_id BIGINT NOT NULL REFERENCES terminals (id),
    key TEXT NOT NULL,
    action TEXT NOT NULL,
    request_sha256 BYTEA NOT NULL,
    status INTEGER NOT NULL,
    body TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (terminal_id, key)
);
CREATE INDEX idempotency_by_age ON idempotency (created_at);
CREATE TABLE audit (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at TIMESTAMPTZ NOT NULL,
    terminal_id BIGINT,
    action TEXT NOT NULL,
    outcome TEXT NOT NULL,
    reservation_id TEXT,
    card_identity TEXT,
    reset TEXT
);
CREATE INDEX audit_by_reservation ON audit (reservation_id);
CREATE INDEX audit_by_terminal ON audit (terminal_id, seq);
CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'the audit table is append-only'; END $$;
CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON audit
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
CREATE TABLE service_secrets (name TEXT PRIMARY KEY, value BYTEA NOT NULL);
CREATE TABLE service_probe (id INTEGER PRIMARY KEY CHECK (id = 1), probed_at TIMESTAMPTZ);
INSERT INTO service_probe (id) VALUES (1);
"""
# Each schema version's SQL, from an empty database; later versions will upgrade the one before.
MIGRATIONS: dict[int, str] = {2: SCHEMA}


def _lock_key(db: Connection, key: tuple[object, ...]) -> None:
    digest = hashlib.blake2b(repr(key).encode(), digest_size=8).digest()
    db.execute("SELECT pg_advisory_xact_lock(%s)", (int.from_bytes(digest, "big", signed=True),))


def _same(moment: Any) -> datetime:
    return moment


DIALECT = Dialect(
    store_time=_same, load_time=_same, placeholder="%s", for_update=" FOR UPDATE", lock_key=_lock_key
)
_UNAVAILABLE = (psycopg.OperationalError, psycopg.InterfaceError, psycopg.errors.ReadOnlySqlTransaction)


def is_postgres_url(text: str) -> bool:
    return text.startswith(("postgresql://", "postgres://"))


class PostgresStore:
    def __init__(self, url: str, *, create: bool = False, pool_size: int = 16) -> None:
        self.url = url
        self._problem: str | None = None
        try:
            with psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT, autocommit=True) as db:
                if db.execute("SHOW synchronous_commit").fetchone()[0] == "off":
                    raise StorageUnavailable(
                        "the database has synchronous_commit off: acknowledgements would not be durable"
                    )
                self._migrate(db, create)
                row = db.execute("SELECT value FROM service_secrets WHERE name = 'challenge-key'").fetchone()
                self._key = bytes(row[0])
        except psycopg.Error as error:
            raise StorageUnavailable(f"cannot use the PostgreSQL database: {_first_line(error)}") from None
        self.pool = psycopg_pool.ConnectionPool(
            url,
            min_size=2,
            max_size=pool_size,
            timeout=CONNECT_TIMEOUT,
            kwargs={"connect_timeout": CONNECT_TIMEOUT},
            open=False,
        )
        try:
            self.pool.open(wait=True, timeout=CONNECT_TIMEOUT * 2)
        except psycopg_pool.PoolTimeout:
            self.pool.close()
            raise StorageUnavailable("cannot open connections to the PostgreSQL database") from None

    @staticmethod
    def _migrate(db: psycopg.Connection[Any], create: bool) -> None:
        with db.transaction():
            db.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
            known = db.execute("SELECT to_regclass('schema_version') IS NOT NULL").fetchone()[0]
            version = db.execute("SELECT max(version) FROM schema_version").fetchone()[0] if known else 0
            version = version or 0
            if version == 0 and not create:
                raise DatabaseMissing(
                    "this PostgreSQL database holds no reservation schema; create it with serve --init"
                )
            if version > SCHEMA_VERSION:
                raise StorageUnavailable(
                    f"the database has schema version {version}; this jpki-reset reads up to {SCHEMA_VERSION}"
                )
            for number in sorted(n for n in MIGRATIONS if n > version):
                db.execute(MIGRATIONS[number])
                db.execute("INSERT INTO schema_version (version) VALUES (%s)", (number,))
            db.execute(
                "INSERT INTO service_secrets (name, value) VALUES ('challenge-key', %s)"
                " ON CONFLICT DO NOTHING",
                (secrets.token_bytes(32),),
            )

    @contextmanager
    def transaction(self) -> Iterator[SqlTransaction]:
        with self._failures(clears=True), self.pool.connection() as db:
            yield SqlTransaction(db, DIALECT, writing=True)  # the pool commits, or rolls back on error

    @contextmanager
    def reading(self) -> Iterator[SqlTransaction]:
        with self._failures(), self.pool.connection() as db:
            try:
                yield SqlTransaction(db, DIALECT, writing=False)
            finally:
                db.rollback()

    @contextmanager
    def _failures(self, *, clears: bool = False) -> Iterator[None]:
        try:
            yield
        except (*_UNAVAILABLE, psycopg_pool.PoolTimeout) as error:
            self._problem = _first_line(error)
            raise StorageUnavailable(f"the database cannot be used now: {self._problem}") from None
        else:
            if clears:
                self._problem = None

    def ensure_terminal(self, name: str, token: str, now: datetime, role: Role = Role.TERMINAL) -> int:
        with self.transaction() as tx:
            return tx.ensure_terminal(name, token_sha256(token), now, role)

    def challenge_key(self) -> bytes:
        return self._key

    def state(self) -> DatabaseState:
        return DatabaseState.OK if self._problem is None else DatabaseState.UNAVAILABLE

    def probe(self) -> DatabaseState:
        try:
            with self.transaction() as tx:
                tx.db.execute("UPDATE service_probe SET probed_at = now() WHERE id = 1")
        except StorageUnavailable:
            return DatabaseState.UNAVAILABLE
        return DatabaseState.OK

    def close(self) -> None:
        self.pool.close()


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]
