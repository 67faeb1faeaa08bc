"""The reservation service's client: the same code in-process (httpx's ASGI transport, the embedded
default) and over the network (``jpki-reset serve``, ``--server URL``).

A proof's answer hands on the terminal's next challenge; the client keeps it and ``challenge()``
gives it to the next proof while it has life enough left, so that a proof is one request, not two.

Every failure is a ``ServiceError``: ``ServiceUnreachable`` when the service did not answer,
``ServiceRefused`` with the service's stable code otherwise. Requests that change state carry an
idempotency key; when a request times out after the service committed, repeating it with the same
key returns what the service did the first time, so nothing is lost or done twice.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx

from readers.jpki import PinKind
from reset_flow.errors import ServiceAnswerInvalid, ServiceRefused, ServiceUnreachable
from reset_flow.proof import Proof

DEFAULT_TIMEOUT = 10.0  # seconds; a kiosk-side wait a person accepts
API = "/v1"
# Life a kept challenge must still have to be used: the card's signature (a slow reader, a second
# PIN prompt) and the request fit in it with room; the service gives two minutes.
KEPT_MARGIN = 30.0  # seconds


@dataclass(frozen=True, slots=True)
class ServiceTime:
    """The service's clock and the kiosk window by it."""

    now: datetime
    kiosk_open: bool
    next_opening: datetime  # the next opening after ``now``
    training_clock: bool  # a trainer set the service's clock by hand: show a banner
    training: bool = False  # the service trusts the training CAs: everything says TRAINING


@dataclass(frozen=True, slots=True)
class Challenge:
    nonce: bytes
    expires_at: datetime  # by the service's clock
    expires_in: float  # seconds of life left when the service answered


@dataclass(frozen=True, slots=True)
class Reservation:
    id: str
    reset: PinKind
    card_identity: bytes
    status: str  # active | used | replaced | expired
    made_at: datetime
    deadline: datetime
    usable_until: datetime
    issuer_reset: bool  # the service holds the reset authority for this card (training cards)
    replaced_earlier: bool = False
    used_at: datetime | None = None  # when step 2 used it (status "used")


@dataclass(frozen=True, slots=True)
class CardReservations:
    reservations: tuple[Reservation, ...]
    time: ServiceTime


@dataclass(frozen=True, slots=True)
class Authorisation:
    id: str
    reservation_id: str
    cryptogram: bytes | None  # None: no issuer authority for this card (a real card)
    issuer_reset: bool


class ReservationClient:
    """Typed calls to the reservation service over any httpx transport."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        attempts: int = 2,
        seconds: Callable[[], float] = time.monotonic,
    ) -> None:
        """``seconds``: the clock a kept challenge's life is timed by (a monotonic one; the embedded
        service's own clock in-process, so that a test's or trainer's moved clock counts too)."""
        self.http = http
        self.attempts = attempts  # tries per request that is safe to repeat
        self._seconds = seconds
        self._kept: tuple[Challenge, float] | None = None  # the handed-on challenge, usable until

    @classmethod
    def remote(cls, url: str, token: str, *, timeout: float = DEFAULT_TIMEOUT) -> ReservationClient:
        """A client of ``jpki-reset serve`` at ``url``, authenticated by a terminal ``token``."""
        headers = {"Authorization": f"Bearer {token}"}
        return cls(httpx.AsyncClient(base_url=url, headers=headers, timeout=timeout))

    async def aclose(self) -> None:
        await self.http.aclose()

    async def __aenter__(self) -> ReservationClient:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.aclose()

    # --- the calls ------------------------------------------------------------------------------

    async def service_time(self) -> ServiceTime:
        return _service_time(await self._call("GET", "/time"))

    async def challenge(self) -> Challenge:
        """A challenge for the card to sign: the one the last proof's answer handed on, once, while
        it has ``KEPT_MARGIN`` of life left; otherwise a new one from the service."""
        kept, self._kept = self._kept, None
        if kept is not None and self._seconds() < kept[1]:
            return kept[0]
        return await self.new_challenge()

    async def new_challenge(self) -> Challenge:
        """A new challenge from the service (``POST /v1/challenges``)."""
        return _challenge(await self._call("POST", "/challenges"))

    async def reserve(self, reset: PinKind, proof: Proof, *, idempotency_key: str) -> Reservation:
        """Step 1: record a reservation for resetting ``reset`` (replaces an active one)."""
        payload = {"reset": reset.value, **_proof_json(proof)}
        body = await self._call("POST", "/reservations", payload, idempotency_key)
        reservation = _reservation(body)
        self._keep(body)
        return reservation

    async def reservations_for(self, card_identity: bytes) -> CardReservations:
        """Step 2: this card's reservations that are active or expired in the last 24 h."""
        body = await self._call("GET", f"/cards/{card_identity.hex()}/reservations")
        items = body.get("reservations")
        if not isinstance(items, list):
            raise ServiceAnswerInvalid("the answer has no reservations list")
        return CardReservations(tuple(_reservation(r) for r in items), _service_time(body.get("time")))

    async def authorise(
        self, reservation_id: str, proof: Proof, card_challenge: bytes | None, *, idempotency_key: str
    ) -> Authorisation:
        """Step 2: the service checks the proof, the 24 h and the kiosk window by its own clock, and
        returns the cryptogram over ``card_challenge`` (None for a card it has no authority over)."""
        payload = _proof_json(proof) | {"card_challenge": card_challenge.hex() if card_challenge else None}
        path = f"/reservations/{reservation_id}/authorisations"
        body = await self._call("POST", path, payload, idempotency_key)
        cryptogram = body.get("cryptogram")
        authorisation = Authorisation(
            id=_text(body, "id"),
            reservation_id=_text(body, "reservation_id"),
            cryptogram=bytes.fromhex(cryptogram) if isinstance(cryptogram, str) else None,
            issuer_reset=bool(body.get("issuer_reset")),
        )
        self._keep(body)
        return authorisation

    async def complete(
        self, reservation_id: str, authorisation_id: str, *, idempotency_key: str
    ) -> Reservation:
        """Mark the reservation used, exactly once; others get ``reservation-already-used``."""
        payload = {"authorisation_id": authorisation_id}
        path = f"/reservations/{reservation_id}/completion"
        body = await self._call("POST", path, payload, idempotency_key)
        return _reservation(body)

    async def health(self) -> dict[str, Any]:
        return await self._call("GET", "/health", prefix="")

    # --- plumbing ---------------------------------------------------------------------------

    def _keep(self, body: dict[str, Any]) -> None:
        """Keep the challenge an answer handed on (a malformed one is dropped: the next proof asks)."""
        handed = body.get("next_challenge")
        try:
            challenge = _challenge(handed) if isinstance(handed, dict) else None
        except ServiceAnswerInvalid:
            challenge = None
        if challenge is not None:
            self._kept = (challenge, self._seconds() + challenge.expires_in - KEPT_MARGIN)

    async def _call(
        self,
        method: str,
        path: str,
        payload: dict[str, Any] | None = None,
        idempotency_key: str | None = None,
        *,
        prefix: str = API,
    ) -> dict[str, Any]:
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
        # Only reads and keyed writes are repeated: the key makes a repeat return the first result.
        attempts = self.attempts if method == "GET" or idempotency_key else 1
        for attempt in range(1, attempts + 1):
            try:
                response = await self.http.request(method, prefix + path, json=payload, headers=headers)
                break
            except httpx.TransportError as error:
                if attempt == attempts:
                    kind = "timed out" if isinstance(error, httpx.TimeoutException) else "did not answer"
                    message = f"the reservation service {kind} ({type(error).__name__})"
                    raise ServiceUnreachable(message) from None
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.is_success and isinstance(body, dict):
            return body
        if response.is_success:
            raise ServiceAnswerInvalid("the service's answer is not a JSON object")
        error = body if isinstance(body, dict) else {}
        code = error.get("code") if isinstance(error.get("code"), str) else f"http-{response.status_code}"
        details = error.get("details") if isinstance(error.get("details"), dict) else {}
        raise ServiceRefused(code, str(error.get("message") or code), response.status_code, details)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _proof_json(proof: Proof) -> dict[str, Any]:
    return {
        "auth_certificate": _b64(proof.auth_certificate),
        "sign_certificate": _b64(proof.sign_certificate) if proof.sign_certificate else None,
        "nonce": proof.nonce.hex(),
        "signature": _b64(proof.signature),
    }


def _challenge(body: dict[str, Any]) -> Challenge:
    life = body.get("expires_in")
    if not isinstance(life, int | float) or isinstance(life, bool):
        raise ServiceAnswerInvalid("the answer has no expires_in")
    return Challenge(_hex(body, "nonce"), _when(body, "expires_at"), float(life))


def _text(body: dict[str, Any], key: str) -> str:
    value = body.get(key)
    if not isinstance(value, str):
        raise ServiceAnswerInvalid(f"the answer has no {key}")
    return value


def _hex(body: dict[str, Any], key: str) -> bytes:
    try:
        return bytes.fromhex(_text(body, key))
    except ValueError:
        raise ServiceAnswerInvalid(f"the answer's {key} is not hexadecimal") from None


def _when(body: dict[str, Any], key: str) -> datetime:
    try:
        moment = datetime.fromisoformat(_text(body, key))
    except ValueError:
        raise ServiceAnswerInvalid(f"the answer's {key} is not a date and time") from None
    if moment.tzinfo is None:
        raise ServiceAnswerInvalid(f"the answer's {key} has no time zone")
    return moment


def _service_time(body: object) -> ServiceTime:
    if not isinstance(body, dict):
        raise ServiceAnswerInvalid("the answer has no service time")
    return ServiceTime(
        now=_when(body, "now"),
        kiosk_open=bool(body.get("kiosk_open")),
        next_opening=_when(body, "next_opening"),
        training_clock=bool(body.get("training_clock")),
        training=body.get("training") is True,
    )


def _reservation(body: dict[str, Any]) -> Reservation:
    try:
        reset = PinKind(_text(body, "reset"))
    except ValueError:
        raise ServiceAnswerInvalid("the answer's reset is not a PIN kind") from None
    return Reservation(
        id=_text(body, "id"),
        reset=reset,
        card_identity=_hex(body, "card_identity"),
        status=_text(body, "status"),
        made_at=_when(body, "made_at"),
        deadline=_when(body, "deadline"),
        usable_until=_when(body, "usable_until"),
        issuer_reset=bool(body.get("issuer_reset")),
        replaced_earlier=bool(body.get("replaced_earlier")),
        used_at=_when(body, "used_at") if body.get("used_at") is not None else None,
    )
