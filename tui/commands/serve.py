"""``jpki-reset serve``: the reservation service on uvicorn (reset_flow)."""

from __future__ import annotations

import argparse


async def run(args: argparse.Namespace) -> int:
    from reset_flow.serve import run_serve

    return await run_serve(args)
