"""What PC/SC and nfcpy failures become: typed errors with words a person can act on."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import nfc.clf
import nfc.tag
import pytest
from nfc.tag.tt4 import Type4TagCommandError
from smartcard import scard

from readers.bridges.emulate import parse_address
from readers.errors import (
    CardRemoved,
    NoNfcDevice,
    NoReader,
    PcscServiceNotRunning,
    ReaderAccessDenied,
    ReaderBusy,
    ReaderLost,
    ReaderSpecInvalid,
    TransportError,
)
from readers.nfc import NfcReader, exchange_error, open_error
from readers.pcsc import choose_reader, error_for

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("hresult", "kind"),
    [
        (scard.SCARD_E_NO_SERVICE, PcscServiceNotRunning),
        (scard.SCARD_E_SERVICE_STOPPED, PcscServiceNotRunning),
        (scard.SCARD_F_COMM_ERROR, PcscServiceNotRunning),
        (scard.SCARD_E_NO_READERS_AVAILABLE, NoReader),
        (scard.SCARD_E_READER_UNAVAILABLE, ReaderLost),
        (scard.SCARD_E_UNKNOWN_READER, ReaderLost),
        (scard.SCARD_W_REMOVED_CARD, CardRemoved),
        (scard.SCARD_E_NO_SMARTCARD, CardRemoved),
        (scard.SCARD_E_SHARING_VIOLATION, ReaderBusy),
        (scard.SCARD_W_RESET_CARD, TransportError),
        (scard.SCARD_E_INSUFFICIENT_BUFFER, TransportError),
    ],
)
def test_pcsc_failures_become_typed_errors(hresult: int, kind: type) -> None:
    error = error_for(hresult, "sending a command")
    assert type(error) is kind


def test_an_unexpected_pcsc_failure_names_its_code() -> None:
    assert "0x80100008" in str(error_for(scard.SCARD_E_INSUFFICIENT_BUFFER, "sending a command"))


NAMES = ["SONY FeliCa RC-S300/P 00 00", "Virtual PCD 00 00", "Virtual PCD 00 01"]


@pytest.mark.parametrize(
    ("wanted", "with_card", "chosen"),
    [
        (None, set(), NAMES[0]),
        (None, {NAMES[2]}, NAMES[2]),
        ("Virtual PCD 00 01", set(), NAMES[2]),
        ("Virtual PCD", {NAMES[2]}, NAMES[2]),
        ("virtual pcd", set(), NAMES[1]),
        ("RC-S300", set(), NAMES[0]),
    ],
)
def test_a_reader_is_chosen_by_its_name_preferring_one_with_a_card(wanted, with_card, chosen) -> None:
    assert choose_reader(NAMES, wanted, with_card) == chosen


def test_a_reader_name_that_fits_none_lists_the_connected_readers() -> None:
    with pytest.raises(NoReader) as raised:
        choose_reader(NAMES, "ACR1252", set())
    assert all(name in str(raised.value) for name in NAMES)
    with pytest.raises(NoReader, match="no PC/SC reader is connected"):
        choose_reader([], None, set())


@pytest.mark.parametrize(
    ("number", "kind", "words"),
    [
        (errno.EACCES, ReaderAccessDenied, "udev rule"),
        (errno.EBUSY, ReaderBusy, "port100"),
        (errno.ENODEV, NoNfcDevice, "the kernel's port100 driver or pcscd may hold it"),
    ],
)
def test_nfc_devices_that_cannot_be_opened(number: int, kind: type, words: str) -> None:
    error = open_error("usb", OSError(number, os.strerror(number)))
    assert type(error) is kind
    assert words in str(error)


@pytest.mark.parametrize(
    ("failure", "kind"),
    [
        (Type4TagCommandError(nfc.tag.TIMEOUT_ERROR), CardRemoved),
        (Type4TagCommandError(nfc.tag.RECEIVE_ERROR), CardRemoved),
        (nfc.clf.TimeoutError("no answer during a time extension"), CardRemoved),
        (nfc.clf.BrokenLinkError("RFOFF"), CardRemoved),
        (Type4TagCommandError(nfc.tag.PROTOCOL_ERROR), TransportError),
        (OSError(errno.ENODEV, "No such device"), ReaderLost),
    ],
)
def test_nfc_exchange_failures(failure: Exception, kind: type) -> None:
    assert type(exchange_error(failure)) is kind


async def test_an_nfc_path_with_no_device_behind_it() -> None:
    with pytest.raises(NoNfcDevice, match="port100"):
        await NfcReader("usb:ffff:fffe").connect()


def jpki_reset(env: dict[str, str], *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", *arguments],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_status_command_says_what_is_missing(tmp_path: Path) -> None:
    env = {**os.environ, "PCSCLITE_CSOCK_NAME": str(tmp_path / "no-pcscd-here.comm")}
    no_nfc = jpki_reset(env, "status", "--reader", "nfc:usb:ffff:fffe")
    assert no_nfc.returncode == 3
    assert no_nfc.stderr.startswith("jpki-reset: no-nfc-device: no NFC device found at usb:ffff:fffe")
    no_pcscd = jpki_reset(env, "status", "--reader", "pcsc")
    assert no_pcscd.returncode == 3
    assert no_pcscd.stderr.startswith("jpki-reset: pcsc-service-not-running:")


@pytest.mark.parametrize(
    ("text", "address"),
    [("127.0.0.1:35963", ("127.0.0.1", 35963)), (":9000", ("127.0.0.1", 9000)), ("host", ("host", 1))],
)
def test_emulator_addresses(text: str, address: tuple[str, int]) -> None:
    assert parse_address(text, 1) == address


@pytest.mark.parametrize("text", ["host:port", "host:70000"])
def test_emulator_addresses_that_make_no_sense(text: str) -> None:
    with pytest.raises(ReaderSpecInvalid):
        parse_address(text, 1)
