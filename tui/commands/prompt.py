"""PINs asked at the terminal, never taken from the command line."""

from __future__ import annotations

import sys
from collections.abc import Callable

from readers.pin import Pin, PinKind


def ask_pin(prompt: str) -> Pin:
    """Read a PIN without echo (from a pipe when there is no terminal)."""
    import getpass

    text = getpass.getpass(prompt) if sys.stdin.isatty() else sys.stdin.readline().strip()
    return Pin(text.upper())


def last_try_prompt() -> Callable[[PinKind], bool] | None:
    """How to ask a person to confirm a PIN's last try: on the terminal, where there is one.
    None without a terminal: nothing scripted may ever confirm a last try."""
    if not (sys.stdin.isatty() and sys.stderr.isatty()):
        return None

    def confirm(kind: PinKind) -> bool:
        print(
            f"The {kind.label} has ONE try left. If it is wrong, the {kind.label} is blocked and only "
            "the municipal window can reset it.",
            file=sys.stderr,
        )
        # On stderr: stdout carries the report (JSON with --json).
        print(
            "Type YES to use the last try (anything else: do not send it): ",
            end="",
            file=sys.stderr,
            flush=True,
        )
        return sys.stdin.readline().strip() == "YES"

    return confirm
