"""The reservation service the wizard talks to: in-process by default, or ``--server URL``."""

from __future__ import annotations

import os
from pathlib import Path

from reset_flow.client import ReservationClient
from reset_flow.clock import Clock
from reset_flow.embedded import ServiceChoice, token_from_environment
from reset_flow.embedded import open_service as open_client


def open_service(server_url: str | None, clock: Clock, data_dir: Path | None = None) -> ReservationClient:
    """The httpx client of ``reset_flow``: the embedded service, or the shared one at ``server_url``
    (its terminal token from JPKI_RESET_TOKEN)."""
    choice = ServiceChoice(server=server_url, token=token_from_environment(os.environ), data_dir=data_dir)
    return open_client(choice, clock)
