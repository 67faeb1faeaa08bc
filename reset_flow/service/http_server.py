"""The service app on uvicorn, on a socket the caller has bound: the one place the HTTP server is
started (``jpki-reset serve``), so the rest of the program need not know which server it is.
"""

from __future__ import annotations

import gc
import socket

import uvicorn

from reset_flow.service.app import build_app
from reset_flow.service.office import ServiceSettings
from reset_flow.service.store import ReservationStore


async def serve_http(
    settings: ServiceSettings,
    store: ReservationStore,
    listener: socket.socket,
    *,
    log_level: str,
    forwarded_allow_ips: str | None,
    tls: dict[str, str],
) -> int:
    """Serve until stopped; the exit code: 0 after a clean stop, 5 when the server did not start."""
    app = build_app(settings, store)
    # What start-up built lives as long as the process: out of the collector's sight, so that a
    # full collection walks only what requests leave (tens of ms otherwise, inside a request).
    gc.collect()
    gc.freeze()
    config = uvicorn.Config(
        app,
        log_level=log_level,
        access_log=False,
        # The compiled parser (a dependency): the pure-Python one cost about 0.1 ms of CPU more per
        # request, and more on a proof's 4 KB body (a third of a step-1 proof's service time).
        http="httptools",
        forwarded_allow_ips=forwarded_allow_ips,
        **tls,  # type: ignore[arg-type]
    )
    server = uvicorn.Server(config)
    try:
        await server.serve(sockets=[listener])
    except SystemExit:  # uvicorn's own startup failures end in sys.exit: ours is code 5
        return 5
    return 0 if server.started else 5
