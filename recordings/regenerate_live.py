"""Make the live recordings: conversations with a training card captured through real stacks.

    .venv/bin/python recordings/regenerate_live.py

``pcsc-*.jsonl`` go through a pcscd of our own, the vpcd driver and pyscard (``PcscReader``);
``nfc-*.jsonl`` through nfcpy's udp driver and its ISO-DEP initiator (``NfcReader``). Each is
written by the recording tap, so PIN bytes are ``??``, and its header says the transport and the
reader it went through, the conversation and its outcome. Needs pcscd and vsmartcard-vpcd
(``./.ci/setup``).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from pathlib import Path

from readers.bridges.bridge import Bridge
from readers.bridges.nfc_udp import NfcUdpCard
from readers.bridges.pcscd import PrivatePcscd
from readers.bridges.vpcd import VpcdCard
from readers.conversations import Stage, record
from readers.reader import Reader
from readers.training_card.applet import TrainingCard

HERE = Path(__file__).resolve().parent
PROFILE = "adult"
VIRTUAL_READER = "Virtual PCD 00 00"

# (conversation, title, description, lift the card at command N)
PLAN: list[tuple[str, str, str, int | None]] = [
    (
        "card-check",
        "Card check",
        "Card kind, tries left of all four PINs, the authentication certificate; no PIN.",
        None,
    ),
    (
        "step1-sign-reset",
        "Step 1 card work for a signing-PIN reset",
        "Tries query, VERIFY of the user-authentication PIN, its certificate, a signature.",
        None,
    ),
    (
        "cert-read-removed",
        "Card removed during a certificate read",
        "The card is lifted at the second READ BINARY of the authentication certificate; put "
        "back, a new session reads the whole certificate.",
        3,
    ),
]

VIA = {
    "pcsc": "Captured through pcscd, vsmartcard's vpcd driver and pyscard.",
    "nfc": "Captured through nfcpy's udp driver (ISO 14443 Type B, ISO-DEP).",
}


async def record_plan(
    transport: str,
    bridge: Bridge,
    open_reader: Callable[[], Reader],
    put_back: Callable[[], Awaitable[None]],
    out_dir: Path,
) -> list[Path]:
    written = []
    for conversation, title, description, lift_at in PLAN:
        bridge.card = TrainingCard(PROFILE)
        await put_back()
        if lift_at is not None:
            bridge.remove_after(lift_at)
        path = out_dir / f"{transport}-{conversation}.jsonl"
        await record(
            open_reader(),
            conversation,
            path,
            Stage(put_card_back=put_back),
            card=f"training: {PROFILE}",
            title=f"{title} ({transport})",
            description=f"{description} {VIA[transport]}",
        )
        written.append(path)
    return written


async def through_pcscd(out_dir: Path) -> list[Path]:
    from readers.pcsc import PcscReader

    with PrivatePcscd() as pcscd:
        os.environ.update(pcscd.client_env)  # before the first PC/SC call of this process
        bridge = VpcdCard(TrainingCard(PROFILE), port=pcscd.vpcd_port).start()

        async def put_back() -> None:
            bridge.insert()
            await PcscReader(VIRTUAL_READER).wait_for_card(10)  # pcscd sees it within a poll

        try:
            return await record_plan("pcsc", bridge, lambda: PcscReader(VIRTUAL_READER), put_back, out_dir)
        finally:
            bridge.stop()


async def through_nfcpy(out_dir: Path) -> list[Path]:
    from readers.nfc import NfcReader

    bridge = NfcUdpCard(TrainingCard(PROFILE), port=0).start()
    host, port = bridge.address

    async def put_back() -> None:
        bridge.insert()

    try:
        return await record_plan("nfc", bridge, lambda: NfcReader(f"udp:{host}:{port}"), put_back, out_dir)
    finally:
        bridge.stop()


async def regenerate(out_dir: Path = HERE) -> list[Path]:
    return [*await through_pcscd(out_dir), *await through_nfcpy(out_dir)]


if __name__ == "__main__":
    for path in asyncio.run(regenerate()):
        print(path.relative_to(HERE.parent))
