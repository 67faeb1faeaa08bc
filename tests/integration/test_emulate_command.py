"""``jpki-reset emulate --nfc-udp``: another process reads the training card through nfcpy."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from readers.recording import load_recording

ROOT = Path(__file__).resolve().parents[2]


def jpki_reset(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", *arguments], cwd=ROOT, capture_output=True, text=True, timeout=60
    )


@pytest.fixture
def emulated_one_try_left() -> Iterator[str]:
    """``emulate --profile one-try-left --nfc-udp 127.0.0.1:0``; yields the nfcpy path to it."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tui.cli", "emulate", "--profile", "one-try-left", "--nfc-udp", "127.0.0.1:0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    found = re.search(r"--reader nfc:(udp:\S+)", process.stdout.readline())
    assert found, "emulate did not say where it listens"
    yield found.group(1)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=10) == 0
    assert process.stdout.read().strip() == "stopped"


def test_status_reads_the_emulated_card_over_nfcpy(emulated_one_try_left: str) -> None:
    result = jpki_reset("status", "--reader", f"nfc:{emulated_one_try_left}", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["card"]["kind"] == "my-number-card"
    assert data["pins"]["auth"]["tries_left"] == 1  # the profile asked for


def test_record_over_nfcpy_writes_an_nfc_recording(emulated_one_try_left: str, tmp_path: Path) -> None:
    out = tmp_path / "card-check.jsonl"
    result = jpki_reset("record", "--reader", f"nfc:{emulated_one_try_left}", "--out", str(out))
    assert result.returncode == 0, result.stderr
    header = load_recording(out).header
    assert (header.transport, header.conversation) == ("nfc", "card-check")
    assert "auth PIN: 1 of 3" in header.outcome


def test_emulate_refuses_an_unknown_profile_and_a_bad_address() -> None:
    unknown = jpki_reset("emulate", "--profile", "gold-card", "--nfc-udp", "127.0.0.1:0")
    assert unknown.returncode == 2
    assert unknown.stderr.startswith("jpki-reset: unknown-profile:")
    bad = jpki_reset("emulate", "--vpcd", "localhost:port")
    assert bad.returncode == 2
    assert bad.stderr.startswith("jpki-reset: reader-spec-invalid:")
