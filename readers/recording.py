"""The recording format (docs/recordings.md): JSON Lines, a header, then APDUs, events and UI steps.

``load_recording`` accepts a file only when every line is well formed and says which line is not
and why otherwise; ``RecordingWriter`` writes one, redacting PIN data as it goes.
"""

from __future__ import annotations

import json
import math
import re
import stat
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

from readers.apdu import redact_hex, to_hex
from readers.errors import RecordingInvalid

FORMAT = "jpki-reset/recording"
VERSION = 1
MAX_RECORDING_BYTES = 64 * 2**20  # far above any session; a bound on what a bad path makes us read
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


def load_recording(path: str | Path) -> Recording:
    """Read and check a recording; a bad file raises RecordingInvalid naming line and reason."""
    name = str(path)
    try:
        found = Path(path).stat()
        if not stat.S_ISREG(found.st_mode):  # a device or a pipe would be read without end
            raise RecordingInvalid(name, None, "not a regular file")
        if found.st_size > MAX_RECORDING_BYTES:
            raise RecordingInvalid(name, None, f"larger than {MAX_RECORDING_BYTES // 2**20} MiB")
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RecordingInvalid(name, None, "no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise RecordingInvalid(name, None, f"cannot be read ({error.__class__.__name__})") from None
    return parse_recording(text, name)


def parse_recording(text: str, name: str = "<recording>") -> Recording:
    header: Header | None = None
    entries: list[Entry] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as error:
            raise RecordingInvalid(name, number, f"not JSON ({error.msg})") from None
        except (ValueError, RecursionError):  # an integer of thousands of digits, nesting too deep
            raise RecordingInvalid(name, number, "not JSON a recording can hold") from None
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
        raise RecordingInvalid(name, None, "the file is empty")
    return Recording(name, header, entries)


def _need(obj: dict[str, Any], key: str, kind: type, name: str, line: int) -> Any:
    value = obj.get(key)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise RecordingInvalid(name, line, f'"{key}" must be a {kind.__name__}')
    return value


def _header(obj: dict[str, Any], name: str, line: int) -> Header:
    if obj.get("format") != FORMAT:
        raise RecordingInvalid(name, line, f'the header\'s "format" must be "{FORMAT}"')
    if obj.get("version") != VERSION:
        raise RecordingInvalid(name, line, f"version {obj.get('version')!r} is not supported (1 is)")
    transport = _need(obj, "transport", str, name, line)
    if transport not in TRANSPORTS:
        raise RecordingInvalid(name, line, f'"transport" must be one of {sorted(TRANSPORTS)}')
    atr = _need(obj, "atr", str, name, line)
    if atr and not _PLAIN_HEX.match(atr):
        raise RecordingInvalid(name, line, '"atr" must be spaced hex bytes')
    outcome = obj.get("outcome")
    if outcome is not None and not (isinstance(outcome, list) and all(isinstance(x, str) for x in outcome)):
        raise RecordingInvalid(name, line, '"outcome" must be a list of strings')
    return Header(
        transport=transport,
        reader=_need(obj, "reader", str, name, line),
        atr=atr,
        card=str(obj.get("card", "")),
        recorded_at=str(obj.get("recorded_at", "")),
        title=str(obj.get("title", "")),
        description=str(obj.get("description", "")),
        redactions=[str(x) for x in obj.get("redactions", [])]
        if isinstance(obj.get("redactions"), list)
        else [],
        extended_length=bool(obj.get("extended_length", False)),
        conversation=obj.get("conversation") if isinstance(obj.get("conversation"), str) else None,
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
        ms = obj.get("ms")
        if ms is not None and (
            not isinstance(ms, int | float) or isinstance(ms, bool) or not math.isfinite(ms) or ms < 0
        ):
            raise RecordingInvalid(name, line, '"ms" must be a number of milliseconds')
        return ApduLine(line, c.upper(), r.upper(), None if ms is None else int(ms), str(obj.get("note", "")))
    if kind == "event":
        event = _need(obj, "event", str, name, line)
        if event not in EVENTS:
            raise RecordingInvalid(name, line, f'unknown event "{event}"')
        return EventLine(line, event)
    if kind == "ui":
        keys = obj.get("keys")
        if not isinstance(keys, list) or not all(isinstance(k, str) and k for k in keys):
            raise RecordingInvalid(name, line, '"keys" must be a list of key names')
        pause = obj.get("pause_ms", 0)
        if not isinstance(pause, int) or isinstance(pause, bool) or pause < 0:
            raise RecordingInvalid(name, line, '"pause_ms" must be a whole number of milliseconds')
        return UiLine(line, tuple(keys), pause, str(obj.get("say", "")))
    raise RecordingInvalid(name, line, f"unknown line type {kind!r}")


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
