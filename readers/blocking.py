"""Base of the backends whose library blocks (pyscard, nfcpy).

Under an event loop, every call of a connection runs on one thread of its own, in order, and the
loop only awaits: it never blocks. The thread lives from the first call to ``_end_thread``.

With no loop running (a one-shot command such as ``status`` driving its coroutine to the end
itself), there is nothing to keep free: the calls run on the caller's thread, in the same order,
and neither asyncio nor a thread is started.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from readers.apdu import is_extended
from readers.errors import CardRemoved, ExtendedLengthUnsupported, NoReader
from readers.reader import CARD_REMOVED, READER_LOST, Reader

if TYPE_CHECKING:
    from concurrent.futures import ThreadPoolExecutor

T = TypeVar("T")


def loop_running() -> bool:
    """Whether an asyncio event loop runs on this thread. Asyncio not imported means no loop, and
    a one-shot command that never imports it saves its import time."""
    asyncio = sys.modules.get("asyncio")
    if asyncio is None:
        return False
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


class BlockingReader(Reader):
    thread_name = "reader"  # names the thread in debuggers and logs

    def __init__(self) -> None:
        super().__init__()
        self._thread: ThreadPoolExecutor | None = None

    async def _run(self, function: Callable[..., T], *args: Any) -> T:
        if not loop_running():
            return function(*args)
        import asyncio
        from concurrent.futures import ThreadPoolExecutor

        if self._thread is None:
            self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix=self.thread_name)
        return await asyncio.get_running_loop().run_in_executor(self._thread, function, *args)

    async def _end_thread(self, last: Callable[[], None]) -> None:
        """Run ``last`` where the calls ran (its errors do not matter any more), then let the
        thread go."""
        if self._thread is None:
            if not loop_running():  # the calls ran here, or none ran: ``last`` is then a no-op
                with contextlib.suppress(Exception):
                    last()
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
