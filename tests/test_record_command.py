"""``jpki-reset record``: what it refuses on a reader whose card may be a resident's, before the
card hears anything, and what it writes from a recording."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from tests.readers.test_last_try import CardReaderOfUnknownCard
from tui.cli import main


@pytest.fixture
def unknown_card(monkeypatch: pytest.MonkeyPatch) -> CardReaderOfUnknownCard:
    reader = CardReaderOfUnknownCard()
    monkeypatch.setattr("readers.spec.open_reader", lambda spec: reader)
    monkeypatch.setattr(sys, "stdin", io.StringIO("1234\n"))  # piped: not a person at a terminal
    return reader


@pytest.mark.parametrize(
    ("conversation", "consent", "code"),
    [
        ("verify-auth", False, "pin-consent-required"),
        ("step1-sign-reset", False, "pin-consent-required"),
        ("wrong-pin-to-blocked", True, "training-card-only"),
        ("verify-auth", True, "no-terminal"),
    ],
)
def test_refused_with_exit_2_before_any_command(
    unknown_card: CardReaderOfUnknownCard,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    conversation: str,
    consent: bool,
    code: str,
) -> None:
    arguments = [
        "record",
        "--reader",
        "pcsc",
        "--out",
        str(tmp_path / "x.jsonl"),
        "--conversation",
        conversation,
    ]
    assert main([*arguments, *(["--spend-pin-tries"] if consent else [])]) == 2
    assert capsys.readouterr().err.startswith(f"jpki-reset: {code}: ")
    assert unknown_card.commands == 0 and not (tmp_path / "x.jsonl").exists()
