"""The reservation service as a FastAPI app: the same app in-process (httpx ASGI transport) and on
uvicorn (``jpki-reset serve``). Endpoints are plain ``def``: FastAPI runs them in its thread pool,
where the SQLite store keeps one connection per thread.

Every refusal is a 4xx JSON ``{"code", "message", "details"}`` with a stable code; every error
status is declared in the OpenAPI document.
"""

import base64
import binascii
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.exceptions import HTTPException as StarletteHTTPException

from readers.jpki import PinKind
from reset_flow.service.office import ProofInput, Refusal, ReservationOffice, ServiceSettings
from reset_flow.service.schemas import (
    AuditBody,
    AuthorisationBody,
    AuthorisationRequest,
    CardReservationsBody,
    ChallengeBody,
    CompletionRequest,
    ErrorBody,
    HealthBody,
    ProofBody,
    ReservationBody,
    ReservationRequest,
    ServiceTimeBody,
)
from reset_flow.service.store import ReservationStore
from reset_flow.service.training_mark import TrainingMark

__all__ = ["ServiceSettings", "build_app"]

_bearer = HTTPBearer(auto_error=False, description="a terminal token")
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        pattern=r"^[A-Za-z0-9_-]{8,128}$",
        description="repeat a request with the same key to get its first answer again",
    ),
]
ReservationId = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$")]


def _terminal(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> int:
    office: ReservationOffice = request.app.state.office
    return office.terminal(credentials.credentials if credentials else None)


Terminal = Annotated[int, Depends(_terminal)]


def _errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    described = {400: "bad input", 401: "no valid terminal token", 403: "proof refused", 404: "not found"}
    described |= {409: "conflict", 410: "gone (expired)", 422: "invalid request"}
    return {status: {"model": ErrorBody, "description": described[status]} for status in statuses}


def build_app(settings: ServiceSettings, store: ReservationStore) -> FastAPI:
    office = ReservationOffice(settings, store)
    app = FastAPI(
        title="jpki-reset reservation service",
        version="1",
        description="Challenges, reservations (step 1), reset authorisations and completions (step 2).",
    )
    app.state.office = office
    if settings.trust.training:
        app.add_middleware(TrainingMark)  # every answer says TRAINING

    @app.exception_handler(Refusal)
    async def refused(request: Request, refusal: Refusal) -> JSONResponse:
        body = {"code": refusal.code, "message": refusal.message, "details": refusal.details}
        headers = {"WWW-Authenticate": "Bearer"} if refusal.status == 401 else None
        return JSONResponse(body, status_code=refusal.status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError) -> JSONResponse:
        # Name the fields, never echo their values (they could be anything a client sent).
        fields = sorted({".".join(str(p) for p in e.get("loc", ())) for e in error.errors()})
        body = {
            "code": "invalid-request",
            "message": "the request does not match the API",
            "details": {"fields": fields},
        }
        return JSONResponse(body, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        if error.status_code == 400:  # a body the framework could not parse: same as bad JSON
            return await invalid(request, RequestValidationError([]))
        codes = {404: "not-found", 405: "method-not-allowed"}
        code = codes.get(error.status_code, f"http-{error.status_code}")
        body = {"code": code, "message": str(error.detail), "details": {}}
        return JSONResponse(body, status_code=error.status_code)

    @app.get("/health", response_model=HealthBody, tags=["service"])
    async def health() -> dict[str, Any]:
        """The cheapest endpoint: no token, no database, no thread hop."""
        return {"status": "ok"}

    @app.get("/v1/time", response_model=ServiceTimeBody, responses=_errors(401), tags=["service"])
    def time(_: Terminal) -> dict[str, Any]:
        """The service's clock and the kiosk window by it."""
        return office.service_time()

    @app.post("/v1/challenges", response_model=ChallengeBody, responses=_errors(401), tags=["proof"])
    def challenge(terminal: Terminal) -> dict[str, Any]:
        """A single-use nonce for this terminal, valid for two minutes."""
        return office.new_challenge(terminal)

    @app.post(
        "/v1/reservations",
        response_model=ReservationBody,
        responses=_errors(400, 401, 403, 404, 409, 410, 422),
        tags=["step 1"],
    )
    def reserve(body: ReservationRequest, terminal: Terminal, key: IdempotencyKey = None) -> dict[str, Any]:
        """Step 1: record a reservation (24 h) for resetting ``reset``, proven by the other PIN's key."""
        return office.reserve(terminal, PinKind(body.reset), _proof(body), key)

    @app.get(
        "/v1/cards/{card_identity}/reservations",
        response_model=CardReservationsBody,
        responses=_errors(401, 422),
        tags=["step 2"],
    )
    def card_reservations(
        card_identity: Annotated[str, Path(pattern=r"^[0-9a-f]{32}$")], _: Terminal
    ) -> dict[str, Any]:
        """This card's active (or expired, not yet replaced) reservations and the service's time."""
        return office.card_reservations(bytes.fromhex(card_identity))

    @app.post(
        "/v1/reservations/{reservation_id}/authorisations",
        response_model=AuthorisationBody,
        responses=_errors(400, 401, 403, 404, 409, 410, 422),
        tags=["step 2"],
    )
    def authorise(
        reservation_id: ReservationId,
        body: AuthorisationRequest,
        terminal: Terminal,
        key: IdempotencyKey = None,
    ) -> dict[str, Any]:
        """Step 2: proof again, 24 h and the kiosk window by the service's clock; the training cryptogram."""
        challenge = bytes.fromhex(body.card_challenge) if body.card_challenge else None
        return office.authorise(terminal, reservation_id, _proof(body), challenge, key)

    @app.post(
        "/v1/reservations/{reservation_id}/completion",
        response_model=ReservationBody,
        responses=_errors(401, 404, 409, 422),
        tags=["step 2"],
    )
    def complete(
        reservation_id: ReservationId, body: CompletionRequest, terminal: Terminal, key: IdempotencyKey = None
    ) -> dict[str, Any]:
        """The card took the new PIN: the reservation is used, exactly once."""
        return office.complete(terminal, reservation_id, body.authorisation_id, key)

    @app.get("/v1/audit", response_model=AuditBody, responses=_errors(401, 422), tags=["service"])
    def audit(
        _: Terminal,
        reservation_id: Annotated[str | None, Query(pattern=r"^[0-9a-f]{32}$")] = None,
        limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
    ) -> dict[str, Any]:
        """The append-only audit trail (oldest first)."""
        return {"entries": office.audit_entries(reservation_id, limit)}

    return app


def _proof(body: ProofBody) -> ProofInput:
    return ProofInput(
        auth_certificate=_decode(body.auth_certificate, "auth_certificate"),
        nonce=bytes.fromhex(body.nonce),
        signature=_decode(body.signature, "signature"),
        sign_certificate=_decode(body.sign_certificate, "sign_certificate")
        if body.sign_certificate
        else None,
    )


def _decode(text: str, field: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise Refusal(400, "invalid-base64", f"{field} is not valid base64", field=field) from None
