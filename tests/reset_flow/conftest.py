"""Fixtures for reset_flow: a fixed clock inside the kiosk window, the embedded service on a
SQLite file in tmp_path, the service on either store (SQLite or a private PostgreSQL server),
training cards, and helpers that walk the two steps."""

from __future__ import annotations

import subprocess
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from readers.emulated import EmulatedReader
from readers.jpki import PinKind
from readers.pin import Pin
from readers.training_card.profiles import AUTH_PIN, SIGN_PIN
from reset_flow.client import ReservationClient
from reset_flow.clock import JST, FixedClock
from reset_flow.embedded import embedded_app, embedded_client, training_authority
from reset_flow.service.app import build_app
from reset_flow.service.office import ServiceLimits, ServiceSettings
from reset_flow.service.private_postgres import (
    PostgresNotAvailable,
    PrivatePostgres,
    server_programs,
    start_private_postgres,
)
from reset_flow.service.store import ReservationStore
from reset_flow.states import ReservationMade
from reset_flow.step1 import Step1
from reset_flow.trust import TrustAnchors
from reset_flow.trust_setup import training_trust

ROOT = Path(__file__).resolve().parents[2]
STORES = ("sqlite", "postgresql")

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


@pytest.fixture(scope="session")
def private_postgres() -> Iterator[PrivatePostgres]:
    """One PostgreSQL server per test process (so per xdist worker), in a private directory on a
    Unix socket; stopped by its PID. Its data need not survive a crash of the server itself (only
    service processes are killed in these tests), so it skips fsync to spare the shared disk."""
    try:
        server_programs()
    except PostgresNotAvailable:  # the project's setup installs it (apt, only what is missing)
        subprocess.run([str(ROOT / ".ci" / "setup")], cwd=ROOT, capture_output=True, check=False)
    try:
        server = start_private_postgres({"fsync": "off", "full_page_writes": "off"})
    except PostgresNotAvailable as missing:
        pytest.skip(f"no private PostgreSQL server can run here: {missing}")
    yield server
    server.stop()


@pytest.fixture
def database(request: pytest.FixtureRequest, store_kind: str, tmp_path: Path) -> str:
    """A fresh database for ``store_kind``: a SQLite path or the URL of a new database on the
    private PostgreSQL server."""
    if store_kind == "sqlite":
        return str(tmp_path / "reservations.sqlite3")
    return request.getfixturevalue("private_postgres").new_database()


@pytest.fixture(params=STORES)
def store_kind(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def store(database: str) -> Iterator[ReservationStore]:
    from reset_flow.serve import open_store

    opened = open_store(database, create=True)
    yield opened
    opened.close()


SERVICE_TOKEN = "counter-1-token-0123456789abcdef"


@pytest.fixture
def app(store: ReservationStore, clock: FixedClock) -> FastAPI:
    """The service app on ``store`` (each store in turn), with terminal ``counter-1``, no limits."""
    store.ensure_terminal("counter-1", SERVICE_TOKEN, clock.now())
    return build_app(training_settings(clock, limits=ServiceLimits.off()), store)


def training_settings(clock: FixedClock, **chosen: object) -> ServiceSettings:
    """A service in training mode: the training CAs trusted, the training issuer's authority."""
    trust = training_trust()
    return ServiceSettings(clock=clock, trust=trust, reset_authority=training_authority(trust), **chosen)  # type: ignore[arg-type]


def client_of(app: FastAPI, token: str | None = SERVICE_TOKEN) -> httpx.AsyncClient:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t", headers=headers)


@pytest.fixture
async def store_service(app: FastAPI) -> AsyncIterator[ReservationClient]:
    """The client of ``app``: the service tests' ``service`` on both stores."""
    client = ReservationClient(client_of(app))
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
    if reset is PinKind.SIGN:
        await flow.answer_signing_questions(details_changed=False, loss_reported=False)
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
