"""``jpki-reset emulate``: a training card behind vpcd or nfcpy's udp driver, for other software."""

from __future__ import annotations

import argparse


async def run(args: argparse.Namespace) -> int:
    from readers.bridges import run_emulator  # type: ignore[import-not-found]

    return await run_emulator(args)
