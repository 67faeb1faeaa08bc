"""Step 1's two requests on a lean path. A step-1 proof is a challenge and a reservation; through
FastAPI's per-request machinery (dependency solving, parameter validation one by one) the pair cost
several times the cheapest request. These routes take the same requests, validate the body with the
same pydantic model in one call, and call the very endpoint functions FastAPI documents, so the
behaviour, the refusals and the OpenAPI document stay one.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from starlette.responses import Response
from starlette.routing import Route

from reset_flow.service.schemas import ReservationRequest

IDEMPOTENCY_KEY = r"^[A-Za-z0-9_-]{8,128}$"
_KEY = re.compile(IDEMPOTENCY_KEY)
_JSON = re.compile(r"^application/(?:[\w.+-]+\+)?json\s*(?:;.*)?$", re.IGNORECASE)

Terminal = Callable[[Request], Awaitable[int]]


def add_lean_routes(
    app: FastAPI,
    terminal: Terminal,
    challenge: Callable[[int], Awaitable[Response]],
    reserve: Callable[[ReservationRequest, int, str | None], Awaitable[Response]],
) -> None:
    """Serve POST /v1/challenges and POST /v1/reservations ahead of FastAPI's routes for them."""

    async def lean_challenge(request: Request) -> Response:
        return await challenge(await terminal(request))

    async def lean_reserve(request: Request) -> Response:
        who = await terminal(request)
        key = request.headers.get("idempotency-key")
        problems: list[dict[str, Any]] = []
        if key is not None and not _KEY.match(key):
            problems.append({"loc": ("header", "Idempotency-Key"), "type": "string_pattern_mismatch"})
        kind = request.headers.get("content-type")
        if kind is not None and not _JSON.match(kind):
            problems.append({"loc": ("body",), "type": "model_attributes_type"})
        if problems:
            raise RequestValidationError(problems)
        try:
            body = ReservationRequest.model_validate_json(await request.body())
        except ValidationError as error:
            raise RequestValidationError(
                [{"loc": ("body", *e["loc"]), "type": e["type"]} for e in error.errors()]
            ) from None
        return await reserve(body, who, key)

    app.router.routes[:0] = [
        Route("/v1/challenges", lean_challenge, methods=["POST"], include_in_schema=False),
        Route("/v1/reservations", lean_reserve, methods=["POST"], include_in_schema=False),
    ]
