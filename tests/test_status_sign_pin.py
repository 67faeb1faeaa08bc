"""``status --ask-sign-pin`` prints the whole card check whatever happens to the signing PIN, and
its last try is used only after a person typed YES on a terminal."""

from __future__ import annotations

import getpass
import io
import json
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from readers.emulated import EmulatedReader
from readers.training_card.applet import TrainingCard
from readers.training_card.profiles import get_profile
from tui.cli import main

ROOT = Path(__file__).resolve().parent.parent


class Keyboard(io.StringIO):
    """Standard input as a terminal where a person types ``typed``."""

    def isatty(self) -> bool:
        return True


class CountingReader(EmulatedReader):
    def __init__(self, card: TrainingCard) -> None:
        super().__init__(card)
        self.verifies = 0

    async def transmit(self, command: bytes) -> bytes:
        self.verifies += command[1] == 0x20 and len(command) > 5
        return await super().transmit(command)


@pytest.fixture
def last_sign_try(monkeypatch: pytest.MonkeyPatch) -> CountingReader:
    """``status`` reads an adult card whose signing PIN has one try left."""
    reader = CountingReader(TrainingCard(replace(get_profile("adult"), sign_tries=1)))
    monkeypatch.setattr("readers.spec.open_reader", lambda spec: reader)
    return reader


def test_no_terminal_no_last_try_and_the_report_says_why(
    last_sign_try: CountingReader, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("TRAIN1234\n"))  # a pipe: nobody to ask
    assert main(["status", "--json", "--ask-sign-pin"]) == 4
    out, err = capsys.readouterr()
    data = json.loads(out)
    assert data["sign_pin"]["outcome"] == "last-try-no-terminal" and data["sign_pin"]["sent"] is False
    assert "no terminal" in data["sign_pin"]["reason"]
    assert data["pins"]["sign"]["tries_left"] == 1 and set(data["pins"]) == {"auth", "sign", "juki", "kenmen"}
    assert data["certificates"]["auth"]["present"] and "triage" in data
    assert last_sign_try.verifies == 0
    assert err.startswith("jpki-reset: last-try-not-confirmed: ") and err.count("\n") == 1


@pytest.mark.parametrize(("typed", "sent", "code"), [("YES\n", 1, 0), ("yes please\n", 0, 4), ("\n", 0, 4)])
def test_on_a_terminal_the_last_try_waits_for_yes(
    last_sign_try: CountingReader,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    typed: str,
    sent: int,
    code: int,
) -> None:
    monkeypatch.setattr(getpass, "getpass", lambda text: "TRAIN1234")  # typed, not echoed
    monkeypatch.setattr(sys, "stdin", Keyboard(typed))
    monkeypatch.setattr(sys, "stderr", Keyboard())
    assert main(["status", "--ask-sign-pin"]) == code
    out = capsys.readouterr().out
    assert last_sign_try.verifies == sent
    assert "VERDICT:" in out and "Resident-registry PIN" in out  # the whole report either way
    if sent:
        assert re.search(r"Signing PIN +5 of 5 tries left", out) and "valid 2026-01-10" in out
    else:
        assert "one try left and it was not confirmed: not sent" in out


def test_a_blocked_signing_pin_is_not_sent_and_the_report_says_so() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tui.cli", "status", "--reader", "training:sign-blocked", "--ask-sign-pin"],
        input="TRAIN1234\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 4
    assert re.search(r"Signing PIN +BLOCKED \(0 tries left\)", done.stdout)
    assert "Signing PIN given: the signing PIN is blocked: it was not sent" in done.stdout
    assert "VERDICT:" in done.stdout
    assert done.stderr.startswith("jpki-reset: pin-blocked: ") and done.stderr.count("\n") == 1
