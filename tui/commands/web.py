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
