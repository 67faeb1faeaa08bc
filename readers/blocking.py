"""Base of the backends whose library blocks (pyscard, nfcpy).

Every call of a connection runs on one thread of its own, in order, and the asyncio loop only
awaits: it never blocks. The thread lives from the first call to ``_end_thread``.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from readers.apdu import is_extended
from readers.errors import CardRemoved, ExtendedLengthUnsupported, NoReader
from readers.reader import CARD_REMOVED, READER_LOST, Reader

T = TypeVar("T")


class BlockingReader(Reader):
    thread_name = "reader"  # names the thread in debuggers and logs

    def __init__(self) -> None:
        super().__init__()
        self._thread: ThreadPoolExecutor | None = None

    async def _run(self, function: Callable[..., T], *args: Any) -> T:
        if self._thread is None:
            self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix=self.thread_name)
        return await asyncio.get_running_loop().run_in_executor(self._thread, function, *args)

    async def _end_thread(self, last: Callable[[], None]) -> None:
        """Run ``last`` on the thread (its errors do not matter any more), then let it go."""
        if self._thread is None:
            return
        with contextlib.suppress(Exception):
            await self._run(last)
        self._thread.shutdown(wait=False)
        self._thread = None

    async def _exchange(self, function: Callable[[bytes], bytes], command: bytes) -> bytes:
        """One APDU through ``function`` on the thread. Refuses extended APDUs on a short link
        and tells the listeners when the card or the reader is lost."""
        if not self.info.extended_length and is_extended(command):
            raise ExtendedLengthUnsupported(f"{self.info.name} is used with short APDUs only")
        try:
            return await self._run(function, command)
        except CardRemoved:
            self._emit(CARD_REMOVED)
            raise
        except NoReader:
            self._emit(READER_LOST)
            raise
