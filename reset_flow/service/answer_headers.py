"""Headers on every answer, added by one plain ASGI wrapper outside the gate (so that the gate's
refusals, its token lookup and the body read carry them and are counted too):

- ``Server-Timing: app;dur=…``: how long the service took over the answer, in milliseconds, from
  the moment the app got the request to the moment the answer's head was ready, so that a
  terminal, a proxy log or a bench can tell the service's own time from the network's and the
  client's. It is only a number: no request data goes into it. What the HTTP server does before
  the app is called is not counted.
- ``JPKI-Reset-Mode: TRAINING`` in training mode. Training mode trusts the training CAs, whose
  keys are public: anyone can make a "card" such a service accepts. A client, a proxy log or a
  person with curl sees on every answer that this is not a service for residents' cards.
"""

from __future__ import annotations

from time import perf_counter

from starlette.types import ASGIApp, Message, Receive, Scope, Send

TIMING_HEADER = b"server-timing"
MODE_HEADER = "JPKI-Reset-Mode"
TRAINING = "TRAINING"


class AnswerHeaders:
    def __init__(self, app: ASGIApp, *, training: bool) -> None:
        self.app = app
        self.mode = [(MODE_HEADER.lower().encode(), TRAINING.encode())] if training else []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        began = perf_counter()

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                took = f"app;dur={(perf_counter() - began) * 1000:.3f}".encode()
                headers = [*message.get("headers", ()), *self.mode, (TIMING_HEADER, took)]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)
