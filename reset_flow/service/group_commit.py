"""Group commit for SQLite: the writers of one process share one write transaction and one durable
sync.

SQLite has one writer at a time, and with ``synchronous=FULL`` every commit waits for the disk.
Under load, writers would queue behind each other's syncs. Here they take turns running their work
in a savepoint of a shared transaction (a failed one rolls back to its savepoint alone); the
transaction commits when no other writer is waiting, or when ``MAX_BATCH`` have joined. Each
writer's block ends only after that commit, so an answer never leaves before its write is on disk;
if the commit fails, every writer of the batch fails, and none was acknowledged. With one writer at
a time this is an ordinary transaction per writer.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress

MAX_BATCH = 32  # writers per commit: bounds how long the first of them waits


class _Batch:
    def __init__(self) -> None:
        self.done = threading.Event()
        self.error: BaseException | None = None
        self.members = 0


class GroupCommit:
    def __init__(
        self,
        connection: Callable[[], sqlite3.Connection],
        before_commit: Callable[[], None],
        after_failure: Callable[[], None],
        after_commit: Callable[[int], None] = lambda writers: None,
    ) -> None:
        """``connection``: the writer connection (one, shared); ``before_commit``: a last check
        that may raise to roll the whole batch back (the file is still the one opened);
        ``after_failure``: drop the writer connection, so that the next batch opens a fresh one;
        ``after_commit``: told how many writers a commit carried (the background checkpoints)."""
        self._connection, self._before_commit = connection, before_commit
        self._after_failure, self._after_commit = after_failure, after_commit
        self._turn = threading.Lock()  # one writer's work at a time
        self._count = threading.Lock()
        self._wanting = 0  # writers inside transaction(), holding or waiting for the turn
        self._batch: _Batch | None = None

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self._count:
            self._wanting += 1
        batch: _Batch | None = None
        try:
            with self._turn:
                try:
                    batch = self._join()
                    db = self._connection()
                    db.execute("SAVEPOINT writer")
                    try:
                        yield db
                    except BaseException:
                        db.execute("ROLLBACK TO writer")
                        db.execute("RELEASE writer")
                        raise
                    db.execute("RELEASE writer")
                finally:
                    with self._count:
                        self._wanting -= 1
                        last = self._wanting == 0
                    if batch is not None and (last or batch.members >= MAX_BATCH or batch.error):
                        self._end(batch)
        except sqlite3.Error as error:
            if batch is not None and batch.error is None:
                self._fail(batch, error)
            raise
        assert batch is not None
        batch.done.wait()  # outside the turn: the next writers join or start a batch meanwhile
        if batch.error is not None:  # each writer raises its own copy (they run in other threads)
            raise type(batch.error)(*batch.error.args)

    def _join(self) -> _Batch:
        if self._batch is None:
            self._connection().execute("BEGIN IMMEDIATE")
            self._batch = _Batch()
        self._batch.members += 1
        return self._batch

    def _end(self, batch: _Batch) -> None:
        """Commit the batch (called with the turn held)."""
        self._batch = None
        if batch.error is None:
            try:
                self._before_commit()
                self._connection().execute("COMMIT")
            except BaseException as error:
                batch.error = error
            else:
                self._after_commit(batch.members)
        if batch.error is not None:
            with suppress(sqlite3.Error):
                if self._connection().in_transaction:
                    self._connection().execute("ROLLBACK")
            self._after_failure()
        batch.done.set()

    def _fail(self, batch: _Batch, error: BaseException) -> None:
        """A statement of the shared transaction itself failed: nothing of the batch can commit."""
        batch.error = error
        with self._turn:
            if self._batch is batch:
                self._end(batch)
