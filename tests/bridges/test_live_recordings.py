"""The recordings captured through real stacks (``recordings/regenerate_live.py``) say how they
were made, and carry exactly the commands the in-process card gets."""

from __future__ import annotations

from pathlib import Path

import pytest

from readers.recording import ApduLine, Recording, load_recording

RECORDINGS = Path(__file__).resolve().parents[2] / "recordings"
LIVE = sorted([*RECORDINGS.glob("pcsc-*.jsonl"), *RECORDINGS.glob("nfc-*.jsonl")])
READERS = {"pcsc": "Virtual PCD 00 00", "nfc": "Linux IP-Stack on udp:"}


def commands(recording: Recording) -> list[str]:
    return [e.c for e in recording.entries if isinstance(e, ApduLine)]


def test_there_are_live_recordings_of_both_transports() -> None:
    assert {path.name.split("-")[0] for path in LIVE} == {"pcsc", "nfc"}


@pytest.mark.parametrize("path", LIVE, ids=lambda p: p.stem)
def test_a_live_recording_says_which_stack_it_came_through(path: Path) -> None:
    header = load_recording(path).header
    transport = path.name.split("-")[0]
    assert header.transport == transport
    assert header.reader.startswith(READERS[transport])
    assert header.conversation is not None and header.outcome


@pytest.mark.parametrize("transport", ["pcsc", "nfc"])
def test_the_transports_add_no_command_to_step1(transport: str) -> None:
    live = load_recording(RECORDINGS / f"{transport}-step1-sign-reset.jsonl")
    in_process = load_recording(RECORDINGS / "step1-sign-reset.jsonl")
    assert commands(live) == commands(in_process)
    assert live.header.outcome == in_process.header.outcome
