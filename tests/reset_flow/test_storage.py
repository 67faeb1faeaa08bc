"""The stores themselves: schema versions and migration, owner-only files, a database replaced or
made unusable under a running service, and PostgreSQL's durability setting."""

from __future__ import annotations

import os
import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest

from reset_flow.embedded import DATABASE_NAME, embedded_app
from reset_flow.service.postgres_store import PostgresStore
from reset_flow.service.private_postgres import PrivatePostgres
from reset_flow.service.sqlite_store import MIGRATIONS, SqliteStore
from reset_flow.service.store import SCHEMA_VERSION, AuditEntry, StorageUnavailable, token_sha256

NOW = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)


def first_release_database(path: Path) -> None:
    """A database as the first release wrote it: schema 1, no version table, a terminal and an
    active reservation."""
    with sqlite3.connect(path) as db:
        db.executescript(MIGRATIONS[1])
        db.execute(
            "INSERT INTO terminals (name, token_sha256, created_at) VALUES ('counter-1', ?, ?)",
            (token_sha256("old-token"), NOW.isoformat()),
        )
        db.execute(
            "INSERT INTO reservations VALUES ('r1', ?, 'sign', ?, 1, 1, ?, ?, 'active', NULL)",
            (b"\x01" * 16, b"\x02" * 32, NOW.isoformat(), NOW.isoformat()),
        )


def test_a_first_release_database_is_migrated_in_place(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    first_release_database(path)
    store = SqliteStore(path)  # no --init needed: it is a reservation database
    with store.reading() as tx:
        terminal = tx.terminal_for(token_sha256("old-token"))
        assert terminal is not None and terminal.name == "counter-1" and not terminal.revoked
        assert [r.id for r in tx.active_reservations(b"\x01" * 16)] == ["r1"]
    store.close()
    with sqlite3.connect(path) as db:
        versions = [row[0] for row in db.execute("SELECT version FROM schema_version ORDER BY version")]
    assert versions == [2] and SCHEMA_VERSION == 2
    SqliteStore(path).close()  # opening again changes nothing


def test_a_database_from_a_newer_release_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    SqliteStore(path, create=True).close()
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO schema_version VALUES (?, 'later')", (SCHEMA_VERSION + 1,))
    with pytest.raises(StorageUnavailable, match="schema version 3"):
        SqliteStore(path)


def test_files_are_owner_only_whatever_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        app, _ = embedded_app(tmp_path / "data")
        store = app.state.office.store
        store.ensure_terminal("another", "another-token-0123456789", NOW)  # writes the WAL
    finally:
        os.umask(old)
    folder = tmp_path / "data"
    assert folder.stat().st_mode & 0o777 == 0o700
    for name in (DATABASE_NAME, f"{DATABASE_NAME}-wal", f"{DATABASE_NAME}-shm", "embedded-token"):
        assert (folder / name).stat().st_mode & 0o777 == 0o600, name


def test_files_from_before_are_made_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "open.sqlite3"
    first_release_database(path)
    path.chmod(0o644)
    SqliteStore(path).close()
    assert path.stat().st_mode & 0o777 == 0o600


def test_a_database_replaced_under_the_service_is_not_written(tmp_path: Path) -> None:
    path = tmp_path / "live.sqlite3"
    store = SqliteStore(path, create=True)
    store.ensure_terminal("counter-1", "token-before-0123456789", NOW)
    other = tmp_path / "other.sqlite3"
    SqliteStore(other, create=True).close()
    os.replace(other, path)  # someone puts another database in its place
    with pytest.raises(StorageUnavailable, match="removed or replaced"):
        store.ensure_terminal("counter-2", "token-after-0123456789", NOW)
    assert store.state().value == "unavailable"
    with sqlite3.connect(path) as db:
        assert "counter-2" not in {row[0] for row in db.execute("SELECT name FROM terminals")}


def test_postgresql_without_durable_commits_is_refused(private_postgres: PrivatePostgres) -> None:
    url = private_postgres.new_database()
    name = url.split("/")[3].split("?")[0]
    with psycopg.connect(private_postgres.url(), autocommit=True) as db:
        db.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
    with pytest.raises(StorageUnavailable, match="synchronous_commit"):
        PostgresStore(url, create=True)


def test_a_postgresql_database_made_read_only_is_unavailable_then_back(
    private_postgres: PrivatePostgres,
) -> None:
    url = private_postgres.new_database()
    name = url.split("/")[3].split("?")[0]
    store = PostgresStore(url, create=True)
    store.ensure_terminal("counter-1", "pg-token-0123456789", NOW)
    with psycopg.connect(private_postgres.url(), autocommit=True) as db:
        db.execute(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
        db.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,))
    with pytest.raises(StorageUnavailable):  # the pool's connections were cut
        store.ensure_terminal("counter-2", "pg-token-2-0123456789", NOW)
    with pytest.raises(StorageUnavailable):  # new ones are read-only
        store.ensure_terminal("counter-2", "pg-token-2-0123456789", NOW)
    assert store.state().value == "unavailable"
    with psycopg.connect(private_postgres.url(), autocommit=True) as db:
        db.execute(f'ALTER DATABASE "{name}" SET default_transaction_read_only = off')
        db.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,))
    for _ in range(3):  # the pool replaces the connections it finds broken
        try:
            store.ensure_terminal("counter-2", "pg-token-2-0123456789", NOW)
            break
        except StorageUnavailable:
            continue
    assert store.probe().value == "ok" and store.state().value == "ok"
    store.close()


def test_commits_leave_the_checkpoint_to_a_thread_of_its_own(tmp_path: Path) -> None:
    """A commit that takes SQLite's log past its 1000 pages does not copy them into the database
    file itself (the request that made it would wait for that); the background checkpoint does,
    and the log then starts over instead of growing."""
    path = tmp_path / "service.sqlite3"
    store = SqliteStore(path, create=True)
    store.checkpoints.every = 1_000_000  # no background checkpoint due yet
    before = path.stat().st_size
    with store.transaction() as tx:  # about 6 MB of audit rows: some 1500 pages of log
        for n in range(5000):
            tx.audit(AuditEntry(NOW, None, "bulk", "ok", card_identity=f"{n:04d}" * 256))
    assert path.stat().st_size == before  # committed to the log, not copied by the commit
    store.checkpoints.every = 1
    with store.transaction() as tx:
        tx.audit(AuditEntry(NOW, None, "one-more", "ok"))
    for _ in range(200):
        if store.checkpoints.done:
            break
        time.sleep(0.05)
    assert store.checkpoints.done >= 1
    assert path.stat().st_size > before + 4_000_000  # the log's pages are in the database file
    log = Path(f"{path}-wal").stat().st_size
    with store.transaction() as tx:
        tx.audit(AuditEntry(NOW, None, "after", "ok"))
    assert Path(f"{path}-wal").stat().st_size == log  # written at the log's start again
    store.close()
    with sqlite3.connect(path) as db:
        actions = dict(db.execute("SELECT action, count(*) FROM audit GROUP BY action").fetchall())
    assert actions == {"bulk": 5000, "one-more": 1, "after": 1}
