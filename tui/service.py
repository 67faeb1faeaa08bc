"""The reservation service the wizard talks to: in-process by default, or ``--server URL``."""

from __future__ import annotations

import os
from pathlib import Path

from reset_flow.client import ReservationClient
from reset_flow.clock import Clock
from reset_flow.embedded import ServiceChoice, token_from_environment
from reset_flow.embedded import open_service as open_client
from reset_flow.trust import TrustAnchors


def open_service(
    server_url: str | None,
    clock: Clock,
    data_dir: Path | None = None,
    *,
    trust: TrustAnchors | None = None,
    token: str | None = None,
) -> ReservationClient:
    """The httpx client of ``reset_flow``: the embedded service trusting ``trust``, or the shared
    one at ``server_url`` (its terminal token: ``token``, else JPKI_RESET_TOKEN)."""
    token = token or token_from_environment(os.environ)
    return open_client(ServiceChoice(server=server_url, token=token, data_dir=data_dir, trust=trust), clock)
