"""``jpki-reset emulate``: a training card behind vpcd or nfcpy's udp driver, for other software."""

from __future__ import annotations

import argparse


def add(sub: argparse._SubParsersAction) -> None:
    emulate = sub.add_parser("emulate", help="put a training card behind vpcd or nfcpy's udp driver")
    emulate.add_argument("--profile", default="adult", help="training card profile")
    where = emulate.add_mutually_exclusive_group(required=True)
    where.add_argument("--vpcd", metavar="HOST:PORT", help="connect to pcscd's vpcd driver")
    where.add_argument("--nfc-udp", metavar="HOST:PORT", help="answer nfcpy's udp driver")


async def run(args: argparse.Namespace) -> int:
    from readers.bridges import run_emulator  # type: ignore[import-not-found]

    return await run_emulator(args)
