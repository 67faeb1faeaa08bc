"""The reservation service of a demo: the embedded one, on a folder of its own, whose challenges
follow the script.

A recorded signature is over the service's challenge of the moment it was recorded; for a
replayed card to be asked to sign the same bytes, the service must issue the same challenge
again. The service draws its nonces at random and has no setting for another source, so this
client registers each scripted nonce in the service's store itself (through the store interface)
and hands it out. Everything else -- proof checks, the 24 hours, the kiosk window, the reset
cryptogram -- is the real service's work. Used only by demo mode and the demo recorder.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import httpx

from reset_flow.client import Challenge, ReservationClient
from reset_flow.clock import Clock
from reset_flow.embedded import DATABASE_NAME, embedded_app
from reset_flow.service.office import CHALLENGE_LIFE
from reset_flow.service.sqlite_store import SqliteStore, token_sha256


class ScriptedChallenges(ReservationClient):
    def __init__(
        self, http: httpx.AsyncClient, store: SqliteStore, terminal: int, clock: Clock, seed: str
    ) -> None:
        super().__init__(http)
        self.store, self.terminal, self.clock = store, terminal, clock
        self.seed = seed.encode()
        self.issued = 0

    async def new_challenge(self) -> Challenge:
        self.issued += 1
        nonce = hashlib.sha256(b"jpki-reset demo/%s/%d" % (self.seed, self.issued)).digest()
        now = self.clock.now()
        expires = now + CHALLENGE_LIFE
        with self.store.transaction() as tx:
            tx.add_challenge(nonce, self.terminal, now, expires)
        return Challenge(nonce, expires)


def demo_service(folder: Path, clock: Clock, seed: str) -> ReservationClient:
    """The embedded service on ``folder`` (a fresh one per demo), challenges drawn from ``seed``."""
    from reset_flow.trust_setup import training_trust

    app, token = embedded_app(folder, clock=clock, trust=training_trust())  # a demo is training
    store = SqliteStore(folder / DATABASE_NAME)
    with store.reading() as tx:
        terminal = tx.terminal_for(token_sha256(token))
    assert terminal is not None, "the embedded service registers its own terminal"
    headers = {"Authorization": f"Bearer {token}"}
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://demo", headers=headers)
    return ScriptedChallenges(http, store, terminal, clock, seed)
