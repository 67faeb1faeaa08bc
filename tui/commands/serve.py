"""``jpki-reset serve``: the reservation service on uvicorn (reset_flow)."""

from __future__ import annotations

import argparse
from pathlib import Path

from tui.commands.options import config_option


def add(sub: argparse._SubParsersAction) -> None:
    serve = sub.add_parser("serve", help="run the reservation service on uvicorn")
    # The calls below look alike only as argparse calls do: each option has its own default, its
    # own metavar and its help in place, which a table of options would scatter.
    serve.add_argument("--host", default="127.0.0.1")
    # Checked by the service (one line, exit 2), not by argparse: its message spans lines.
    serve.add_argument("--port", default="8765")
    serve.add_argument(
        "--db", default=None, help="SQLite file (default: the user data directory) or postgresql://..."
    )
    serve.add_argument("--init", action="store_true", help="create the database (or upgrade it), then exit")
    serve.add_argument(
        "--new-terminal", metavar="NAME", help="register a terminal, print its token once, exit"
    )
    serve.add_argument("--admin", action="store_true", help="with --new-terminal: an admin (audit) token")
    serve.add_argument("--revoke-terminal", metavar="NAME", help="revoke every token of terminal NAME, exit")
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
    serve.add_argument("--tls-cert", metavar="PEM", help="serve HTTPS with this certificate (chain)")
    serve.add_argument("--tls-key", metavar="PEM", help="and this private key")
    serve.add_argument(
        "--forwarded-allow-ips",
        default="127.0.0.1",
        metavar="IPS",
        help="trust X-Forwarded-For from these proxies (comma-separated)",
    )
    serve.add_argument("--reuse-port", action="store_true", help="let several serve processes share the port")
    serve.add_argument("--proofs-per-minute", default="30", metavar="N", help="per terminal (0: off)")
    serve.add_argument("--challenges-per-minute", default="60", metavar="N", help="per terminal (0: off)")
    serve.add_argument(
        "--failed-tokens-per-minute", default="20", metavar="N", help="per client address (0: off)"
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
    config_option(serve)
    serve.add_argument(
        "--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"]
    )


async def run(args: argparse.Namespace) -> int:
    from reset_flow.serve import run_serve

    return await run_serve(args)
