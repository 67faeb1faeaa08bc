"""PcscReader through real pcscd + vpcd + pyscard, with the training card behind the vpcd bridge."""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from readers.bridges.vpcd import VpcdCard
from readers.conversations import CONVERSATIONS, Stage, record
from readers.discovery import discover
from readers.emulated import EmulatedReader
from readers.errors import CardRemoved, NoCard, NoReader
from readers.jpki import CardKind, CertificateKind, JpkiSession, PinKind
from readers.pcsc import PcscReader
from readers.pin import Pin
from readers.reader import CARD_INSERTED, CARD_REMOVED, Reader
from readers.recorder import RecordingReader
from readers.recording import ApduLine, EventLine, load_recording, parse_recording
from readers.spec import open_reader
from readers.training_card.pki import training_pki
from readers.training_card.profiles import AUTH_PIN, get_profile

READER = "Virtual PCD 00 00"
ROOT = Path(__file__).resolve().parents[2]


def _step1_length() -> int:
    async def count() -> int:
        buffer = io.StringIO()
        await CONVERSATIONS["step1-sign-reset"](RecordingReader(EmulatedReader("adult"), buffer), Stage())
        return sum('"type": "apdu"' in line for line in buffer.getvalue().splitlines())

    return asyncio.run(count())


STEP1_APDUS = _step1_length()


def verifies_with_pin(commands: list[str]) -> int:
    return sum(c.startswith("00 20 00 80 ") and len(c.split()) > 4 for c in commands)


async def test_step1_over_pyscard_sends_what_the_in_process_card_gets(
    vpcd_card: VpcdCard, step1_baseline, tmp_path: Path
) -> None:
    out = tmp_path / "step1.jsonl"
    outcome = await record(PcscReader("Virtual PCD"), "step1-sign-reset", out, Stage())
    recording = load_recording(out)
    assert outcome == step1_baseline.outcome
    assert [e.c for e in recording.entries if isinstance(e, ApduLine)] == step1_baseline.commands
    assert recording.header.transport == "pcsc"
    assert recording.header.reader == READER
    assert verifies_with_pin(vpcd_card.commands) == 1
    assert AUTH_PIN.encode().hex(" ").upper() not in out.read_text()


async def test_a_signature_made_through_pcscd_verifies_with_the_cards_certificate(
    vpcd_card: VpcdCard,
) -> None:
    reader = PcscReader(READER)
    await reader.connect()
    try:
        card = JpkiSession.on(reader)
        await card.verify(PinKind.AUTH, Pin(AUTH_PIN))
        der = await card.read_certificate(CertificateKind.AUTH)
        digest = hashlib.sha256(b"a challenge from the reservation service").digest()  # what is signed
        signature = await card.sign(PinKind.AUTH, digest)
    finally:
        await reader.disconnect()
    assert der == training_pki().cards["adult"].auth_certificate
    public_key = x509.load_der_x509_certificate(der).public_key()
    public_key.verify(
        signature, b"a challenge from the reservation service", padding.PKCS1v15(), hashes.SHA256()
    )


async def test_card_lifted_during_the_certificate_read_then_put_back(vpcd_card: VpcdCard, put_back) -> None:
    # SELECT AP, SELECT EF 000A, READ BINARY at 0, then the lift at the READ BINARY at 256.
    vpcd_card.remove_after(3)
    outcome = await CONVERSATIONS["cert-read-removed"](PcscReader(READER), Stage(put_card_back=put_back))
    length = len(training_pki().cards["adult"].auth_certificate)
    assert outcome == ["card-removed", f"after re-insert: {length} bytes"]


@pytest.mark.parametrize("position", range(STEP1_APDUS))
async def test_card_lifted_at_any_command_of_step1_ends_in_card_removed(
    vpcd_card: VpcdCard, position: int
) -> None:
    vpcd_card.remove_after(position)
    buffer = io.StringIO()
    tap = RecordingReader(PcscReader(READER), buffer)
    events: list[str] = []
    tap.add_listener(events.append)
    with pytest.raises(CardRemoved):
        await CONVERSATIONS["step1-sign-reset"](tap, Stage())
    recording = parse_recording(buffer.getvalue())
    sent = [e.c for e in recording.entries if isinstance(e, ApduLine)]
    assert len(sent) == position  # every command before the lift was answered
    assert verifies_with_pin(sent) <= 1
    assert verifies_with_pin(vpcd_card.commands) <= 1
    assert [e.event for e in recording.entries if isinstance(e, EventLine)][-2:] == [
        "card_removed",
        "power_off",
    ]
    assert CARD_REMOVED in events


async def test_no_card_on_the_reader(vpcd_card: VpcdCard) -> None:
    vpcd_card.remove()
    await asyncio.sleep(1)  # pcscd polls vpcd's slot every 400 ms
    with pytest.raises(NoCard):
        await PcscReader(READER).connect()
    with pytest.raises(NoCard):
        await PcscReader(READER, card_timeout=0.3).connect()


async def test_connect_waits_for_the_card_to_be_put_on(vpcd_card: VpcdCard) -> None:
    vpcd_card.remove()
    await asyncio.sleep(1)
    reader = PcscReader(READER, card_timeout=20)
    events: list[str] = []
    reader.add_listener(events.append)
    connecting = asyncio.create_task(reader.connect())
    await asyncio.sleep(0.2)
    assert not connecting.done()
    vpcd_card.insert()
    atr = await asyncio.wait_for(connecting, 20)
    await reader.disconnect()
    assert atr == vpcd_card.card.atr
    assert events == [CARD_INSERTED]


async def test_a_wait_for_a_card_stops_when_cancelled(vpcd_card: VpcdCard) -> None:
    vpcd_card.remove()
    await asyncio.sleep(1)
    reader = PcscReader(READER)
    waiting = asyncio.create_task(reader.wait_for_card(600))
    await asyncio.sleep(0.2)
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    # The reader's thread is free again at once: a short wait now gets its own answer.
    with pytest.raises(NoCard):
        await asyncio.wait_for(reader.wait_for_card(0.1), 10)
    await reader.disconnect()


async def test_watch_reports_the_card_leaving_and_coming_back(vpcd_card: VpcdCard) -> None:
    reader = PcscReader(READER)
    events: list[str] = []
    reader.add_listener(events.append)
    watching = asyncio.create_task(reader.watch())
    await asyncio.sleep(0.3)
    vpcd_card.remove()
    await _until(lambda: CARD_REMOVED in events)
    vpcd_card.insert()
    await _until(lambda: CARD_INSERTED in events)
    watching.cancel()
    with pytest.raises(asyncio.CancelledError):
        await watching
    assert events == [CARD_REMOVED, CARD_INSERTED]


async def _until(condition, timeout: float = 10) -> None:
    async def poll() -> None:
        while not condition():
            await asyncio.sleep(0.05)

    await asyncio.wait_for(poll(), timeout)


async def card_kind(reader: Reader) -> CardKind:
    """What the card on ``reader`` is, in one card session of its own."""
    await reader.connect()
    try:
        return (await JpkiSession.on(reader).detect()).kind
    finally:
        await reader.disconnect()


async def test_an_unknown_reader_name_lists_the_connected_ones(vpcd_card: VpcdCard) -> None:
    with pytest.raises(NoReader) as raised:
        await PcscReader("Sony RC-S300").connect()
    assert READER in str(raised.value)


async def test_discovery_lists_the_virtual_reader_and_its_spec_opens_it(vpcd_card: VpcdCard) -> None:
    choices = {choice.spec: choice for choice in discover()}
    virtual = choices[f"pcsc:{READER}"]
    assert (virtual.kind, virtual.available, virtual.card_present) == ("pcsc", True, True)
    assert await card_kind(open_reader(virtual.spec)) is CardKind.MY_NUMBER_CARD


def test_status_command_reads_the_card_through_pcscd(vpcd_card: VpcdCard, client_env: dict[str, str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tui.cli", "status", "--reader", "pcsc:Virtual PCD", "--json"],
        cwd=ROOT,
        env=client_env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["card"]["kind"] == "my-number-card"
    assert data["pins"]["auth"]["tries_left"] == 3


def test_status_through_pcscd_runs_only_pyscards_scard_layer(
    vpcd_card: VpcdCard, client_env: dict[str, str]
) -> None:
    """pyscard's package body (its sessions, reader objects and observers) never runs: a card
    check needs its ``scard`` calls only."""
    code = (
        "import sys, types\nfrom tui.cli import main\n"
        "assert main(['status', '--reader', 'pcsc:Virtual PCD']) == 0\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'smartcard'"
        " and type(sys.modules[m]) is types.ModuleType))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=client_env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    ran = result.stdout.strip().splitlines()[-1]
    assert ran == "['smartcard.scard', 'smartcard.scard._scard', 'smartcard.scard.scard']"


async def test_a_card_answering_6f00_after_power_up_is_read_after_one_retry(vpcd_card: VpcdCard) -> None:
    reader = PcscReader(READER)
    await reader.connect()
    await reader.disconnect()  # powered off: the next connect powers it up again
    vpcd_card.card.profile = replace(get_profile("adult"), not_ready_after_power_up=True)
    vpcd_card.commands.clear()
    assert await card_kind(reader) is CardKind.MY_NUMBER_CARD
    assert vpcd_card.commands[0].startswith("00 A4 04 0C 0A D3 92 F0")
    assert vpcd_card.commands[1] == vpcd_card.commands[0]  # the first SELECT once more, after 6F 00
