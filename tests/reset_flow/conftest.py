"""Fixtures for reset_flow: a fixed clock inside the kiosk window, the embedded service on a
SQLite file in tmp_path, training cards, and helpers that walk the two steps."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import httpx
import pytest

from readers.emulated import EmulatedReader
from readers.jpki import PinKind
from readers.pin import Pin
from readers.training_card.profiles import AUTH_PIN, SIGN_PIN
from reset_flow.client import ReservationClient
from reset_flow.clock import JST, FixedClock
from reset_flow.embedded import embedded_app, embedded_client
from reset_flow.states import ReservationMade
from reset_flow.step1 import Step1
from reset_flow.trust import TrustAnchors
from reset_flow.trust_setup import training_trust

# Inside both the kiosk window and the training certificates' validity.
OPEN_MORNING = datetime(2026, 12, 1, 10, 0, tzinfo=JST)
PROOF_PIN = {PinKind.SIGN: Pin(AUTH_PIN), PinKind.AUTH: Pin(SIGN_PIN)}
NEW_PIN = {PinKind.SIGN: Pin("NEWPIN42"), PinKind.AUTH: Pin("0042")}


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(OPEN_MORNING)


@pytest.fixture
async def service(tmp_path: Path, clock: FixedClock) -> AsyncIterator[ReservationClient]:
    client = embedded_client(tmp_path / "data", clock=clock, trust=training_trust())
    yield client
    await client.aclose()


class FlakyTransport(httpx.AsyncBaseTransport):
    """The in-process service behind a link that can be down, or lose an answer after the
    service did the work (the request "times out" although the service committed)."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.down = False
        self.lose_answer_to: list[str] = []  # path endings; each loses one answer
        self.requests: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.down:
            raise httpx.ConnectError("the service is down", request=request)
        response = await self.inner.handle_async_request(request)
        for ending in self.lose_answer_to:
            if request.url.path.endswith(ending):
                self.lose_answer_to.remove(ending)
                await response.aread()
                raise httpx.ReadTimeout("the answer was lost", request=request)
        return response


def flaky_service(
    folder: Path, clock: FixedClock, *, trust: TrustAnchors | None = None, attempts: int = 2
) -> tuple[ReservationClient, FlakyTransport]:
    app, token = embedded_app(folder, clock=clock, trust=trust or training_trust())
    link = FlakyTransport(httpx.ASGITransport(app=app))
    http = httpx.AsyncClient(
        transport=link, base_url="http://test", headers={"Authorization": f"Bearer {token}"}
    )
    return ReservationClient(http, attempts=attempts), link


@pytest.fixture
async def flaky(tmp_path: Path, clock: FixedClock) -> AsyncIterator[tuple[ReservationClient, FlakyTransport]]:
    client, link = flaky_service(tmp_path / "flaky", clock)
    yield client, link
    await client.aclose()


async def reserve(
    reader: EmulatedReader, service: ReservationClient, clock, reset: PinKind
) -> ReservationMade:  # type: ignore[no-untyped-def]
    """Step 1 the ordinary way: choose, staff confirms, the right proof PIN."""
    flow = Step1(reader, service, clock)
    await flow.start()
    await flow.choose_pin(reset)
    await flow.confirm_identity()
    state = await flow.enter_pin(PROOF_PIN[reset])
    assert isinstance(state, ReservationMade), state
    return state


class WatchedReader(EmulatedReader):
    """A training card reader that remembers every command's INS and can lift the card when a
    chosen command is sent (the command then never reaches the card, as on a real reader)."""

    def __init__(self, card="adult", **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(card, **kwargs)
        self.sent: list[bytes] = []
        self.lift_when = None  # a function (command bytes) -> bool

    async def transmit(self, command: bytes) -> bytes:
        if self.lift_when is not None and self.card is not None and self.lift_when(command):
            self.lift_when = None
            self.remove_card()
        self.sent.append(command)
        return await super().transmit(command)

    def count(self, ins: int, *, with_data: bool | None = None) -> int:
        """How many commands with this INS were sent (a VERIFY with data spends a try)."""
        return sum(1 for c in self.sent if c[1] == ins and (with_data is None or (len(c) > 5) is with_data))

    def tries(self, pin_file: int) -> int:
        card = self.card or self._lifted
        return card.pins[pin_file].tries_left


def is_verify_with_pin(command: bytes) -> bool:
    return command[1] == 0x20 and len(command) > 5
