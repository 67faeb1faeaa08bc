"""The reservation service as a FastAPI app: the same app in-process (httpx ASGI transport) and on
uvicorn (``jpki-reset serve``). Endpoints are plain ``def``: FastAPI runs them in its thread pool,
where the stores keep one connection per thread (SQLite) or a pool (PostgreSQL).

Every refusal is a 4xx JSON ``{"code", "message", "details"}`` with a stable code; a database that
cannot be used is 503 ``storage-unavailable``. Every status is declared in the OpenAPI document.
The token and the body size are checked before the body is read (``gate.Gate``).
"""

import asyncio
import base64
import binascii
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from readers.jpki import PinKind
from reset_flow.proof import Proof
from reset_flow.service.answer_headers import AnswerHeaders
from reset_flow.service.gate import Gate
from reset_flow.service.lean_routes import IDEMPOTENCY_KEY, add_lean_routes
from reset_flow.service.off_loop import off_loop
from reset_flow.service.office import Refusal, ReservationOffice, ServiceSettings
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
from reset_flow.service.store import DatabaseState, ReservationStore, Role, StorageUnavailable, TerminalRecord

__all__ = ["ServiceSettings", "build_app"]

MAINTENANCE_SECONDS = 30.0  # how often a served app prunes and probes its database
_log = logging.getLogger("jpki_reset.service")
# The gate checks the token before the body is read; the OpenAPI document says so (_documented).
BEARER = {"type": "http", "scheme": "bearer", "description": "a terminal token"}
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        pattern=IDEMPOTENCY_KEY,
        description="repeat a request with the same key to get its first answer again",
    ),
]
ReservationId = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$")]


# Dependencies and endpoints are ``async``: what touches the database runs in the thread pool
# through one explicit hop (``off_loop``); everything else stays on the event loop.


async def _reader(request: Request) -> TerminalRecord:
    return request.state.terminal  # put there by the gate


async def _terminal(request: Request) -> int:
    reader: TerminalRecord = request.state.terminal
    if reader.role is not Role.TERMINAL:
        raise Refusal(
            403, "terminal-role-needed", "an admin token reads the audit trail; proofs need a terminal's"
        )
    return reader.id


Reader = Annotated[TerminalRecord, Depends(_reader)]  # any valid token
Terminal = Annotated[int, Depends(_terminal)]  # a counter's terminal


def _errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    described = {400: "bad input", 401: "no valid terminal token", 403: "refused", 404: "not found"}
    described |= {409: "conflict", 410: "gone (expired)", 413: "body too large", 422: "invalid request"}
    described |= {429: "too many requests (see Retry-After)", 503: "the database cannot be used now"}
    statuses = (*statuses, 401, 413, 429, 503)
    return {
        status: {"model": ErrorBody, "description": described[status]} for status in sorted(set(statuses))
    }


# The app's type, named here so that the code outside the service need not import the framework.
ServiceApp = FastAPI


def build_app(settings: ServiceSettings, store: ReservationStore) -> ServiceApp:
    office = ReservationOffice(settings, store)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        upkeep = asyncio.create_task(_maintain(office))
        yield
        upkeep.cancel()
        with suppress(asyncio.CancelledError):
            await upkeep

    app = FastAPI(
        title="jpki-reset reservation service",
        version="1",
        description="Challenges, reservations (step 1), reset authorisations and completions (step 2).",
        lifespan=lifespan,
    )
    app.state.office = office
    app.add_middleware(Gate, office=office)
    # Added last, so outermost: the gate's refusals say TRAINING too, and its time is counted.
    app.add_middleware(AnswerHeaders, training=settings.trust.training)
    app.openapi = lambda: _documented(app)  # type: ignore[method-assign]

    @app.exception_handler(Refusal)
    async def refused(request: Request, refusal: Refusal) -> JSONResponse:
        body = {"code": refusal.code, "message": refusal.message, "details": refusal.details}
        headers = {"WWW-Authenticate": "Bearer"} if refusal.status == 401 else {}
        if "retry_after" in refusal.details:
            headers["Retry-After"] = str(max(1, round(refusal.details["retry_after"])))
        return JSONResponse(body, status_code=refusal.status, headers=headers)

    @app.exception_handler(StorageUnavailable)
    async def unavailable(request: Request, problem: StorageUnavailable) -> JSONResponse:
        _log.warning("storage unavailable: %s", problem)
        body = {"code": "storage-unavailable", "message": "the database cannot be used now", "details": {}}
        return JSONResponse(body, status_code=503, headers={"Retry-After": "5"})

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
        return JSONResponse(body, status_code=error.status_code, headers=getattr(error, "headers", None))

    @app.get("/health", response_model=HealthBody, responses={503: {"model": HealthBody}}, tags=["service"])
    async def health() -> JSONResponse:
        """No token, no query: the database's state as the last operations and the periodic probe
        found it (and, for SQLite, whether its file is still there). 503 when it cannot be used."""
        state = store.state()
        ok = state is DatabaseState.OK
        body = {"status": "ok" if ok else "unavailable", "database": state.value}
        return JSONResponse(body, status_code=200 if ok else 503)

    @app.get("/v1/time", response_model=ServiceTimeBody, responses=_errors(401), tags=["service"])
    async def time(_: Reader) -> Response:
        """The service's clock and the kiosk window by it."""
        return _json(office.service_time())

    @app.post("/v1/challenges", response_model=ChallengeBody, responses=_errors(403), tags=["proof"])
    async def challenge(terminal: Terminal) -> Response:
        """A single-use nonce for this terminal, valid for two minutes (signed, not stored)."""
        return _json(office.new_challenge(terminal))

    @app.post(
        "/v1/reservations",
        response_model=ReservationBody,
        responses=_errors(400, 401, 403, 404, 409, 410, 422),
        tags=["step 1"],
    )
    async def reserve(body: ReservationRequest, terminal: Terminal, key: IdempotencyKey = None) -> Response:
        """Step 1: record a reservation (24 h) for resetting ``reset``, proven by the other PIN's key."""
        return _json(await off_loop(office.reserve, terminal, PinKind(body.reset), _proof(body), key))

    add_lean_routes(app, _terminal, challenge, reserve)

    @app.get(
        "/v1/cards/{card_identity}/reservations",
        response_model=CardReservationsBody,
        responses=_errors(403, 422),
        tags=["step 2"],
    )
    async def card_reservations(
        card_identity: Annotated[str, Path(pattern=r"^[0-9a-f]{32}$")], _: Terminal
    ) -> Response:
        """This card's active (or expired, not yet replaced) reservations and the service's time."""
        return _json(await off_loop(office.card_reservations, bytes.fromhex(card_identity)))

    @app.post(
        "/v1/reservations/{reservation_id}/authorisations",
        response_model=AuthorisationBody,
        responses=_errors(400, 401, 403, 404, 409, 410, 422),
        tags=["step 2"],
    )
    async def authorise(
        reservation_id: ReservationId,
        body: AuthorisationRequest,
        terminal: Terminal,
        key: IdempotencyKey = None,
    ) -> dict[str, Any]:
        """Step 2: proof again, 24 h and the kiosk window by the service's clock; the training cryptogram."""
        challenge = bytes.fromhex(body.card_challenge) if body.card_challenge else None
        proof = _proof(body)
        return _json(await off_loop(office.authorise, terminal, reservation_id, proof, challenge, key))

    @app.post(
        "/v1/reservations/{reservation_id}/completion",
        response_model=ReservationBody,
        responses=_errors(401, 403, 404, 409, 422),
        tags=["step 2"],
    )
    async def complete(
        reservation_id: ReservationId, body: CompletionRequest, terminal: Terminal, key: IdempotencyKey = None
    ) -> dict[str, Any]:
        """The card took the new PIN: the reservation is used, exactly once."""
        completion = (terminal, reservation_id, body.authorisation_id, key)
        return _json(await off_loop(office.complete, *completion))

    @app.get("/v1/audit", response_model=AuditBody, responses=_errors(401, 422), tags=["service"])
    async def audit(
        reader: Reader,
        reservation_id: Annotated[str | None, Query(pattern=r"^[0-9a-f]{32}$")] = None,
        limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
    ) -> dict[str, Any]:
        """The append-only audit trail (oldest first): a terminal's own rows, or all for an admin token."""
        return _json({"entries": await off_loop(office.audit_entries, reader, reservation_id, limit)})

    return app


async def _maintain(office: ReservationOffice) -> None:
    """Prune in small batches (each a short transaction, so requests interleave) and probe."""
    while True:
        await asyncio.sleep(MAINTENANCE_SECONDS)
        try:
            while await off_loop(office.prune) >= 500:
                await asyncio.sleep(0.05)
        except StorageUnavailable as problem:
            _log.warning("pruning skipped: %s", problem)
        except Exception:  # the upkeep must outlive any one failure; the requests report their own
            _log.exception("pruning failed")
        state = await off_loop(office.store.probe)
        if state is not DatabaseState.OK:
            _log.warning("the database does not take writes")


def _documented(app: FastAPI) -> dict[str, Any]:
    """The OpenAPI document, with the bearer token every ``/v1`` operation needs."""
    if app.openapi_schema is None:
        schema = FastAPI.openapi(app)
        schema.setdefault("components", {})["securitySchemes"] = {"bearer": BEARER}
        for path, operations in schema["paths"].items():
            if path.startswith("/v1/"):
                for operation in operations.values():
                    operation["security"] = [{"bearer": []}]
    return app.openapi_schema or schema


def _json(body: dict[str, Any]) -> Response:
    """The answer, encoded once: the office builds it to the declared model (the OpenAPI tests
    check every answer against it), so the framework need not validate it again."""
    text = json.dumps(body, default=_moment, separators=(",", ":"))
    return Response(text.encode(), media_type="application/json")


def _moment(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"cannot encode {type(value).__name__}")


def _proof(body: ProofBody) -> Proof:
    return Proof(
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
