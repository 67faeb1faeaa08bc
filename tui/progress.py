"""A pass-through reader that counts commands (progress while a card is read) and keeps the last
link failure, whose details (a replay mismatch's line and commands) the flows' states do not carry."""

from __future__ import annotations

from collections.abc import Callable

from readers.errors import ReaderError
from readers.reader import Reader

ProgressListener = Callable[[int], None]


class CountingReader(Reader):
    """Forwards everything to ``inner``; tells ``listener`` how many commands went so far."""

    def __init__(self, inner: Reader) -> None:
        super().__init__()
        self.inner = inner
        self.info = inner.info
        self.count = 0
        self.listener: ProgressListener | None = None
        self.last_error: ReaderError | None = None
        inner.add_listener(self._emit)

    async def connect(self) -> bytes:
        return await self.inner.connect()

    async def transmit(self, command: bytes) -> bytes:
        try:
            answer = await self.inner.transmit(command)
        except ReaderError as error:
            self.last_error = error
            raise
        self.count += 1
        if self.listener is not None:
            self.listener(self.count)
        return answer

    async def disconnect(self) -> None:
        await self.inner.disconnect()
