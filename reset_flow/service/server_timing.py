"""Every answer says how long the service took over it: a standard ``Server-Timing: app;dur=…``
header (milliseconds, from the moment the app got the request to the moment its answer's head was
ready), so that a terminal, a proxy log or a bench can tell the service's own time from the
network's and the client's. It is only a number: no request data goes into it.

A plain ASGI wrapper outside the gate, so that the gate's refusals, its token lookup and the body
read are counted too (what the HTTP server does before the app is called is not).
"""

from __future__ import annotations

from time import perf_counter

from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADER = b"server-timing"


class ServerTiming:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        began = perf_counter()

        async def timed(message: Message) -> None:
            if message["type"] == "http.response.start":
                took = f"app;dur={(perf_counter() - began) * 1000:.3f}".encode()
                message = {**message, "headers": [*message.get("headers", ()), (HEADER, took)]}
            await send(message)

        await self.app(scope, receive, timed)
