"""Errors as the screen explains them: catalog keys chosen by the error's stable ``code``.

Status words never reach the screen: the reader layer already turned them into typed errors,
and here each code gets a title, a plain explanation and the next thing to do.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from readers.errors import JpkiResetError, RecordingMissing, ReplayMismatch, WrongPin
from tui import i18n


@dataclass(frozen=True)
class Explanation:
    title: str
    text: str
    action: str
    values: dict[str, object] = field(default_factory=dict)


def explain(error: BaseException, *, action: str | None = None) -> Explanation:
    """The catalog entries that explain ``error``; ``action`` overrides the suggested next step."""
    code = getattr(error, "code", "error")
    values: dict[str, object] = {}
    if isinstance(error, WrongPin):
        values["tries"] = error.tries_left
    if isinstance(error, ReplayMismatch):
        values.update(line=error.line, expected=_command_name(error.expected))
        values["actual"] = _command_name(error.actual)
    if isinstance(error, RecordingMissing):
        code = "recording-missing"  # the file is not there: not a matter of its format
    base = f"error.{code}" if i18n.has("en", f"error.{code}.title") else "error.unknown"
    if base == "error.unknown" and isinstance(error, JpkiResetError):
        values["code"] = code
    elif base == "error.unknown":
        values["code"] = type(error).__name__
    return Explanation(f"{base}.title", f"{base}.text", action or f"{base}.action", values)


def _command_name(pattern: str) -> str:
    """A recorded or sent command by its name (redacted bytes read as zero for naming only)."""
    from readers.apdu import from_hex
    from readers.jpki_applet import describe

    try:
        return describe(from_hex(pattern.replace("??", "00")))
    except ValueError:
        return pattern
