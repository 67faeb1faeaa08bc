"""The tests that judge training cards by a clock pass whatever the machine's date is: they are run
again with the date set (libfaketime) before the training certificates' validity and after it.

Only the modules whose code under test reads the wall clock when the test does not inject one are
run here, to keep the cost modest: the command line's ``status`` (it judges the card at ``--at``
or the wall clock), the ``serve`` process (its clock, its trust store) and the TUI's wizard (its
clock, when the app is built as the command line builds it). The whole suite is run at these
dates by hand (README.md).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.integration

CLOCK_READERS = (
    "tests/reset_flow/test_cli.py::test_status_json_carries_the_triage",
    "tests/reset_flow/test_serve_trust.py::test_training_mode_from_the_config_says_training_on_every_answer",
    "tests/tui/test_training_mode.py",
)

# Python 3.11's time.sleep waits with clock_nanosleep on an absolute monotonic deadline, which
# libfaketime 0.9.10 shifts by the faked offset even when told to leave monotonic time alone
# (https://github.com/wolfcw/libfaketime/issues/426): the kernel then refuses it (EINVAL). Under
# faketime only, every Python process sleeps with select instead, which takes a relative timeout.
SLEEP_BY_SELECT = """\
import select
import time


def _sleep(seconds):
    select.select([], [], [], seconds)


time.sleep = _sleep
"""


@pytest.mark.parametrize("date", ["2025-06-01 10:00:00", "2032-06-01 10:00:00"])
def test_the_clock_reading_tests_pass_at_another_machine_date(date: str, tmp_path: Path) -> None:
    faketime = shutil.which("faketime")
    if faketime is None:
        pytest.skip("faketime is not installed (Debian package faketime; ./.ci/setup installs it)")
    (tmp_path / "sitecustomize.py").write_text(SLEEP_BY_SELECT, encoding="utf-8")
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(tmp_path), os.environ.get("PYTHONPATH")])),
        # The machine's date moves; monotonic clocks (timeouts, waits) do not move with it.
        "FAKETIME_DONT_FAKE_MONOTONIC": "1",
    }
    today = [faketime, date, sys.executable, "-c", "import datetime; print(datetime.date.today())"]
    shown = subprocess.run(today, env=env, capture_output=True, text=True, timeout=60)
    assert shown.stdout.strip() == date[:10], shown.stderr  # the date did move for Python
    command = [faketime, date, sys.executable, "-m", "pytest", "-q", "-n0", "-p", "no:cacheprovider"]
    done = subprocess.run(
        [*command, *CLOCK_READERS], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    assert "passed" in done.stdout, done.stdout[-3000:] + done.stderr[-2000:]
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]  # 5 (nothing ran) fails too
