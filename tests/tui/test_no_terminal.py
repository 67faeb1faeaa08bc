"""``jpki-reset`` without a terminal (cron, a pipe, CI) says so in one line and stops, instead of
drawing into the pipe and waiting forever for keys."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _run(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    # stdin from /dev/null and stdout into a pipe: what cron or ``| cat`` gives.
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data")}
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,  # a hang fails the test instead of the suite
    )


@pytest.mark.parametrize(
    "args",
    [
        ["--reader", "training:adult"],
        ["--reader", "training:adult", "--lang", "ja"],
        ["demo", "recordings/demo-step1.jsonl"],
        ["kiosk", "--reader", "training:adult", "--staff-code-file", "{code}"],
    ],
    ids=["tui", "tui-ja", "demo", "kiosk"],
)
def test_no_terminal_gives_one_line_and_exit_2(tmp_path: Path, args: list[str]) -> None:
    code = tmp_path / "staff-code"
    code.write_text("a-long-staff-code\n")
    code.chmod(0o600)
    done = _run([a.format(code=code) for a in args], tmp_path)
    assert done.returncode == 2
    assert done.stdout == ""  # nothing drawn into the pipe
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert "no-terminal" in lines[0] and "jpki-reset status" in lines[0]


def test_status_still_works_without_a_terminal(tmp_path: Path) -> None:
    done = _run(["status", "--reader", "training:adult"], tmp_path)
    assert done.returncode == 0
    assert "tries left" in done.stdout
