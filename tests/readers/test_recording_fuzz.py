"""The loader survives any damage to a real recording: 2,000 mutated files (cut short, bytes
changed, values of the wrong type or absurd size, NaN and Infinity, deep nesting, text that is not
UTF-8) each give a ``Recording`` or the one-line ``recording-invalid`` error with a line number,
and never any other exception."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readers.errors import RecordingInvalid
from readers.recording import Recording, load_recording
from readers.replay import ReplayReader

RECORDINGS = sorted((Path(__file__).resolve().parents[2] / "recordings").glob("*.jsonl"))
SOURCES = [path.read_bytes() for path in RECORDINGS]
WORKDIR = Path(tempfile.mkdtemp(prefix="jpki-reset-fuzz-"))

# Values that break a field's type or range, written as JSON text (some are not valid JSON).
ODD_VALUES = [
    "NaN",
    "Infinity",
    "-Infinity",
    "1e999",
    "-1",
    "1" + "0" * 400,
    "9" * 5000,
    "null",
    "true",
    "[]",
    "{}",
    '"\\n"',
    '"\\u0000"',
    '"\\ud800"',
    '"' + "F" * 300 + '"',
    "[" * 3000 + "]" * 3000,
    '{"a":' * 3000 + "1" + "}" * 3000,
    "0.5",
    '"00 A4"',
    '"?? ?? ?? ??"',
]


def replace_value(line: bytes, key_index: int, odd: str) -> bytes:
    """The line with the value of one of its keys replaced by ``odd`` (as raw JSON text)."""
    try:
        obj = json.loads(line)
    except (ValueError, RecursionError):  # damaged already by an earlier mutation
        return line
    if not isinstance(obj, dict) or not obj:
        return line
    keys = list(obj)
    key = keys[key_index % len(keys)]
    marker = "\x00MARK\x00"
    obj[key] = marker
    return json.dumps(obj).replace(json.dumps(marker), odd).encode()


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = draw(st.sampled_from(SOURCES))
    lines = data.split(b"\n")
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["cut", "byte", "insert", "value", "drop", "repeat", "swap", "bytes"]))
        at = draw(st.integers(0, max(0, len(lines) - 1)))
        if kind == "cut":
            whole = b"\n".join(lines)
            lines = whole[: draw(st.integers(0, len(whole)))].split(b"\n")
        elif kind == "byte" and lines[at]:
            i = draw(st.integers(0, len(lines[at]) - 1))
            lines[at] = lines[at][:i] + bytes((draw(st.integers(0, 255)),)) + lines[at][i + 1 :]
        elif kind == "insert":
            lines[at] = lines[at] + draw(st.binary(min_size=1, max_size=8))
        elif kind == "value":
            lines[at] = replace_value(lines[at], draw(st.integers(0, 20)), draw(st.sampled_from(ODD_VALUES)))
        elif kind == "drop" and len(lines) > 1:
            del lines[at]
        elif kind == "repeat":
            lines.insert(at, lines[at])
        elif kind == "swap" and len(lines) > 1:
            other = draw(st.integers(0, len(lines) - 1))
            lines[at], lines[other] = lines[other], lines[at]
        elif kind == "bytes":
            lines[at] = draw(st.binary(max_size=64))
    return b"\n".join(lines)


@settings(
    max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(mutated())
def test_a_damaged_recording_is_a_recording_or_one_line_recording_invalid(data: bytes) -> None:
    path = WORKDIR / "damaged.jsonl"
    path.write_bytes(data)
    try:
        recording = load_recording(path)
    except RecordingInvalid as error:
        message = f"jpki-reset: {error.code}: {error.message}"
        assert "\n" not in message and len(message) < 300
        assert error.line is not None and 1 <= error.line <= data.count(b"\n") + 1
        assert error.message.startswith(f"{path}:{error.line}: ")
        return
    assert isinstance(recording, Recording)
    ReplayReader(recording)  # what a replay does with it next
