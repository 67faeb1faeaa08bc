"""pcscd going away: the typed error, the words discovery and the command line use, and the
vpcd bridge finding pcscd again when it comes back."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from readers.bridges.pcscd import PrivatePcscd
from readers.bridges.vpcd import VpcdCard
from readers.conversations import CONVERSATIONS, Stage
from readers.discovery import discover
from readers.errors import PcscServiceNotRunning
from readers.jpki import JpkiSession
from readers.pcsc import PcscReader
from readers.reader import READER_LOST

ROOT = Path(__file__).resolve().parents[2]
READER = "Virtual PCD 00 00"


async def test_with_pcscd_stopped_every_way_in_says_the_service_is_not_running(
    vpcd_card: VpcdCard, pcscd: PrivatePcscd, client_env: dict[str, str], step1_baseline
) -> None:
    connections = vpcd_card.connections
    pcscd.stop()
    try:
        with pytest.raises(PcscServiceNotRunning):
            await PcscReader().connect()
        pcsc = [choice for choice in discover() if choice.kind == "pcsc"]
        assert [(c.spec, c.available, c.reason) for c in pcsc] == [
            ("pcsc", False, "PC/SC service (pcscd) is not running")
        ]
        result = subprocess.run(
            [sys.executable, "-m", "tui.cli", "status", "--reader", "pcsc"],
            cwd=ROOT,
            env=client_env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 3
        assert result.stderr.startswith("jpki-reset: pcsc-service-not-running:")
    finally:
        pcscd.start()
    # The bridge finds the new pcscd by itself and the card works again.
    outcome = await CONVERSATIONS["step1-sign-reset"](PcscReader(READER, card_timeout=10), Stage())
    assert outcome == step1_baseline.outcome
    assert vpcd_card.connections > connections


async def test_pcscd_stopping_in_the_middle_of_a_conversation(
    vpcd_card: VpcdCard, pcscd: PrivatePcscd
) -> None:
    reader = PcscReader(READER)
    events: list[str] = []
    reader.add_listener(events.append)
    await reader.connect()
    card = JpkiSession.on(reader)
    await card.detect()
    pcscd.stop()
    try:
        with pytest.raises(PcscServiceNotRunning):
            await card.detect()
    finally:
        await reader.disconnect()
        pcscd.start()
    assert events == [READER_LOST]
