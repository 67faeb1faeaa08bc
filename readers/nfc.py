"""NFC readers driven by nfcpy (Sony RC-S380, RC-S330/360/370, PN533, ...): the My Number Card
as an ISO 14443 Type B card.

nfcpy blocks while it talks to the device, so under an event loop each ``NfcReader`` runs every
nfcpy call of its connection on one thread of its own and the loop only awaits (``status`` runs
them on its own thread, with no loop: ``readers.blocking``). ``connect`` opens the
device by its nfcpy path (``usb``, ``usb:054c:06c3``, ``tty:USB0:pn532``, ``udp:host:port``),
senses a Type B target (waiting up to ``card_timeout`` seconds), activates it and returns the ATR
a PC/SC reader would synthesise for it. ``transmit`` sends raw APDUs with ``Type4BTag.transceive``
(nfcpy's own ``send_apdu`` refuses extended length; this reader sends an extended APDU only when
built with ``extended_length=True``). Every nfcpy failure becomes a typed error.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import threading
import time
from typing import Any

from readers.blocking import BlockingReader
from readers.errors import (
    CardRemoved,
    NoCard,
    NoNfcDevice,
    ReaderAccessDenied,
    ReaderBusy,
    ReaderError,
    ReaderLost,
    TransportError,
)
from readers.nfcpy import Type4BTag, Type4TagCommandError, nfc, udp_vendor_from_os
from readers.reader import CARD_INSERTED, ReaderInfo
from readers.type_b_atr import atr_for

SENSE_PAUSE = 0.1  # seconds between two looks for a card
ACTIVATION_TRIES = 3  # a card that answers SENSB_REQ gets this many more ATTRIBs
NO_DEVICE_HINT = "the kernel's port100 driver or pcscd may hold it"
# nfcpy logs every frame at DEBUG level, VERIFY data included: those records never pass here, so
# turning nfcpy's logging up to find a fault cannot put a PIN in a log.
FRAME_LOGGERS = (
    "nfc.tag.tt4",
    "nfc.clf",
    "nfc.clf.udp",
    "nfc.clf.rcs380",
    "nfc.clf.rcs956",
    "nfc.clf.pn53x",
    "nfc.clf.pn533",
    "nfc.clf.pn532",
    "nfc.clf.pn531",
    "nfc.clf.acr122",
    "nfc.clf.arygon",
    "nfc.clf.transport",
)


def _info_and_above(record: logging.LogRecord) -> bool:
    return record.levelno >= logging.INFO


for _name in FRAME_LOGGERS:
    logging.getLogger(_name).addFilter(_info_and_above)


def open_error(path: str, error: BaseException) -> ReaderError:
    """The typed error for a device nfcpy could not open."""
    number = getattr(error, "errno", None)
    if number == errno.EACCES:
        return ReaderAccessDenied(
            f"the NFC device at {path} is there, but this user may not open it (a udev rule is needed)"
        )
    if number == errno.EBUSY:
        return ReaderBusy(f"the NFC device at {path} is in use: {NO_DEVICE_HINT}")
    if number in (errno.ENODEV, errno.ENOENT, None) or isinstance(error, OSError):
        return NoNfcDevice(f"no NFC device found at {path}: {NO_DEVICE_HINT}")
    return NoNfcDevice(f"the NFC device at {path} cannot be used ({error.__class__.__name__})")


def exchange_error(error: BaseException) -> ReaderError:
    """The typed error for a failed exchange with an activated card."""
    if isinstance(error, Type4TagCommandError) and error.errno == nfc.tag.PROTOCOL_ERROR:
        return TransportError("the card broke the ISO-DEP protocol")
    if isinstance(error, Type4TagCommandError | nfc.clf.CommunicationError):
        return CardRemoved("the card stopped answering: it was taken off the reader")
    if isinstance(error, OSError):
        return ReaderLost("the NFC reader was unplugged or stopped answering")
    return TransportError(f"the NFC exchange failed ({error.__class__.__name__})")


class NfcReader(BlockingReader):
    """An nfcpy device and the Type B card on it."""

    thread_name = "nfc"

    def __init__(
        self, path: str = "usb", *, card_timeout: float = 0.0, extended_length: bool = False
    ) -> None:
        super().__init__()
        self.path = path
        self.card_timeout = card_timeout
        self.info = ReaderInfo("nfc", f"NFC reader ({path})", extended_length)
        self._clf: nfc.ContactlessFrontend | None = None
        self._tag: Type4BTag | None = None
        self._cancel = threading.Event()

    # --- on the connection's thread -------------------------------------------------------------

    def _open(self) -> None:
        if self._clf is not None:
            return
        if self.path.startswith("udp"):
            udp_vendor_from_os()
        clf = nfc.ContactlessFrontend()
        try:
            found = clf.open(self.path)
        except Exception as error:  # nfcpy and libusb raise many kinds; all mean "cannot open"
            raise open_error(self.path, error) from None
        if not found:
            raise NoNfcDevice(f"no NFC device found at {self.path}: {NO_DEVICE_HINT}")
        self._clf = clf
        self.info = ReaderInfo("nfc", str(clf), self.info.extended_length)

    def _sense(self, timeout: float) -> tuple[bytes, bool]:
        """Find and activate a Type B card; returns its ATR and whether we had to wait for it."""
        assert self._clf is not None
        deadline = time.monotonic() + timeout
        waited = False
        failed_activations = 0
        while True:
            target, tag = self._sense_once()
            if isinstance(tag, Type4BTag):
                self._tag = tag
                return atr_for(target.sensb_res, b"\x00"), waited
            if tag is not None:
                raise NoCard("the card on the reader is not an ISO 14443-4 Type B card")
            if target is not None and failed_activations < ACTIVATION_TRIES:
                # A card being put down often misses its first ATTRIB: try again at once.
                failed_activations += 1
                continue
            if self._cancel.is_set() or time.monotonic() >= deadline:
                raise NoCard(f"no card is on the NFC reader ({self.path})")
            waited = True
            self._cancel.wait(SENSE_PAUSE)

    def _sense_once(self) -> tuple[Any, object]:
        """One look for a Type B target and, if one answers, its activation (None if it failed)."""
        assert self._clf is not None
        try:
            target = self._clf.sense(nfc.clf.RemoteTarget("106B"))
            return target, nfc.tag.activate(self._clf, target) if target is not None else None
        except OSError as error:
            raise ReaderLost(f"the NFC reader at {self.path} stopped answering") from error
        except nfc.clf.Error:
            return None, None

    def _transceive(self, command: bytes) -> bytes:
        if self._tag is None:
            raise TransportError("no card session: connect first")
        try:
            answer = self._tag.transceive(bytearray(command))
        except Exception as error:  # nfcpy raises its own and the OS's errors
            self._tag = None
            raise exchange_error(error) from None
        if answer is None or len(answer) < 2:
            raise TransportError("the card's answer has no status word")
        return bytes(answer)

    def _close(self) -> None:
        self._tag = None
        clf, self._clf = self._clf, None
        if clf is not None:
            with contextlib.suppress(Exception):
                clf.close()  # turns the field off: the card's session ends

    # --- the Reader interface -------------------------------------------------------------------

    async def connect(self) -> bytes:
        self._cancel.clear()
        try:
            await self._run(self._open)
            atr, waited = await self._run(self._sense, self.card_timeout)
        except BaseException:
            # A cancelled wait stops the look for a card on the thread (a failed one has stopped).
            self._cancel.set()
            await self._end_thread(self._close)
            raise
        if waited:
            self._emit(CARD_INSERTED)
        return atr

    async def transmit(self, command: bytes) -> bytes:
        return await self._exchange(self._transceive, command)

    async def disconnect(self) -> None:
        await self._end_thread(self._close)
