"""Step 1 for a signing-PIN reset over each path to the training card.

    .venv/bin/python bench/transports.py [runs]

Paths: the in-process emulator; pcscd + vpcd + pyscard (a pcscd of our own, see
``readers.bridges.pcscd``); nfcpy's udp driver with its ISO-DEP initiator. Prints, per path, the
APDUs of one conversation and its wall time (median and p90 over the runs), then whether every
path sent exactly as many APDUs as the in-process card got (exit status 1 if not).
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import time
from collections.abc import Callable

from readers.bridges import vpcd
from readers.bridges.nfc_udp import NfcUdpCard
from readers.bridges.pcscd import PcscdUnavailable, PrivatePcscd
from readers.bridges.vpcd import VpcdCard
from readers.conversations import CONVERSATIONS, Stage
from readers.emulated import EmulatedReader
from readers.reader import Reader, ReaderInfo
from readers.training_card.applet import TrainingCard
from readers.training_card.pki import training_pki


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


async def measure(name: str, open_reader: Callable[[], Reader], runs: int) -> tuple[str, int, list[float]]:
    step1 = CONVERSATIONS["step1-sign-reset"]
    apdus, times = 0, []
    for _ in range(runs):
        reader = CountingReader(open_reader())
        started = time.perf_counter()
        await step1(reader, Stage())
        times.append((time.perf_counter() - started) * 1000)
        apdus = reader.apdus
    return name, apdus, times


def show(name: str, apdus: int, times: list[float]) -> None:
    p90 = statistics.quantiles(times, n=10)[-1] if len(times) > 1 else times[0]
    median = statistics.median(times)
    print(f"  {name:<24} {apdus:>3} APDUs   median {median:8.2f} ms   p90 {p90:8.2f} ms", end="")
    print(f"   ({median / apdus:.2f} ms per APDU)")


async def main(runs: int) -> int:
    training_pki()  # load the PKI outside the timings
    rows = [await measure("in-process emulator", lambda: EmulatedReader("adult"), runs)]
    slow = None
    try:
        pcscd = PrivatePcscd()
        pcscd.start()
    except PcscdUnavailable as error:
        print(f"  pcscd + vpcd: skipped ({error})")
    else:
        os.environ.update(pcscd.client_env)
        from readers.pcsc import PcscReader

        bridge = VpcdCard(TrainingCard("adult"), port=pcscd.vpcd_port).start()
        try:
            await PcscReader("Virtual PCD 00 00").wait_for_card(10)  # pcscd sees it within a poll
            virtual = "Virtual PCD 00 00"
            rows.append(await measure("pcscd + vpcd + pyscard", lambda: PcscReader(virtual), runs))
            # For comparison: the bridge without its quick ACKs, as a naive vpcd client would be.
            quick_ack, vpcd._quick_ack = vpcd._quick_ack, lambda sock: None
            try:
                slow = await measure("  same, delayed ACKs", lambda: PcscReader(virtual), max(2, runs // 4))
            finally:
                vpcd._quick_ack = quick_ack
        finally:
            bridge.stop()
            pcscd.stop()

    from readers.nfc import NfcReader

    card = NfcUdpCard(TrainingCard("adult"), port=0).start()
    host, port = card.address
    try:
        rows.append(await measure("nfcpy udp (Type B)", lambda: NfcReader(f"udp:{host}:{port}"), runs))
    finally:
        card.stop()

    print(f"step 1, signing-PIN reset, short APDUs, {runs} runs per path:")
    for row in rows:
        show(*row)
    if slow is not None:
        show(*slow)
    counts = [apdus for _, apdus, _ in rows]
    same = len(set(counts)) == 1
    print(f"  APDU counts equal on every path: {'yes' if same else 'NO'} {counts}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)))
