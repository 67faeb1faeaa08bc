"""Every answer of a service in training mode says so: a ``JPKI-Reset-Mode: TRAINING`` header.

Training mode trusts the training CAs, whose keys are public: anyone can make a "card" such a
service accepts. A client, a proxy log or a person with curl sees on every answer that this is
not a service for residents' cards. A plain ASGI wrapper: no per-request cost beyond the header.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

MODE_HEADER = "JPKI-Reset-Mode"
TRAINING = "TRAINING"


class TrainingMark:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def marked(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [*message.get("headers", ()), (MODE_HEADER.lower().encode(), TRAINING.encode())]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, marked)
