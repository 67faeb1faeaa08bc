"""Bridges that put a training card behind real software stacks.

- ``vpcd.VpcdCard``: the card in vsmartcard's virtual reader, so pcscd, pyscard and OpenSC see it;
- ``nfc_udp.NfcUdpCard``: the card as an ISO 14443 Type B card for nfcpy's ``udp`` driver, on top of
  ``type_b.TypeBCard`` (activation) and ``isodep.IsoDepCard`` (ISO-DEP blocks);
- ``pcscd.PrivatePcscd``: a pcscd of our own with the vpcd driver, for tests and benchmarks;
- ``run_emulator``: ``jpki-reset emulate``.
"""

from __future__ import annotations

import argparse


async def run_emulator(args: argparse.Namespace) -> int:
    """``jpki-reset emulate --profile NAME (--vpcd HOST:PORT | --nfc-udp HOST:PORT)``."""
    from readers.bridges.emulate import run_emulator as run

    return await run(args)
