"""PC/SC readers through pyscard (pcsc-lite's client library, so pcscd must be running).

pyscard's calls block (they release the GIL while they wait). Each ``PcscReader`` therefore runs
every call of its connection on one thread of its own, and the asyncio loop only awaits: it never
blocks (with no loop running, as in ``status``, the calls run on the caller's thread). A wait for
a card has a finite timeout and stops at once when the awaiting task is cancelled
(``SCardCancel``).

A whole card conversation uses one connection, opened exclusively (nobody else can select another
application in the middle of ours) and closed with the card powered down, so a verified PIN does
not outlive the conversation. pyscard does no 61xx/6Cxx handling; ``readers.reader.Channel`` does.
Every PC/SC failure becomes one of the typed errors of ``readers.errors``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from readers.blocking import BlockingReader
from readers.deferred_modules import defer
from readers.errors import (
    CardRemoved,
    NoCard,
    NoReader,
    PcscServiceNotRunning,
    ReaderBusy,
    ReaderError,
    ReaderLost,
    TransportError,
)
from readers.reader import CARD_INSERTED, CARD_REMOVED, READER_LOST, ReaderInfo

# pyscard's package imports its high-level API at its import (sessions, reader objects, observers,
# threading: ~4 ms); a card check uses its ``scard`` layer only, so the package body runs only if
# someone reads a name from it. Not ``from smartcard import scard``: it looks the name up on the
# package first, which runs the body.
defer("smartcard")
import smartcard.scard as scard  # noqa: E402  (after the deferral)

# How long a failed transmit waits for pcscd to notice that the card left (it polls the reader).
REMOVAL_SETTLE_MS = 1500
_PNP = "\\\\?PnP?\\Notification"  # pcsc-lite's pseudo reader: changes when readers come and go


def _code(hresult: int) -> int:
    return hresult & 0xFFFFFFFF


# pcsc-lite answers F_COMM_ERROR to a call in flight when pcscd goes away.
_SERVICE_GONE = {
    _code(scard.SCARD_E_NO_SERVICE),
    _code(scard.SCARD_E_SERVICE_STOPPED),
    _code(scard.SCARD_F_COMM_ERROR),
}
_READER_GONE = {
    _code(scard.SCARD_E_READER_UNAVAILABLE),
    _code(scard.SCARD_E_UNKNOWN_READER),
    _code(scard.SCARD_E_NO_READERS_AVAILABLE),
}
_CARD_GONE = {_code(scard.SCARD_W_REMOVED_CARD), _code(scard.SCARD_E_NO_SMARTCARD)}
# A transmit that failed this way may mean the card left mid-APDU: look before saying so.
_LINK_BROKE = {
    _code(scard.SCARD_E_NOT_TRANSACTED),
    _code(scard.SCARD_E_COMM_DATA_LOST),
    _code(scard.SCARD_W_UNRESPONSIVE_CARD),
    _code(scard.SCARD_W_UNPOWERED_CARD),
}
_CANCELLED = _code(scard.SCARD_E_CANCELLED)
_TIMEOUT = _code(scard.SCARD_E_TIMEOUT)


def _describe(hresult: int) -> str:
    return f"{scard.SCardGetErrorMessage(hresult).strip().rstrip('.')} (0x{_code(hresult):08X})"


def error_for(hresult: int, doing: str) -> ReaderError:
    """The typed error for a failed PC/SC call; ``doing`` says what was being done."""
    code = _code(hresult)
    if code in _SERVICE_GONE:
        return PcscServiceNotRunning(f"the PC/SC service (pcscd) is not running ({doing})")
    if code == _code(scard.SCARD_E_NO_READERS_AVAILABLE):
        return NoReader("no PC/SC reader is connected")
    if code in _READER_GONE:
        return ReaderLost(f"the reader was unplugged or stopped answering ({doing})")
    if code in _CARD_GONE:
        return CardRemoved(f"the card was taken off the reader ({doing})")
    if code == _code(scard.SCARD_E_SHARING_VIOLATION):
        return ReaderBusy("another program is using the card; close it and try again")
    if code == _code(scard.SCARD_W_RESET_CARD):
        return TransportError("another program reset the card: this conversation's state is lost")
    return TransportError(f"{doing}: {_describe(hresult)}")


def _check(hresult: int, doing: str) -> None:
    if _code(hresult) != _code(scard.SCARD_S_SUCCESS):
        raise error_for(hresult, doing)


@dataclass(frozen=True, slots=True)
class PcscSlot:
    """A PC/SC reader as pcscd lists it, and whether a card is on it."""

    name: str
    card_present: bool


def _establish() -> int:
    hresult, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    _check(hresult, "opening a PC/SC context")
    return context


def _release(context: int | None) -> None:
    if context is not None:
        scard.SCardReleaseContext(context)


def _reader_names(context: int) -> list[str]:
    hresult, names = scard.SCardListReaders(context, [])
    if _code(hresult) == _code(scard.SCARD_E_NO_READERS_AVAILABLE):
        return []
    _check(hresult, "listing the readers")
    return list(names)


def _states(context: int, names: list[str]) -> dict[str, tuple[int, bytes]]:
    """Each reader's current state flags and ATR, without waiting."""
    if not names:
        return {}
    query = [(name, scard.SCARD_STATE_UNAWARE) for name in names]
    hresult, states = scard.SCardGetStatusChange(context, 0, query)
    if _code(hresult) == _TIMEOUT:
        return {name: (scard.SCARD_STATE_UNAWARE, b"") for name in names}
    _check(hresult, "reading the readers' state")
    return {name: (state, bytes(atr)) for name, state, atr in states}


def _present(state: int) -> bool:
    return bool(state & scard.SCARD_STATE_PRESENT) and not state & scard.SCARD_STATE_MUTE


def list_slots() -> list[PcscSlot]:
    """The PC/SC readers pcscd knows, with card presence. Quick; raises PcscServiceNotRunning
    when pcscd is not running. Blocking: call it from a worker thread in a UI."""
    context = _establish()
    try:
        names = _reader_names(context)
        states = _states(context, names)
        return [PcscSlot(name, _present(states[name][0])) for name in names]
    finally:
        _release(context)


def choose_reader(names: list[str], wanted: str | None, with_card: set[str]) -> str:
    """The reader ``wanted`` names (exactly, by its start, or by a part of it, ignoring case),
    preferring one with a card on it. Raises NoReader when none fits."""
    if not names:
        raise NoReader("no PC/SC reader is connected")
    if wanted is None:
        candidates = names
    elif wanted in names:
        return wanted
    else:
        lowered = wanted.lower()
        candidates = [n for n in names if n.lower().startswith(lowered)] or [
            n for n in names if lowered in n.lower()
        ]
    if not candidates:
        raise NoReader(f"no PC/SC reader named {wanted!r}; connected: {', '.join(names)}")
    return next((n for n in candidates if n in with_card), candidates[0])


class PcscReader(BlockingReader):
    """A PC/SC reader slot. ``name`` picks the reader (None: the first one with a card);
    ``card_timeout`` is how long ``connect`` waits for a card to be put on the reader."""

    thread_name = "pcsc"

    def __init__(
        self, name: str | None = None, *, card_timeout: float = 0.0, extended_length: bool = False
    ) -> None:
        super().__init__()
        self.wanted = name
        self.card_timeout = card_timeout
        self.info = ReaderInfo("pcsc", name or "PC/SC reader", extended_length)
        self._context: int | None = None
        self._card: int | None = None
        self._protocol = scard.SCARD_PROTOCOL_T1
        self._reader: str | None = None
        self._watching = False

    # --- on the connection's own thread ---------------------------------------------------------

    def _ensure_context(self) -> int:
        if self._context is None:
            self._context = _establish()
        return self._context

    def _pick(self) -> str:
        context = self._ensure_context()
        names = _reader_names(context)
        states = _states(context, names)
        present = {name for name, (state, _) in states.items() if _present(state)}
        return choose_reader(names, self.wanted, present)

    def _wait_present(self, reader: str, timeout_ms: int) -> bool:
        """Block until a card is on ``reader`` (True) or the timeout passes (False)."""
        context = self._ensure_context()
        deadline = time.monotonic() + timeout_ms / 1000
        state = scard.SCARD_STATE_UNAWARE
        while True:
            left = max(0, round((deadline - time.monotonic()) * 1000))
            hresult, states = scard.SCardGetStatusChange(context, left, [(reader, state)])
            if _code(hresult) in (_TIMEOUT, _CANCELLED):
                return False
            _check(hresult, "waiting for a card")
            _, event_state, _ = states[0]
            if event_state & (scard.SCARD_STATE_UNKNOWN | scard.SCARD_STATE_UNAVAILABLE):
                raise ReaderLost(f"the reader {reader!r} is gone")
            if _present(event_state):
                return True
            if left == 0:
                return False
            state = event_state & ~scard.SCARD_STATE_CHANGED

    def _open_card(self, reader: str) -> bytes:
        context = self._ensure_context()
        hresult, card, protocol = scard.SCardConnect(
            context,
            reader,
            scard.SCARD_SHARE_EXCLUSIVE,
            scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1,
        )
        if _code(hresult) in _CARD_GONE:
            raise NoCard(f"no card is on {reader}")
        if _code(hresult) in _LINK_BROKE:
            raise NoCard(f"the card on {reader} does not answer: place it flat on the reader")
        _check(hresult, f"connecting to the card on {reader}")
        self._card, self._protocol = card, protocol
        hresult, _name, _state, _protocol, atr = scard.SCardStatus(card)
        _check(hresult, "reading the card's ATR")
        return bytes(atr)

    # --- the Reader interface -----------------------------------------------------------------

    async def wait_for_card(self, timeout: float) -> None:
        """Wait up to ``timeout`` seconds for a card on the chosen reader; NoCard if none came.
        Cancelling the awaiting task ends the wait at once. Outside a card session it leaves
        nothing open behind it."""
        try:
            await self._await_card(await self._run(self._pick), timeout)
        finally:
            if self._card is None:
                await self._close(scard.SCARD_LEAVE_CARD)

    async def _await_card(self, reader: str, timeout: float) -> None:
        try:
            arrived = await self._run(self._wait_present, reader, max(0, round(timeout * 1000)))
        except BaseException:
            # Above all the awaiting task cancelled (asyncio's CancelledError, named not here so
            # that a loopless ``status`` never imports asyncio): the wait still blocks on the
            # reader's thread. After any other failure nothing waits and the cancel does nothing.
            if self._context is not None:
                scard.SCardCancel(self._context)  # thread-safe: the blocked call returns at once
            raise
        if not arrived:
            raise NoCard(f"no card was put on {reader}")

    async def connect(self) -> bytes:
        try:
            reader = await self._run(self._pick)
            if not await self._run(self._wait_present, reader, 0):
                await self._await_card(reader, self.card_timeout)
                if not self._watching:  # else the watcher reports it
                    self._emit(CARD_INSERTED)
            atr = await self._run(self._open_card, reader)
        except BaseException:
            await self._close(scard.SCARD_LEAVE_CARD)
            raise
        self._reader = reader
        self.info = ReaderInfo("pcsc", reader, self.info.extended_length)
        return atr

    async def transmit(self, command: bytes) -> bytes:
        if self._card is None:
            raise TransportError("no card session: connect first")
        return await self._exchange(self._transmit, command)

    def _transmit(self, command: bytes) -> bytes:
        hresult, response = scard.SCardTransmit(self._card, self._protocol, list(command))
        code = _code(hresult)
        if code == _code(scard.SCARD_S_SUCCESS) and len(response) >= 2:
            return bytes(response)
        if code == _code(scard.SCARD_S_SUCCESS):
            # Some drivers (vpcd among them) report success with no answer when the card left.
            if self._card_left():
                raise CardRemoved("the card was taken off the reader during a command")
            raise TransportError("the reader returned no answer from the card")
        if code in _LINK_BROKE and self._card_left():
            raise CardRemoved("the card was taken off the reader during a command")
        raise error_for(hresult, "sending a command to the card")

    def _card_left(self) -> bool:
        """After a failed exchange: whether the card is gone (pcscd may need a poll to see it)."""
        if self._reader is None or self._context is None:
            return False
        hresult, states = scard.SCardGetStatusChange(
            self._context, 0, [(self._reader, scard.SCARD_STATE_UNAWARE)]
        )
        if _code(hresult) != _code(scard.SCARD_S_SUCCESS):
            return True
        state = states[0][1] & ~scard.SCARD_STATE_CHANGED
        if not _present(state):
            return True
        hresult, states = scard.SCardGetStatusChange(
            self._context, REMOVAL_SETTLE_MS, [(self._reader, state)]
        )
        return _code(hresult) == _code(scard.SCARD_S_SUCCESS) and not _present(states[0][1])

    async def disconnect(self) -> None:
        await self._close(scard.SCARD_UNPOWER_CARD)

    async def _close(self, disposition: int) -> None:
        await self._end_thread(lambda: self._release_all(disposition))

    def _release_all(self, disposition: int) -> None:
        card, self._card = self._card, None
        if card is not None:
            scard.SCardDisconnect(card, disposition)
        context, self._context = self._context, None
        _release(context)

    # --- card and reader events -----------------------------------------------------------------

    async def watch(self) -> None:
        """Report card insertions and removals (and a lost reader) to the listeners until
        cancelled. Uses a context and a thread of its own, so it runs beside a conversation."""
        import asyncio
        from concurrent.futures import ThreadPoolExecutor

        loop = asyncio.get_running_loop()
        watcher = _Watcher(self.wanted, lambda event: loop.call_soon_threadsafe(self._emit, event))
        thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pcsc-watch")
        self._watching = True
        try:
            await loop.run_in_executor(thread, watcher.run)
        except asyncio.CancelledError:
            watcher.cancel()
            raise
        finally:
            self._watching = False
            thread.shutdown(wait=False)


class _Watcher:
    """The blocking loop behind ``PcscReader.watch``."""

    def __init__(self, wanted: str | None, report: Callable[[str], object]) -> None:
        self.wanted, self.report = wanted, report
        self.context = _establish()
        self.stopped = False

    def cancel(self) -> None:
        self.stopped = True
        scard.SCardCancel(self.context)

    def run(self) -> None:
        try:
            reader = choose_reader(_reader_names(self.context), self.wanted, set())
            states = [(reader, scard.SCARD_STATE_UNAWARE), (_PNP, scard.SCARD_STATE_UNAWARE)]
            present: bool | None = None
            while not self.stopped:
                hresult, changed = scard.SCardGetStatusChange(self.context, 60_000, states)
                if _code(hresult) in (_TIMEOUT, _CANCELLED):
                    continue
                if _code(hresult) in _SERVICE_GONE | _READER_GONE:
                    self.report(READER_LOST)
                    return
                _check(hresult, "watching the reader")
                state = changed[0][1]
                if state & (scard.SCARD_STATE_UNKNOWN | scard.SCARD_STATE_UNAVAILABLE):
                    self.report(READER_LOST)
                    return
                now = _present(state)
                if present is not None and now != present:
                    self.report(CARD_INSERTED if now else CARD_REMOVED)
                present = now
                states = [(name, flags & ~scard.SCARD_STATE_CHANGED) for name, flags, _ in changed]
        finally:
            _release(self.context)
