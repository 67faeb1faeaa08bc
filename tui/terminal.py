"""The full-screen modes need a terminal on both ends: without one (cron, a pipe, CI) Textual
would draw into the pipe and wait forever for keys that never come."""

from __future__ import annotations

import sys
from typing import TextIO

from readers.errors import JpkiResetError


class NoTerminal(JpkiResetError):
    """Standard input or output is not a terminal, so the screens cannot be shown."""

    code = "no-terminal"


def require_terminal(stdin: TextIO | None = None, stdout: TextIO | None = None) -> None:
    """Refuse to start a full-screen mode unless both standard input and output are a terminal."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    ends = [name for name, stream in (("input", stdin), ("output", stdout)) if not _is_terminal(stream)]
    if ends:
        raise NoTerminal(
            f"standard {' and '.join(ends)} {'are' if len(ends) > 1 else 'is'} not a terminal: "
            "run it in a terminal, "
            "or use `jpki-reset status` for a card check without screens"
        )


def _is_terminal(stream: TextIO | None) -> bool:
    try:
        return stream is not None and stream.isatty()
    except ValueError:  # a closed stream
        return False
