"""nfcpy for card access only: the parts a card over ISO-DEP never needs load on first use.

``import nfc`` imports ``nfc.llcp``, its peer-to-peer half, whose security module looks for an
OpenSSL 1.0 library with ``ctypes.util.find_library`` (a run of ``ldconfig``): a third of nfcpy's
import time; and the services over it, ``nfc.snep`` and ``nfc.handover``. ``nfc.clf`` imports
``usb1`` (with ctypes and json) for USB devices, which a ``udp:`` or ``tty:`` device never uses,
and pyserial for ``tty:`` devices. ``nfc.tag`` imports ``ndef``, the NDEF message library (with
``uuid`` and ``platform``), for tags that hold NDEF messages, which an ISO-DEP card check never
reads. Each is deferred (``readers.deferred_modules``) before nfcpy is imported; the two
functions ``nfc.tag`` takes from ``ndef`` by name are stand-ins that load it on first call.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from readers.deferred_modules import defer

# Each deferred module, and the names imported from it with ``from ... import`` at nfcpy's import.
DEFERRED: dict[str, tuple[str, ...]] = {
    "nfc.llcp": (),
    "nfc.snep": (),
    "nfc.handover": (),
    "usb1": (),
    "serial": (),
    "ndef": ("message_decoder", "message_encoder"),
}

for _name, _imported in DEFERRED.items():
    defer(_name, _imported)

import nfc  # noqa: E402  (after the deferral, which must come first)
import nfc.clf  # noqa: E402
import nfc.tag  # noqa: E402
from nfc.tag.tt4 import Type4BTag, Type4TagCommandError  # noqa: E402

__all__ = ["Type4BTag", "Type4TagCommandError", "nfc", "udp_vendor_from_os"]


@cache  # once per process: every udp: open calls it
def udp_vendor_from_os() -> None:
    """nfcpy's udp driver names its vendor ``platform.uname()[0]``, and reading that tuple runs
    ``uname -p`` in a subprocess for the processor field it never reads (~8 ms of a card check on
    a ``udp:`` device). Its ``init`` made anew, the same name from ``os.uname()``; call it before
    a ``udp:`` path is opened."""
    import os

    import nfc.clf.udp as udp

    def init(host: str, port: int) -> Any:
        device = udp.Device(host, port)
        device._vendor_name = os.uname().sysname  # what platform.uname()[0] says on Linux
        device._device_name = "IP-Stack"
        device._chipset_name = "UDP"
        return device

    udp.init = init
