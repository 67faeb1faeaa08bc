"""``jpki-reset web``: demos and practice on training cards in the browser (textual-serve).

Each tab gets its own app process, training card and reservation service. Only training cards and
recordings are served; the server listens on loopback unless ``--host`` says otherwise.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from tui.exit_codes import EXIT_OK, EXIT_USAGE

if TYPE_CHECKING:
    from tui.web.server import TrainingServer
    from tui.web.session import WebSession

LOOPBACK_NAMES = ("localhost",)


def add(sub: argparse._SubParsersAction) -> None:
    web = sub.add_parser("web", help="serve training sessions and demos to browsers")
    web.add_argument("--host", default="127.0.0.1", help="address to listen on (default: loopback only)")
    web.add_argument("--port", type=int, default=8000, help="port (0: any free port, printed)")
    what = web.add_mutually_exclusive_group()
    what.add_argument("--demo", metavar="RECORDING", help="a demo by name (demo-step1) or a recording file")
    # Defaults suppressed so that a --reader or --lang given before ``web`` is kept (and checked).
    what.add_argument(
        "--reader", metavar="training:PROFILE", default=argparse.SUPPRESS, help="each tab's training card"
    )
    web.add_argument("--speed", type=float, default=1.0, help="demo pace multiplier (2 = twice as fast)")
    web.add_argument("--lang", choices=("ja", "en"), default=argparse.SUPPRESS, help="first language")
    web.add_argument("--at", metavar="TIME", default=argparse.SUPPRESS, help="practice tabs' service clock")
    web.add_argument("--max-tabs", type=int, default=20, help="sessions open at once (default 20)")


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    import ipaddress  # here: every command loads this module, and ``status`` stays quick

    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def run(args: argparse.Namespace) -> int:
    from tui.web.session import web_session

    if args.server is not None:
        return _refuse("web-option-refused", "each tab uses a reservation service of its own, not --server")
    if args.max_tabs < 1:
        return _refuse("web-option-refused", "--max-tabs must be at least 1")
    session = web_session(args.demo, args.reader, args.lang, args.speed, args.at)
    try:
        from tui.web.server import TrainingServer
    except ImportError:
        return _refuse("web-unavailable", "needs textual-serve: pip install -e '.[web]' (./.ci/setup does)")
    if not is_loopback(args.host):
        print(
            f"jpki-reset web: WARNING: listening on {args.host}, not only on this computer: anyone who "
            f"reaches port {args.port} can open training sessions (no login, no encryption)",
            file=sys.stderr,
        )
    server = TrainingServer(
        session.command(),
        host=args.host,
        port=args.port,
        title=_title(session),
        lang=args.lang or _default_lang(),
        max_tabs=args.max_tabs,
    )
    return _serve(server)


def _title(session: WebSession) -> str:
    return f"jpki-reset DEMO: {session.demo.stem}" if session.demo else "jpki-reset TRAINING"


def _default_lang() -> str:
    from tui.i18n import default_language

    return default_language()


def _serve(server: TrainingServer) -> int:
    import asyncio
    import logging

    logging.basicConfig(level=logging.INFO, format="jpki-reset web: %(message)s")
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)  # tabs are logged, not every file

    def ready(url: str) -> None:
        print(f"jpki-reset web: serving on {url} (Ctrl+C stops)", flush=True)

    try:
        asyncio.run(server.run(ready))
    except OSError as error:  # the address is taken or not this machine's
        return _refuse("web-address-unavailable", str(error.strerror or error))
    return EXIT_OK


def _refuse(code: str, message: str) -> int:
    """One line, as ``tui.cli`` prints the typed errors, and the usage exit code."""
    print(f"jpki-reset: {code}: {message}", file=sys.stderr)
    return EXIT_USAGE
