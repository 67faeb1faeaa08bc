"""The recording format (docs/recordings.md): JSON Lines, a header, then APDUs, events and UI steps.

``load_recording`` accepts a file only when every line is well formed and says which line is not
and why otherwise; ``RecordingWriter`` writes one, redacting PIN data as it goes.
"""

from __future__ import annotations

import json
import math
import os
import re
import stat
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

from readers.apdu import redact_hex, to_hex
from readers.errors import RecordingInvalid, RecordingMissing

FORMAT = "jpki-reset/recording"
VERSION = 1
TRANSPORTS = frozenset({"pcsc", "nfc", "emulated"})
EVENTS = frozenset({"card_inserted", "card_removed", "power_on", "power_off", "reader_lost"})
REDACTIONS = ["VERIFY data", "CHANGE REFERENCE DATA data", "RESET RETRY COUNTER data"]
_HEX_TOKENS = re.compile(r"^(?:[0-9A-Fa-f]{2}|\?\?)(?: (?:[0-9A-Fa-f]{2}|\?\?))*$")
_PLAIN_HEX = re.compile(r"^[0-9A-Fa-f]{2}(?: [0-9A-Fa-f]{2})*$")


@dataclass
class Header:
    transport: str
    reader: str
    atr: str
    card: str
    recorded_at: str
    title: str = ""
    description: str = ""
    redactions: list[str] = field(default_factory=lambda: list(REDACTIONS))
    extended_length: bool = False  # whether the link carried extended APDUs
    conversation: str | None = None  # the named conversation that made it (readers.conversations)
    outcome: list[str] | None = None  # what that conversation reported
    format: str = FORMAT
    version: int = VERSION

    def to_json(self) -> dict[str, Any]:
        return {"type": "header", **{k: v for k, v in asdict(self).items() if v is not None}}


@dataclass(frozen=True)
class ApduLine:
    line: int
    c: str
    r: str
    ms: int | None = None
    note: str = ""


@dataclass(frozen=True)
class EventLine:
    line: int
    event: str


@dataclass(frozen=True)
class UiLine:
    line: int
    keys: tuple[str, ...]
    pause_ms: int
    say: str = ""


Entry = ApduLine | EventLine | UiLine


@dataclass
class Recording:
    path: str
    header: Header
    entries: list[Entry]

    @property
    def name(self) -> str:
        return Path(self.path).stem

    @property
    def ui_steps(self) -> list[UiLine]:
        return [e for e in self.entries if isinstance(e, UiLine)]


MAX_FILE_BYTES = 32 * 1024 * 1024  # far above any session (a demo is ~100 KB)
MAX_LINE_BYTES = 1024 * 1024  # one extended APDU in hex is ~200 KB
MAX_MILLISECONDS = 10 * 60 * 1000  # an APDU or a demo pause longer than this is not a recording


def load_recording(path: str | Path) -> Recording:
    """Read and check a recording; a bad file raises RecordingInvalid naming line and reason.

    Whatever the file holds (any bytes, a device, a pipe), the answer is a ``Recording`` or that
    one error: lines are read one at a time up to ``MAX_LINE_BYTES`` each and ``MAX_FILE_BYTES``
    in all, and every value is checked for its type and range.
    """
    name = str(path)
    try:
        kind = os.stat(path).st_mode
        if stat.S_ISFIFO(kind) or stat.S_ISSOCK(kind) or stat.S_ISDIR(kind):
            raise RecordingInvalid(name, None, "not a file")  # reading would wait, or cannot be done
        with open(path, "rb") as stream:
            texts = _read_lines(stream, name)
    except FileNotFoundError:
        raise RecordingMissing(name) from None
    except OSError as error:
        raise RecordingInvalid(name, None, f"cannot be read ({error.__class__.__name__})") from None
    return _parse_lines(texts, name)


def _read_lines(stream: IO[bytes], name: str) -> list[str]:
    texts: list[str] = []
    total = 0
    while raw := stream.readline(MAX_LINE_BYTES + 1):
        number = len(texts) + 1
        if len(raw.rstrip(b"\n")) > MAX_LINE_BYTES:
            raise RecordingInvalid(name, number, f"the line is longer than {MAX_LINE_BYTES // 2**20} MiB")
        total += len(raw)
        if total > MAX_FILE_BYTES:
            raise RecordingInvalid(name, number, f"the file is longer than {MAX_FILE_BYTES // 2**20} MiB")
        try:
            texts.append(raw.decode("utf-8"))
        except UnicodeDecodeError:
            raise RecordingInvalid(name, number, "not UTF-8 text") from None
    return texts


def parse_recording(text: str, name: str = "<recording>") -> Recording:
    return _parse_lines(text.split("\n"), name)


def _refuse_constant(constant: str) -> object:
    raise ValueError(f"{constant} is not a JSON number")


def _parse_lines(lines: list[str], name: str) -> Recording:
    header: Header | None = None
    entries: list[Entry] = []
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw, parse_constant=_refuse_constant)
        except json.JSONDecodeError as error:
            raise RecordingInvalid(name, number, f"not JSON ({error.msg})") from None
        except ValueError as error:  # NaN / Infinity, or an integer of thousands of digits
            raise RecordingInvalid(name, number, f"not JSON ({_first_line(error)})") from None
        except RecursionError:
            raise RecordingInvalid(name, number, "not JSON (nested too deeply)") from None
        if not isinstance(obj, dict):
            raise RecordingInvalid(name, number, "each line must be a JSON object")
        kind = obj.get("type")
        if header is None:
            if kind != "header":
                raise RecordingInvalid(name, number, "the first line must be the header")
            header = _header(obj, name, number)
            continue
        entries.append(_entry(kind, obj, name, number))
    if header is None:
        raise RecordingInvalid(name, 1, "the file is empty")
    return Recording(name, header, entries)


def _first_line(error: Exception) -> str:
    return str(error).splitlines()[0][:80] if str(error) else error.__class__.__name__


def _show(value: object) -> str:
    """A value from the file, short and on one line, for an error message."""
    try:
        text = json.dumps(value, ensure_ascii=True)
    except (ValueError, TypeError, RecursionError):
        text = value.__class__.__name__
    return text if len(text) <= 40 else text[:37] + "..."


def _need(obj: dict[str, Any], key: str, kind: type, name: str, line: int) -> Any:
    value = obj.get(key)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise RecordingInvalid(name, line, f'"{key}" must be a {kind.__name__}')
    return value


def _text(obj: dict[str, Any], key: str, name: str, line: int) -> str:
    """An optional text field: absent is empty; present, it must be a string."""
    value = obj.get(key, "")
    if not isinstance(value, str):
        raise RecordingInvalid(name, line, f'"{key}" must be a string')
    return value


def _milliseconds(obj: dict[str, Any], key: str, name: str, line: int, default: int | None) -> int | None:
    value = obj.get(key, default)
    if value is None:
        return None
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or (isinstance(value, float) and not math.isfinite(value))  # a huge int is fine to compare
        or not 0 <= value <= MAX_MILLISECONDS
    ):
        raise RecordingInvalid(
            name, line, f'"{key}" must be a number of milliseconds (0 to {MAX_MILLISECONDS})'
        )
    return int(value)


def _header(obj: dict[str, Any], name: str, line: int) -> Header:
    if obj.get("format") != FORMAT:
        raise RecordingInvalid(name, line, f'the header\'s "format" must be "{FORMAT}"')
    version = obj.get("version")
    if isinstance(version, bool) or version != VERSION:
        raise RecordingInvalid(name, line, f"version {_show(version)} is not supported (1 is)")
    transport = _need(obj, "transport", str, name, line)
    if transport not in TRANSPORTS:
        raise RecordingInvalid(name, line, f'"transport" must be one of {sorted(TRANSPORTS)}')
    atr = _need(obj, "atr", str, name, line)
    if atr and not _PLAIN_HEX.match(atr):
        raise RecordingInvalid(name, line, '"atr" must be spaced hex bytes')
    outcome = obj.get("outcome")
    if outcome is not None and not (isinstance(outcome, list) and all(isinstance(x, str) for x in outcome)):
        raise RecordingInvalid(name, line, '"outcome" must be a list of strings')
    redactions = obj.get("redactions", [])
    if not (isinstance(redactions, list) and all(isinstance(x, str) for x in redactions)):
        raise RecordingInvalid(name, line, '"redactions" must be a list of strings')
    extended = obj.get("extended_length", False)
    if not isinstance(extended, bool):
        raise RecordingInvalid(name, line, '"extended_length" must be true or false')
    conversation = obj.get("conversation")
    if conversation is not None and not isinstance(conversation, str):
        raise RecordingInvalid(name, line, '"conversation" must be a string')
    return Header(
        transport=transport,
        reader=_need(obj, "reader", str, name, line),
        atr=atr,
        card=_text(obj, "card", name, line),
        recorded_at=_text(obj, "recorded_at", name, line),
        title=_text(obj, "title", name, line),
        description=_text(obj, "description", name, line),
        redactions=list(redactions),
        extended_length=extended,
        conversation=conversation,
        outcome=outcome,
    )


def _entry(kind: object, obj: dict[str, Any], name: str, line: int) -> Entry:
    if kind == "apdu":
        c = _need(obj, "c", str, name, line).strip()
        r = _need(obj, "r", str, name, line).strip()
        if not _HEX_TOKENS.match(c) or len(c.split()) < 4:
            raise RecordingInvalid(name, line, '"c" must be at least 4 spaced hex bytes (?? allowed)')
        if not _PLAIN_HEX.match(r) or len(r.split()) < 2:
            raise RecordingInvalid(name, line, '"r" must be at least 2 spaced hex bytes')
        ms = _milliseconds(obj, "ms", name, line, None)
        return ApduLine(line, c.upper(), r.upper(), ms, _text(obj, "note", name, line))
    if kind == "event":
        event = _need(obj, "event", str, name, line)
        if event not in EVENTS:
            raise RecordingInvalid(name, line, f"unknown event {_show(event)}")
        return EventLine(line, event)
    if kind == "ui":
        keys = obj.get("keys")
        if not isinstance(keys, list) or not all(isinstance(k, str) and k for k in keys):
            raise RecordingInvalid(name, line, '"keys" must be a list of key names')
        pause = obj.get("pause_ms", 0)
        if not isinstance(pause, int) or isinstance(pause, bool) or not 0 <= pause <= MAX_MILLISECONDS:
            raise RecordingInvalid(
                name, line, f'"pause_ms" must be a whole number of milliseconds (0 to {MAX_MILLISECONDS})'
            )
        return UiLine(line, tuple(keys), pause, _text(obj, "say", name, line))
    raise RecordingInvalid(name, line, f"unknown line type {_show(kind)}")


class RecordingWriter:
    """Writes a recording line by line (flushed, so a crash keeps what was said so far)."""

    def __init__(self, stream: IO[str], header: Header) -> None:
        self._stream = stream
        self._write(header.to_json())

    def _write(self, obj: dict[str, Any]) -> None:
        self._stream.write(json.dumps(obj, ensure_ascii=False) + "\n")
        self._stream.flush()

    def apdu(self, command: bytes, response: bytes, ms: float, note: str = "") -> None:
        line: dict[str, Any] = {"type": "apdu", "c": redact_hex(command), "r": to_hex(response)}
        line["ms"] = round(ms)
        if note:
            line["note"] = note
        self._write(line)

    def event(self, event: str) -> None:
        assert event in EVENTS
        self._write({"type": "event", "event": event})

    def ui(self, keys: list[str], pause_ms: int, say: str = "") -> None:
        self._write({"type": "ui", "keys": keys, "pause_ms": pause_ms, "say": say})


def command_matches(pattern: str, actual: bytes) -> bool:
    """Whether a recorded command (``??`` = any byte) matches the bytes sent."""
    expected = pattern.split()
    got = to_hex(actual).split()
    return len(expected) == len(got) and all(e in ("??", g) for e, g in zip(expected, got, strict=True))
