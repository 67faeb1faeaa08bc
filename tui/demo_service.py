"""The reservation service of a demo: the embedded one, on a folder of its own, whose challenges
follow the script.

A recorded signature is over the service's challenge of the moment it was recorded; for a
replayed card to be asked to sign the same bytes, the service must issue the same challenge
again. The service takes its challenge source as a setting: here the scripted one
(``ScriptedChallenges``), drawn from the demo's seed. Everything else -- proof checks, single use,
the 24 hours, the kiosk window, the reset cryptogram -- is the real service's work. Used only by
demo mode and the demo recorder.
"""

from __future__ import annotations

from pathlib import Path

import httpx

from reset_flow.client import ReservationClient
from reset_flow.clock import Clock
from reset_flow.embedded import embedded_app
from reset_flow.service.challenges import ScriptedChallenges


def demo_service(folder: Path, clock: Clock, seed: str) -> ReservationClient:
    """The embedded service on ``folder`` (a fresh one per demo), challenges drawn from ``seed``."""
    from reset_flow.trust_setup import training_trust

    app, token = embedded_app(  # a demo is training
        folder, clock=clock, trust=training_trust(), challenges=ScriptedChallenges(seed)
    )
    headers = {"Authorization": f"Bearer {token}"}
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://demo", headers=headers)
    return ReservationClient(http)
