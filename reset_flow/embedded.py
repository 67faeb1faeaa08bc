"""How a laptop reaches the reservation service: the embedded default (the service in-process over
httpx's ASGI transport, SQLite in the user's data directory) or a shared ``jpki-reset serve``.
Both give the same ``ReservationClient``.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import platformdirs

from readers.issuer import ResetAuthority
from reset_flow.client import DEFAULT_TIMEOUT, ReservationClient
from reset_flow.clock import Clock, SystemClock
from reset_flow.config import APP_NAME
from reset_flow.errors import ServiceNotConfigured, TrainingClockRefused
from reset_flow.service.store import ReservationStore
from reset_flow.trust import TrustAnchors

if TYPE_CHECKING:
    from reset_flow.service.app import ServiceApp
    from reset_flow.service.challenges import ChallengeSource

DATABASE_NAME = "reservations.sqlite3"
TOKEN_ENV = "JPKI_RESET_TOKEN"
_EMBEDDED_TERMINAL = "embedded"


def default_data_dir() -> Path:
    """Where the embedded service keeps its SQLite file (platformdirs' user data directory)."""
    return platformdirs.user_data_path(APP_NAME, appauthor=False)


@dataclass(frozen=True, slots=True)
class ServiceChoice:
    """What the TUI's options say: ``server`` None means the embedded default."""

    server: str | None = None
    token: str | None = None  # for --server: from JPKI_RESET_TOKEN or the config's token file
    data_dir: Path | None = None
    timeout: float = DEFAULT_TIMEOUT
    trust: TrustAnchors | None = None  # what the embedded service trusts (None: nothing)


def open_service(choice: ServiceChoice, clock: Clock | None = None) -> ReservationClient:
    """The client for ``choice``. ``clock`` (e.g. a ``TrainingClock``) sets the embedded service's
    clock; a remote service keeps its own, so a training clock with ``--server`` is refused."""
    if choice.server is None:
        return embedded_client(choice.data_dir, clock=clock, trust=choice.trust)
    if clock is not None and clock.training:
        raise TrainingClockRefused("a remote service keeps its own clock; start it with --training-at")
    if not choice.token:
        raise ServiceNotConfigured(
            "no terminal token: set JPKI_RESET_TOKEN, or token_file in the config, to one from"
            " jpki-reset serve --new-terminal NAME"
        )
    return ReservationClient.remote(choice.server, choice.token, timeout=choice.timeout)


def token_from_environment(environ: Mapping[str, str]) -> str | None:
    """The terminal token from the environment the caller passes in (``os.environ`` at the edge)."""
    return environ.get(TOKEN_ENV) or None


def embedded_client(
    data_dir: Path | None = None, *, clock: Clock | None = None, trust: TrustAnchors | None = None
) -> ReservationClient:
    """The service in-process: its app over httpx's ASGI transport, SQLite (WAL) in ``data_dir``
    (default: the user data directory), trusting ``trust`` (see ``trust_setup``; None: nothing).
    The laptop's own terminal token is created on first use."""
    app, token = embedded_app(data_dir or default_data_dir(), clock=clock, trust=trust)
    transport = httpx.ASGITransport(app=app)
    headers = {"Authorization": f"Bearer {token}"}
    http = httpx.AsyncClient(transport=transport, base_url="http://embedded.jpki-reset", headers=headers)
    service_clock = app.state.office.settings.clock
    # A kept challenge is timed by the service's own clock: in-process it is at hand.
    return ReservationClient(http, seconds=lambda: service_clock.now().timestamp())


def embedded_app(
    folder: Path,
    *,
    clock: Clock | None = None,
    trust: TrustAnchors | None = None,
    challenges: ChallengeSource | None = None,
) -> tuple[ServiceApp, str]:
    """The service app on ``folder``'s SQLite file (created on first use), and this laptop's
    terminal token. ``trust`` None trusts no issuer: the caller says what it trusts
    (``trust_setup``). ``challenges``: another nonce source (the demo's scripted one)."""
    from reset_flow.service.app import build_app
    from reset_flow.service.office import ServiceLimits, ServiceSettings
    from reset_flow.service.sqlite_store import SqliteStore

    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    store = SqliteStore(folder / DATABASE_NAME, create=True)
    settings = ServiceSettings(
        clock=clock or SystemClock(),
        trust=trust or TrustAnchors(()),
        challenges=challenges,
        limits=ServiceLimits.off(),
    )
    settings.reset_authority = training_authority(settings.trust)
    token = _embedded_token(folder, store, settings.clock)
    app = build_app(settings, store)
    app.state.office.prune()  # in-process there is no upkeep task: prune when the laptop opens it
    return app, token


def training_authority(trust: TrustAnchors) -> ResetAuthority | None:
    """The training issuer's reset authority, in training mode only: the one place where the
    service is given the emulator's side of the training reset."""
    if not trust.training:
        return None
    from readers.training_card.reset_protocol import TrainingResetAuthority

    return TrainingResetAuthority()


def _embedded_token(folder: Path, store: ReservationStore, clock: Clock) -> str:
    """This laptop's token, kept beside the database (owner-only), registered once."""
    path = folder / "embedded-token"
    if path.exists():
        token = path.read_text(encoding="ascii").strip()
    else:
        token = secrets.token_urlsafe(32)
        path.touch(mode=0o600)
        path.write_text(token, encoding="ascii")
    store.ensure_terminal(_EMBEDDED_TERMINAL, token, clock.now())
    return token
