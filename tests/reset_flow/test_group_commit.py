"""Group commit: writers that arrive together share one commit, each returns only after it, and a
failed commit fails every writer of its batch (none of their rows is kept)."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from reset_flow.service.group_commit import GroupCommit

WRITERS = 16


class Database:
    """One SQLite file, its writer connection, and a count of the commits it ran."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.commits = 0
        self.refuse_next_commit = False
        self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("CREATE TABLE rows (writer INTEGER PRIMARY KEY)")
        self.db.set_trace_callback(self._traced)
        self.group = GroupCommit(lambda: self.db, self._before_commit, lambda: None)

    def _traced(self, statement: str) -> None:
        self.commits += statement == "COMMIT"

    def _before_commit(self) -> None:
        if self.refuse_next_commit:
            self.refuse_next_commit = False
            raise sqlite3.OperationalError("the disk is full (as the test says)")

    def kept(self) -> set[int]:
        with sqlite3.connect(self.path) as reader:
            return {row[0] for row in reader.execute("SELECT writer FROM rows")}


def write_together(database: Database, first_waits: threading.Event) -> dict[int, str]:
    """``WRITERS`` threads insert a row each; the first holds its turn until the others wait."""
    outcome: dict[int, str] = {}
    first_inside = threading.Event()

    def writer(number: int) -> None:
        if number:
            first_inside.wait(timeout=10)  # the others come while the first holds its turn
        try:
            with database.group.transaction() as db:
                db.execute("INSERT INTO rows VALUES (?)", (number,))
                if number == 0:
                    first_inside.set()
                    first_waits.wait(timeout=10)
            outcome[number] = "ok"
        except sqlite3.OperationalError as error:
            outcome[number] = str(error)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    return_when_queued(database, first_waits)
    for thread in threads:
        thread.join(timeout=30)
    return outcome


def return_when_queued(database: Database, first_waits: threading.Event) -> None:
    for _ in range(2000):  # until every writer is inside transaction(), then let the first go on
        if database.group._wanting >= WRITERS:
            break
        threading.Event().wait(0.005)
    first_waits.set()


def test_writers_that_arrive_together_share_a_commit(tmp_path: Path) -> None:
    database = Database(tmp_path / "group.sqlite3")
    outcome = write_together(database, threading.Event())
    assert outcome == dict.fromkeys(range(WRITERS), "ok")
    assert database.kept() == set(range(WRITERS))
    assert 1 <= database.commits < WRITERS  # fewer syncs than writers


def test_a_failed_commit_fails_every_writer_of_its_batch(tmp_path: Path) -> None:
    database = Database(tmp_path / "group.sqlite3")
    database.refuse_next_commit = True
    outcome = write_together(database, threading.Event())
    failed = {n for n, result in outcome.items() if result != "ok"}
    assert failed and all("disk is full" in outcome[n] for n in failed)
    assert database.kept() == set(outcome) - failed  # no failed writer's row, every acknowledged one
    with database.group.transaction() as db:  # and the next writer is served
        db.execute("INSERT INTO rows VALUES (99)")
    assert 99 in database.kept()


def test_a_writer_whose_work_fails_leaves_the_others_alone(tmp_path: Path) -> None:
    database = Database(tmp_path / "group.sqlite3")
    with pytest.raises(ZeroDivisionError), database.group.transaction() as db:
        db.execute("INSERT INTO rows VALUES (1)")
        raise ZeroDivisionError
    with database.group.transaction() as db:
        db.execute("INSERT INTO rows VALUES (2)")
    assert database.kept() == {2}
