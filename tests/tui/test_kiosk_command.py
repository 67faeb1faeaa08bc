"""``jpki-reset kiosk``: its options, and no kiosk without a staff code to leave it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tui.cli import build_parser
from tui.kiosk.launch import build_kiosk
from tui.kiosk.staff_code import StaffCode, StaffCodeError, read_staff_code_file

ROOT = Path(__file__).resolve().parents[2]


def kiosk(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )


def test_without_a_terminal_or_a_file_there_is_no_staff_code_and_no_kiosk() -> None:
    done = kiosk("kiosk", "--reader", "training:adult")
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "jpki-reset: staff-code-invalid: no terminal to ask the staff code: use --staff-code-file"
    )


def test_a_staff_code_file_others_can_read_is_refused(tmp_path: Path) -> None:
    code = tmp_path / "staff-code"
    code.write_text("counter-7\n")
    code.chmod(0o644)
    done = kiosk("kiosk", "--reader", "training:adult", "--staff-code-file", str(code))
    assert done.returncode == 2
    assert f"can be read by others: chmod 600 {code}" in done.stderr
    assert "counter-7" not in done.stderr


@pytest.mark.parametrize("idle", ["5", "soon"])
def test_the_idle_time_is_checked(idle: str) -> None:
    done = kiosk("kiosk", "--idle", idle)
    assert done.returncode == 2 and "--idle" in done.stderr


def test_the_training_clock_needs_a_training_card() -> None:
    done = kiosk("kiosk", "--reader", "pcsc", "--at", "2026-04-01T10:00")
    assert done.returncode == 2 and "training-clock-invalid" in done.stderr


def test_options_reach_the_kiosk_before_or_after_the_command(tmp_path: Path) -> None:
    args = build_parser().parse_args(
        [
            "--lang",
            "ja",
            "kiosk",
            "--reader",
            "training:one-try-left",
            "--idle",
            "90",
            "--at",
            "2026-04-01T05:00",
        ]
    )
    app = build_kiosk(args, StaffCode("counter-7"))
    assert app.settings.idle_seconds == 90 and app.lang == "ja"
    assert app.wizard.reader_spec == "training:one-try-left" and app.wizard.training
    assert app.wizard.training_at is not None and app.wizard.training_at.hour == 5
    plain = build_kiosk(build_parser().parse_args(["kiosk"]), StaffCode("counter-7"))
    assert plain.wizard.reader_spec == "pcsc" and plain.settings.idle_seconds == 60


def test_the_staff_code_is_kept_as_a_salted_hash(tmp_path: Path) -> None:
    code = StaffCode(" counter-7 ")
    assert code.matches("counter-7") and not code.matches("counter-8")
    assert "counter" not in repr(code) and "counter" not in repr(vars(code))
    assert StaffCode("counter-7")._hash != code._hash  # a fresh salt each time
    with pytest.raises(StaffCodeError, match="at least 6"):
        StaffCode("12345")
    path = tmp_path / "code"
    path.write_text("counter-7\n")
    os.chmod(path, 0o600)
    assert read_staff_code_file(path).matches("counter-7")
    with pytest.raises(StaffCodeError, match="cannot read"):
        read_staff_code_file(tmp_path / "missing")
