"""Database work runs off the event loop, on a pool of threads of its own (asyncio's executor:
a lighter hop than a general-purpose thread runner, and sized for the stores: PostgreSQL's pool
holds up to 16 connections, and SQLite's writers take turns anyway)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

Result = TypeVar("Result")
_THREADS = ThreadPoolExecutor(max_workers=16, thread_name_prefix="jpki-reset-db")


async def off_loop(work: Callable[..., Result], *args: object) -> Result:
    """``work(*args)`` on a database thread; the event loop serves other requests meanwhile."""
    return await asyncio.get_running_loop().run_in_executor(_THREADS, work, *args)
