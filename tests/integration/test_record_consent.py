"""``jpki-reset record`` on a PC/SC reader puts no PIN at risk: through pcscd and vpcd, the card
itself says which commands it received."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from readers.bridges.vpcd import VpcdCard

ROOT = Path(__file__).resolve().parents[2]
READER = "pcsc:Virtual PCD 00 00"


def record(env: dict[str, str], out: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", "record", "--reader", READER, "--out", str(out), *arguments],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,  # no terminal, whoever runs the tests
        capture_output=True,
        text=True,
        timeout=60,
    )


def verifies_with_a_pin(card: VpcdCard) -> list[str]:
    return [c for c in card.commands if c.startswith("00 20 00 80 ") and len(c.split()) > 4]


@pytest.mark.parametrize(
    ("conversation", "extra", "code"),
    [
        ("verify-auth", (), "pin-consent-required"),
        ("step1-sign-reset", (), "pin-consent-required"),
        ("wrong-pin-to-blocked", ("--spend-pin-tries",), "training-card-only"),
        ("training-reset-sign", ("--spend-pin-tries",), "training-card-only"),
        ("verify-auth", ("--spend-pin-tries",), "no-terminal"),  # PINs are typed, never piped
    ],
)
def test_pin_spending_conversations_are_refused_before_the_card_hears_anything(
    vpcd_card: VpcdCard,
    client_env: dict[str, str],
    tmp_path: Path,
    conversation: str,
    extra: tuple,
    code: str,
) -> None:
    done = record(client_env, tmp_path / "x.jsonl", "--conversation", conversation, *extra)
    assert done.returncode == 2
    assert done.stderr.startswith(f"jpki-reset: {code}: ") and done.stderr.count("\n") == 1
    assert verifies_with_a_pin(vpcd_card) == [] and vpcd_card.commands == []
    assert not (tmp_path / "x.jsonl").exists()


def test_a_conversation_without_pins_records_as_before(
    vpcd_card: VpcdCard, client_env: dict[str, str], tmp_path: Path
) -> None:
    done = record(client_env, tmp_path / "check.jsonl", "--conversation", "card-check")
    assert done.returncode == 0, done.stderr
    assert vpcd_card.commands and verifies_with_a_pin(vpcd_card) == []


def on_a_terminal(arguments: list[str], env: dict[str, str], answers: dict[str, str]) -> tuple[int, str]:
    """Run ``jpki-reset`` on a pseudo-terminal; type ``answers[prompt]`` when ``prompt`` shows."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: the terminal is its controlling terminal (getpass reads /dev/tty)
        os.chdir(ROOT)
        os.execve(sys.executable, [sys.executable, "-m", "tui.cli", *arguments], env)
    seen, pending = b"", dict(answers)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break  # the child closed the terminal
            if not chunk:
                break
            seen += chunk
        for prompt in list(pending):
            if prompt.encode() in seen:
                os.write(fd, pending.pop(prompt).encode() + b"\n")
                seen = seen.replace(prompt.encode(), b"")
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), seen.decode(errors="replace")


def test_with_consent_the_pin_is_typed_at_the_terminal_and_sent_once(
    vpcd_card: VpcdCard, client_env: dict[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "verify.jsonl"
    arguments = ["record", "--reader", READER, "--out", str(out), "--conversation", "verify-auth"]
    code, screen = on_a_terminal([*arguments, "--spend-pin-tries"], client_env, {"PIN (4 digits): ": "1234"})
    assert code == 0, screen
    assert "verify auth: ok" in screen and "1234" not in screen  # not echoed
    assert verifies_with_a_pin(vpcd_card) == ["00 20 00 80 04 ?? ?? ?? ??"]
    assert "?? ?? ?? ??" in out.read_text() and "31 32 33 34" not in out.read_text()


def test_a_last_try_waits_for_yes_typed_at_the_terminal(
    vpcd_card: VpcdCard, client_env: dict[str, str], tmp_path: Path
) -> None:
    vpcd_card.card.pins[0x0018].tries_left = 1  # the card's user-authentication PIN: one try left
    arguments = [
        "record",
        "--reader",
        READER,
        "--out",
        str(tmp_path / "r.jsonl"),
        "--conversation",
        "verify-auth",
    ]
    typed = {"PIN (4 digits): ": "1234", "Type YES": "no"}
    code, screen = on_a_terminal([*arguments, "--spend-pin-tries"], client_env, typed)
    assert code == 4 and "last-try-not-confirmed" in screen
    assert verifies_with_a_pin(vpcd_card) == [] and vpcd_card.card.pins[0x0018].tries_left == 1
    typed = {"PIN (4 digits): ": "1234", "Type YES": "YES"}
    code, screen = on_a_terminal([*arguments, "--spend-pin-tries"], client_env, typed)
    assert code == 0, screen
    assert len(verifies_with_a_pin(vpcd_card)) == 1 and vpcd_card.card.pins[0x0018].tries_left == 3
