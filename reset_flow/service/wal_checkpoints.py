"""SQLite's write-ahead log copied into the database file on a thread of its own, off the path of
the requests.

Left to itself, SQLite checkpoints inside the commit that takes the log past 1000 pages: that commit
waits while about 4 MB are copied and the database file is synced (3-9 ms here, every 70 or so
step-1 proofs), and with group commit so does every writer of its batch and every writer queued
behind it. The store turns that off on its writer connection and calls ``wrote`` after each commit;
after every ``every`` writers this thread runs a PASSIVE checkpoint on a connection of its own,
which never blocks a writer or a reader. Durability stays the log's (``synchronous=FULL`` syncs it
at every commit): a checkpoint only copies pages that are committed already.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable

WRITERS_PER_CHECKPOINT = 64  # a step-1 proof writes about 15 pages: about SQLite's own 1000
_log = logging.getLogger("jpki_reset.service")


class BackgroundCheckpoints:
    def __init__(
        self, connect: Callable[[], sqlite3.Connection], every: int = WRITERS_PER_CHECKPOINT
    ) -> None:
        """``connect``: opens a connection to the database (the checkpoints' own)."""
        self._connect, self.every = connect, every
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._written = 0  # writers committed since the last checkpoint was asked for
        self._thread: threading.Thread | None = None
        self._stopping = False
        self.done = 0  # checkpoints run (that found the database usable)

    def wrote(self, writers: int) -> None:
        """``writers`` more writers are committed; a checkpoint is due after ``every`` of them."""
        with self._lock:
            self._written += writers
            if self._written < self.every or self._stopping:
                return
            self._written = 0
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="jpki-reset-checkpoint", daemon=True)
                self._thread.start()
        self._wake.set()

    def stop(self) -> None:
        """End the thread (a later ``wrote`` starts another) and close its connection."""
        with self._lock:
            self._stopping = True
            thread, self._thread = self._thread, None
        self._wake.set()
        if thread is not None:
            thread.join(timeout=30)
        with self._lock:
            self._stopping = False

    def _run(self) -> None:
        connection: sqlite3.Connection | None = None
        while True:
            self._wake.wait()
            self._wake.clear()
            if self._stopping:
                break
            try:
                if connection is None:
                    connection = self._connect()
                connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                self.done += 1
            except sqlite3.Error as error:  # the requests report the database's state themselves
                _log.warning("checkpoint skipped: %s", error)
                if connection is not None:
                    connection.close()
                connection = None
        if connection is not None:
            connection.close()
