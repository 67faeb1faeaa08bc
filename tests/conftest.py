"""Shared fixtures."""

from __future__ import annotations

import gc
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RECORDINGS = ROOT / "recordings"
# Workers per core for ``-n auto``: a TUI test waits on the screen to go idle, a service test on
# its subprocess and sockets, so one worker per core leaves the cores idle half the run. Each
# worker has its own daemons, ports and folders, so more workers only share the cores.
WORKERS_PER_CORE = 3
# A worker with its daemons takes a few hundred MB: a many-core machine gets no more than this.
MOST_WORKERS = 12


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return min(cores * WORKERS_PER_CORE, MOST_WORKERS)


# The collector's first threshold in a test process (Python's default is 700 allocations). A TUI
# test makes and drops many objects, nearly all freed by reference counting, and the collections
# they set off took about a fifth of a TUI test's CPU.
YOUNG_COLLECTION_EVERY = 10_000


def pytest_collection_finish(session: pytest.Session) -> None:
    """What collection loaded (every module, every test item) stays to the end of the process:
    frozen, the collector no longer walks it each time, nor five times more at the session's end
    (pytest's search for unraisable exceptions). The project's own code keeps Python's defaults."""
    gc.freeze()
    gc.set_threshold(YOUNG_COLLECTION_EVERY, *gc.get_threshold()[1:])


@pytest.fixture
def recordings_dir() -> Path:
    return RECORDINGS


@pytest.fixture(autouse=True)
def private_user_folders(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """The config, trust store and data folders of each test are its own (platformdirs follows
    XDG_*; subprocesses inherit them): a developer's config or trust store never leaks in."""
    home = tmp_path_factory.mktemp("home")
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(name, str(home / name.lower()))
    monkeypatch.delenv("JPKI_RESET_TOKEN", raising=False)
