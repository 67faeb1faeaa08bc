"""Step 1 for a signing-PIN reset over each path to the training card.

    .venv/bin/python bench/transports.py [runs]

Paths: the in-process emulator; pcscd + vpcd + pyscard (a pcscd of our own, see
``readers.bridges.pcscd``); nfcpy's udp driver with its ISO-DEP initiator. Prints, per path, the
command APDUs the card itself received in one conversation (counted inside the training card,
behind the bridges, so a command lost, split or repeated on the way would show), the APDUs the
host sent, and the wall time (median and p90 over the runs); then whether the card received the
same number on every path (exit status 1 if not).
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

from card_conversation import minimum_apdus

from readers.bridges import vpcd
from readers.bridges.nfc_udp import NfcUdpCard
from readers.bridges.pcscd import PcscdUnavailable, PrivatePcscd
from readers.bridges.vpcd import VpcdCard
from readers.conversations import CONVERSATIONS, Stage
from readers.emulated import EmulatedReader
from readers.reader import Reader, ReaderInfo
from readers.training_card.applet import TrainingCard
from readers.training_card.pki import training_pki


class TallyCard(TrainingCard):
    """The training card, counting the command APDUs that reach it, whatever path they took."""

    def __init__(self, profile: str = "adult") -> None:
        super().__init__(profile)
        self.received = 0

    def respond(self, raw: bytes) -> bytes:
        self.received += 1
        return super().respond(raw)


class CountingReader(Reader):
    """Passes everything through and counts the APDUs."""

    def __init__(self, inner: Reader) -> None:
        super().__init__()
        self.inner = inner
        self.apdus = 0

    @property
    def info(self) -> ReaderInfo:  # type: ignore[override]
        return self.inner.info

    async def connect(self) -> bytes:
        return await self.inner.connect()

    async def transmit(self, command: bytes) -> bytes:
        self.apdus += 1
        return await self.inner.transmit(command)

    async def disconnect(self) -> None:
        await self.inner.disconnect()


@dataclass
class Row:
    name: str
    received: int  # by the card, in the last conversation
    sent: int  # by the host, in the last conversation
    times: list[float]


async def measure(name: str, card: TallyCard, open_reader: Callable[[], Reader], runs: int) -> Row:
    step1 = CONVERSATIONS["step1-sign-reset"]
    row = Row(name, 0, 0, [])
    for _ in range(runs):
        reader = CountingReader(open_reader())
        before = card.received
        started = time.perf_counter()
        await step1(reader, Stage())
        row.times.append((time.perf_counter() - started) * 1000)
        row.received, row.sent = card.received - before, reader.apdus
    return row


def show(row: Row) -> None:
    p90 = statistics.quantiles(row.times, n=10)[-1] if len(row.times) > 1 else row.times[0]
    median = statistics.median(row.times)
    print(f"  {row.name:<24} card got {row.received:>3}, host sent {row.sent:>3}", end="")
    print(f"   median {median:8.2f} ms   p90 {p90:8.2f} ms   ({median / row.received:.2f} ms per APDU)")


async def main(runs: int) -> int:
    training_pki()  # load the PKI outside the timings
    emulated = TallyCard()
    rows = [await measure("in-process emulator", emulated, lambda: EmulatedReader(emulated), runs)]
    slow = None
    # Started or skipped as in startup.py: each bench runs on its own and says the skip in its table.
    try:
        pcscd = PrivatePcscd()
        pcscd.start()
    except PcscdUnavailable as error:
        print(f"  pcscd + vpcd: skipped ({error})")
    else:
        os.environ.update(pcscd.client_env)
        from readers.pcsc import PcscReader

        behind_pcscd = TallyCard()
        bridge = VpcdCard(behind_pcscd, port=pcscd.vpcd_port).start()
        try:
            await PcscReader("Virtual PCD 00 00").wait_for_card(10)  # pcscd sees it within a poll
            virtual = "Virtual PCD 00 00"
            rows.append(
                await measure("pcscd + vpcd + pyscard", behind_pcscd, lambda: PcscReader(virtual), runs)
            )
            # For comparison: the bridge without its quick ACKs, as a naive vpcd client would be.
            quick_ack, vpcd._quick_ack = vpcd._quick_ack, lambda sock: None
            try:
                slow = await measure(
                    "  same, delayed ACKs", behind_pcscd, lambda: PcscReader(virtual), max(2, runs // 4)
                )
            finally:
                vpcd._quick_ack = quick_ack
        finally:
            bridge.stop()
            pcscd.stop()

    from readers.nfc import NfcReader

    in_field = TallyCard()
    card = NfcUdpCard(in_field, port=0).start()
    host, port = card.address
    try:
        rows.append(
            await measure("nfcpy udp (Type B)", in_field, lambda: NfcReader(f"udp:{host}:{port}"), runs)
        )
    finally:
        card.stop()

    print(f"step 1, signing-PIN reset, short APDUs, {runs} runs per path:")
    for row in rows:
        show(row)
    if slow is not None:
        show(slow)
    counts = [row.received for row in rows]
    same = len(set(counts)) == 1
    print(f"  the card received as many APDUs on every path: {'yes' if same else 'NO'} {counts}")
    least, size = minimum_apdus(TrainingCard("adult"))
    print(f"  minimum by the protocol: {least} (certificate file {size} bytes, 256-byte reads)")
    return 0 if same and counts[0] == least else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)))
