"""A PIN never reaches a log, a recording or an exception message."""

import logging
from pathlib import Path

import pytest

from readers.conversations import CONVERSATIONS, Stage, record
from readers.emulated import EmulatedReader
from readers.errors import JpkiResetError, ReplayMismatch
from readers.jpki import JpkiSession, PinKind
from readers.pin import Pin
from readers.replay import ReplayReader
from readers.training_card.issuer import TrainingIssuer
from readers.training_card.profiles import AUTH_PIN, JUKI_PIN, KENMEN_PIN, SIGN_PIN
from readers.training_card.reset_protocol import TrainingResetAuthority

ROOT = Path(__file__).resolve().parents[2]
MARKER_AUTH = "8642"
MARKER_SIGN = "MARKER97531"
MARKER_NEW = "NEWMARK2468"
EVERY_TEST_PIN = {AUTH_PIN, SIGN_PIN, JUKI_PIN, KENMEN_PIN, MARKER_AUTH, MARKER_SIGN, MARKER_NEW, "9999"}


def forms(pin: str) -> list[str]:
    """How a PIN could show up: as typed, and as the hex bytes of an APDU."""
    raw = pin.encode()
    return [pin, raw.hex(" ").upper(), raw.hex().upper(), raw.hex()]


def assert_clean(text: str, pins: set[str] = EVERY_TEST_PIN) -> None:
    for pin in pins:
        for form in forms(pin):
            assert form not in text, f"PIN material {form!r} leaked"


def test_no_committed_recording_holds_a_pin() -> None:
    files = sorted((ROOT / "recordings").glob("*.jsonl"))
    assert files
    for path in files:
        # Hex forms only: a 4-digit PIN could appear by chance as digits in a timestamp.
        text = path.read_text()
        for pin in EVERY_TEST_PIN:
            assert pin.encode().hex(" ").upper() not in text, f"{path.name} holds PIN bytes"
        assert MARKER_SIGN not in text and MARKER_NEW not in text


async def test_marker_pins_stay_out_of_logs_exceptions_and_recordings(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    messages: list[str] = []
    stage = Stage(
        auth_pin=Pin(MARKER_AUTH),
        sign_pin=Pin(MARKER_SIGN),
        wrong_pin=Pin(MARKER_AUTH),
        new_pin=Pin(MARKER_NEW),
        issuer_commands=TrainingIssuer,
        reset_authority=TrainingResetAuthority(),
    )
    for name in CONVERSATIONS:
        out = tmp_path / f"{name}.jsonl"
        try:
            await record(EmulatedReader("adult"), name, out, stage)
        except JpkiResetError as error:
            messages.append(f"{error!s} {error!r} {error.args}")
        if out.exists():
            assert_clean(out.read_text(), {MARKER_AUTH, MARKER_SIGN, MARKER_NEW})
    # Wrong PINs, blocked PINs, a wrong last try: every error message the client makes.
    reader = EmulatedReader("one-try-left")
    await reader.connect()
    card = JpkiSession.on(reader)
    for kind, pin, confirm in [
        (PinKind.AUTH, MARKER_AUTH, False),
        (PinKind.AUTH, MARKER_AUTH, True),
        (PinKind.AUTH, MARKER_AUTH, True),
        (PinKind.SIGN, MARKER_SIGN, False),
    ]:
        try:
            await card.verify(kind, Pin(pin), confirm_last_try=confirm)
        except JpkiResetError as error:
            messages.append(f"{error!s} {error!r} {error.args}")
    try:
        Pin(MARKER_SIGN + "?")
    except JpkiResetError as error:
        messages.append(f"{error!s} {error!r}")
    assert len(messages) >= 4
    assert_clean("\n".join(messages), {MARKER_AUTH, MARKER_SIGN, MARKER_NEW})
    assert "VERIFY" in caplog.text  # the log is on, and shows commands ...
    assert_clean(caplog.text, {MARKER_AUTH, MARKER_SIGN, MARKER_NEW})  # ... never their PINs


async def test_a_replay_mismatch_never_echoes_the_pin_sent() -> None:
    reader = ReplayReader(ROOT / "recordings" / "verify-auth-ok.jsonl")
    await reader.connect()
    # The recording verifies a 4-digit PIN; an 11-character one differs at the VERIFY itself.
    with pytest.raises(ReplayMismatch) as raised:
        await JpkiSession.on(reader).verify(PinKind.AUTH, Pin(MARKER_SIGN))
    assert raised.value.actual.startswith("00 20 00 80 0B ??")
    assert_clean(str(raised.value), {MARKER_SIGN})


def test_a_pin_object_does_not_print() -> None:
    pin = Pin(MARKER_SIGN)
    assert MARKER_SIGN not in f"{pin} {pin!r} {[pin]} {pin:>20}"
