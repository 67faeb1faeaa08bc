"""``jpki-reset serve``: the reservation service on uvicorn (reset_flow)."""

from __future__ import annotations

import argparse
from pathlib import Path


def add(sub: argparse._SubParsersAction) -> None:
    serve = sub.add_parser("serve", help="run the reservation service on uvicorn")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument("--db", default=None, help="SQLite file (default: the user data directory)")
    serve.add_argument(
        "--new-terminal", metavar="NAME", help="register a terminal, print its token once, exit"
    )
    serve.add_argument(
        "--training-at",
        metavar="ISO",
        help="with --training only: start the service's clock at ISO (no offset: JST)",
    )
    serve.add_argument(
        "--anchor",
        action="append",
        metavar="auth:PATH|sign:PATH",
        help="also trust this issuer CA certificate",
    )
    serve.add_argument(
        "--training",
        action=argparse.BooleanOptionalAction,
        default=argparse.SUPPRESS,  # the top-level --training (None when not given) stands
        help="training mode: also trust the training CAs; every answer says TRAINING (default: the config)",
    )
    serve.add_argument(
        "--trust-store",
        type=Path,
        default=argparse.SUPPRESS,
        metavar="DIR",
        help="the trust store (default: the config)",
    )
    serve.add_argument("--config", type=Path, default=argparse.SUPPRESS, help="the config file")
    serve.add_argument(
        "--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"]
    )


async def run(args: argparse.Namespace) -> int:
    from reset_flow.serve import run_serve

    return await run_serve(args)
