"""Recordings: every committed file replays to the outcome its header states; the loader refuses
malformed files with a line and a reason; replay is strict."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from readers.conversations import CONVERSATIONS, Stage, record
from readers.emulated import EmulatedReader
from readers.errors import (
    CardRemoved,
    NoCard,
    ReaderLost,
    RecordingInvalid,
    ReplayMismatch,
)
from readers.jpki import CertificateKind, JpkiSession, PinKind
from readers.pin import Pin
from readers.recording import load_recording, parse_recording
from readers.replay import ReplayReader
from readers.training_card.issuer import TrainingIssuer
from readers.training_card.reset_protocol import TrainingResetAuthority

RECORDINGS = sorted((Path(__file__).resolve().parents[2] / "recordings").glob("*.jsonl"))
CONVERSATION_RECORDINGS = [p for p in RECORDINGS if load_recording(p).header.conversation]


def test_the_recordings_directory_has_the_required_sessions() -> None:
    names = {p.stem for p in RECORDINGS}
    assert {
        "card-check-adult",
        "verify-auth-ok",
        "wrong-pin-to-blocked",
        "sign-cert-before-verify",
        "cert-read-removed",
        "card-check-under-15",
        "card-check-face-auth",
    } <= names


@pytest.mark.parametrize("path", CONVERSATION_RECORDINGS, ids=lambda p: p.stem)
async def test_each_recording_replays_to_its_recorded_outcome(path: Path) -> None:
    recording = load_recording(path)
    reader = ReplayReader(recording)
    # The PINs typed on replay are not the recorded ones: PIN bytes are redacted and match anything.
    stage = Stage(
        auth_pin=Pin("0000"),
        sign_pin=Pin("ZZZZ0000"),
        wrong_pin=Pin("0000"),
        new_pin=Pin("ZZZZ000"),
        issuer_commands=TrainingIssuer,
        reset_authority=TrainingResetAuthority(),
    )
    outcome = await CONVERSATIONS[recording.header.conversation](reader, stage)
    assert outcome == recording.header.outcome
    assert reader.finished


def test_the_wrong_pin_recording_shows_the_countdown_to_blocked() -> None:
    answers = [
        e.r
        for e in load_recording(Path(RECORDINGS[0]).parent / "wrong-pin-to-blocked.jsonl").entries
        if getattr(e, "c", "").startswith("00 20 00 80 04")
    ]
    assert answers == ["63 C2", "63 C1", "63 C0", "69 84"]


async def test_a_replayed_session_can_be_played_again() -> None:
    reader = ReplayReader(Path(RECORDINGS[0]).parent / "verify-auth-ok.jsonl")
    for _ in range(2):
        assert await CONVERSATIONS["verify-auth"](reader, Stage()) == ["auth tries: 3", "verify auth: ok"]


async def test_a_different_command_names_the_file_line_and_both_commands() -> None:
    path = Path(RECORDINGS[0]).parent / "card-check-adult.jsonl"
    reader = ReplayReader(path)
    await reader.connect()
    card = JpkiSession.on(reader)
    with pytest.raises(ReplayMismatch) as raised:
        await card.read_certificate(CertificateKind.AUTH)  # the recording selects EF 0006 first
    error = raised.value
    assert error.recording == str(path) and error.line == 4
    assert error.expected.startswith("00 A4 02 0C 02 00 06") and error.actual == "00 A4 02 0C 02 00 0A"
    assert "card-check-adult.jsonl:4" in str(error)


async def test_a_mismatching_pin_command_is_reported_without_the_pin() -> None:
    reader = ReplayReader(Path(RECORDINGS[0]).parent / "verify-auth-ok.jsonl")
    await reader.connect()
    card = JpkiSession.on(reader)
    with pytest.raises(ReplayMismatch) as raised:
        await card.verify(PinKind.SIGN, Pin("SECRET864"))  # the recording verifies the auth PIN
    assert "SECRET864" not in str(raised.value) and "53 45 43" not in str(raised.value)


async def test_recorded_card_removal_and_reader_loss_raise_the_live_errors() -> None:
    header = json.dumps(
        {
            "type": "header",
            "format": "jpki-reset/recording",
            "version": 1,
            "transport": "pcsc",
            "reader": "r",
            "atr": "3B 00",
            "redactions": [],
        }
    )
    lines = [
        header,
        '{"type":"apdu","c":"00 A4 04 0C 01 AA","r":"90 00"}',
        '{"type":"event","event":"card_removed"}',
        '{"type":"event","event":"reader_lost"}',
    ]
    reader = ReplayReader(parse_recording("\n".join(lines), "made-up.jsonl"))
    assert await reader.connect() == bytes.fromhex("3B00")
    assert await reader.transmit(bytes.fromhex("00A4040C01AA")) == b"\x90\x00"
    with pytest.raises(CardRemoved):
        await reader.transmit(bytes.fromhex("00A4040C01AA"))
    with pytest.raises(ReaderLost):
        await reader.connect()


async def test_connect_with_no_card_recorded() -> None:
    text = (
        '{"type":"header","format":"jpki-reset/recording","version":1,"transport":"nfc",'
        '"reader":"r","atr":"","redactions":[]}\n{"type":"event","event":"card_removed"}\n'
        '{"type":"apdu","c":"00 A4 04 0C 01 AA","r":"90 00"}'
    )
    with pytest.raises(NoCard):
        await ReplayReader(parse_recording(text)).connect()


GOOD_HEADER = (
    '{"type":"header","format":"jpki-reset/recording","version":1,"transport":"emulated",'
    '"reader":"r","atr":"3B 00","redactions":[]}'
)


# One malformed file a row, alike in shape: the line the loader names and the reason it gives.
@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("", 1, "empty"),
        ("not json", 1, "not JSON"),
        ('{"type":"apdu","c":"00 A4 00 00","r":"90 00"}', 1, "first line must be the header"),
        ('{"type":"header","format":"other","version":1}', 1, '"format"'),
        (GOOD_HEADER.replace('"version":1', '"version":7'), 1, "version 7"),
        (GOOD_HEADER.replace("emulated", "bluetooth"), 1, '"transport"'),
        (GOOD_HEADER + '\n{"type":"apdu","c":"00 A4","r":"90 00"}', 2, '"c"'),
        (GOOD_HEADER + '\n{"type":"apdu","c":"00 A4 00 00","r":"9"}', 2, '"r"'),
        (GOOD_HEADER + '\n{"type":"apdu","c":"00 A4 00 0G","r":"90 00"}', 2, '"c"'),
        (GOOD_HEADER + '\n\n{"type":"event","event":"explode"}', 3, "unknown event"),
        (GOOD_HEADER + '\n{"type":"ui","keys":"enter"}', 2, '"keys"'),
        (GOOD_HEADER + '\n{"type":"ui","keys":["enter"],"pause_ms":-1}', 2, '"pause_ms"'),
        (GOOD_HEADER + '\n{"type":"mystery"}', 2, "unknown line type"),
        (GOOD_HEADER + "\n[1, 2]", 2, "JSON object"),
        (GOOD_HEADER + '\n{"type":"apdu","c":"00 A4 00 00","r":"90 00","ms":"slow"}', 2, '"ms"'),
        (GOOD_HEADER + '\n{"type":"apdu","c":"00 A4 00 00","r":"90 00","ms":NaN}', 2, "NaN"),
        (GOOD_HEADER + '\n{"type":"apdu","c":"00 A4 00 00","r":"90 00","ms":-Infinity}', 2, "Infinity"),
        (GOOD_HEADER + '\n{"type":"apdu","c":"00 A4 00 00","r":"90 00","ms":1e999}', 2, '"ms"'),
        (
            GOOD_HEADER + '\n{"type":"apdu","c":"00 A4 00 00","r":"90 00","ms":' + "9" * 5000 + "}",
            2,
            "not JSON",
        ),
        (GOOD_HEADER + '\n{"type":"ui","keys":["a"],"pause_ms":' + "9" * 40 + "}", 2, '"pause_ms"'),
        (GOOD_HEADER + "\n" + "[" * 100_000 + "]" * 100_000, 2, "nested too deeply"),
        (GOOD_HEADER.replace('"redactions":[]', '"redactions":{"a":1}'), 1, '"redactions"'),
        (GOOD_HEADER.replace('"version":1', '"version":true'), 1, "version true"),
        (GOOD_HEADER + '\n{"type":"apdu","c":"00 A4 00 00","r":"90 00","note":[1]}', 2, '"note"'),
        (GOOD_HEADER + '\n{"type":"event","event":"a\\nb"}', 2, "unknown event"),
        (GOOD_HEADER + '\n{"type":{"deep":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15]}}', 2, "unknown line type"),
    ],
)
def test_a_malformed_recording_is_refused_with_line_and_reason(
    text: str, line: int | None, reason: str
) -> None:
    with pytest.raises(RecordingInvalid) as raised:
        parse_recording(text, "bad.jsonl")
    assert raised.value.line == line
    assert reason in raised.value.reason
    assert str(raised.value).startswith(f"bad.jsonl:{line}: ")
    assert "\n" not in str(raised.value) and len(str(raised.value)) < 200


def test_a_missing_binary_or_device_file_is_a_typed_error(tmp_path: Path) -> None:
    with pytest.raises(RecordingInvalid, match="no such file"):
        load_recording(tmp_path / "absent.jsonl")
    (tmp_path / "binary.jsonl").write_bytes(GOOD_HEADER.encode() + b"\n\xff\xfe\x00")
    with pytest.raises(RecordingInvalid, match=r"binary.jsonl:2: not UTF-8"):
        load_recording(tmp_path / "binary.jsonl")
    with pytest.raises(RecordingInvalid, match=r"/dev/zero:1: the line is longer than 1 MiB"):
        load_recording("/dev/zero")
    with pytest.raises(RecordingInvalid, match=r"/dev/null:1: the file is empty"):
        load_recording("/dev/null")
    os.mkfifo(tmp_path / "pipe")
    with pytest.raises(RecordingInvalid, match="not a file"):
        load_recording(tmp_path / "pipe")


def test_replay_of_a_device_file_ends_cleanly() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tui.cli", "status", "--reader", "replay:/dev/zero"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 2
    assert done.stderr == "jpki-reset: recording-invalid: /dev/zero:1: the line is longer than 1 MiB\n"


async def test_a_recording_made_from_a_replay_loads_and_replays_like_its_source(tmp_path: Path) -> None:
    source = Path(RECORDINGS[0]).parent / "step1-sign-reset.jsonl"
    copy = tmp_path / "copy.jsonl"
    outcome = await record(ReplayReader(source), "step1-sign-reset", copy, Stage())
    again = load_recording(copy)
    assert again.header.transport == load_recording(source).header.transport == "emulated"
    assert await CONVERSATIONS["step1-sign-reset"](ReplayReader(again), Stage()) == outcome


async def test_the_recorder_redacts_pins_and_notes_what_happened(tmp_path: Path) -> None:
    out = tmp_path / "session.jsonl"
    reader = EmulatedReader("adult")
    reader.remove_after(7)
    stage = Stage(auth_pin=Pin("1234"))
    with pytest.raises(CardRemoved):
        await record(reader, "step1-sign-reset", out, stage, card="training: adult")
    recording = load_recording(out)
    lines = out.read_text().splitlines()
    assert any('"event": "card_removed"' in line for line in lines)
    verify = [e for e in recording.entries if getattr(e, "note", "") == "VERIFY"]
    assert verify and all(e.c == "00 20 00 80 04 ?? ?? ?? ??" for e in verify)
    assert "31 32 33 34" not in out.read_text()


def test_the_writer_output_is_what_the_loader_reads() -> None:
    from readers.recording import Header, RecordingWriter

    stream = io.StringIO()
    writer = RecordingWriter(stream, Header("emulated", "r", "3B 00", "c", "now"))
    writer.apdu(bytes.fromhex("0020008004") + b"8642", b"\x63\xc2", 1.4, "VERIFY")
    writer.event("card_removed")
    writer.ui(["enter"], 800, "Staff presses Enter")
    recording = parse_recording(stream.getvalue())
    assert [type(e).__name__ for e in recording.entries] == ["ApduLine", "EventLine", "UiLine"]
    assert recording.entries[0].c == "00 20 00 80 04 ?? ?? ?? ??"
    assert recording.ui_steps[0].keys == ("enter",)


async def test_demo_steps_before_the_first_connect_are_kept_in_order() -> None:
    from readers.recorder import RecordingReader

    stream = io.StringIO()
    tap = RecordingReader(EmulatedReader("adult"), stream)
    tap.ui(["down"], 300, "Staff picks the training card")
    tap.ui(["enter"], 500)
    await tap.connect()
    await tap.disconnect()
    recording = parse_recording(stream.getvalue())
    kinds = [type(e).__name__ for e in recording.entries]
    assert kinds == ["UiLine", "UiLine", "EventLine", "EventLine"]
    assert recording.ui_steps[0].say == "Staff picks the training card"
