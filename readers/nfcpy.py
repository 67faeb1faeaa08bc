"""nfcpy for card access only: the parts a card over ISO-DEP never needs load on first use.

``import nfc`` imports ``nfc.llcp``, its peer-to-peer half, whose security module looks for an
OpenSSL 1.0 library with ``ctypes.util.find_library`` (a run of ``ldconfig``): a third of nfcpy's
import time; and the services over it, ``nfc.snep`` and ``nfc.handover``. ``nfc.clf`` imports
``usb1`` (with ctypes and json) for USB devices, which a ``udp:`` or ``tty:`` device never uses,
and pyserial for ``tty:`` devices. ``nfc.tag`` imports ``ndef``, the NDEF message library (with
``uuid`` and ``platform``), for tags that hold NDEF messages, which an ISO-DEP card check never
reads. Before nfcpy is imported, each is put in ``sys.modules`` as a module whose body runs when a
name is first read from it: nfcpy and anyone else still find every name there, only later, and a
missing package still fails the import as before. The two functions ``nfc.tag`` takes from
``ndef`` by name are stand-ins that run the body on their first call, then call the real one.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import sys
import types
from collections.abc import Callable
from typing import Any

# Each deferred module, and the names imported from it with ``from ... import`` at nfcpy's import.
DEFERRED: dict[str, tuple[str, ...]] = {
    "nfc.llcp": (),
    "nfc.snep": (),
    "nfc.handover": (),
    "usb1": (),
    "serial": (),
    "ndef": ("message_decoder", "message_encoder"),
}


class _LoadedOnFirstUse(types.ModuleType):
    """A module whose body has not run yet; reading a name it lacks runs it (once)."""

    def __getattr__(self, name: str) -> object:
        _run_body(self)
        return getattr(self, name)


def _run_body(module: types.ModuleType) -> None:
    if isinstance(module, _LoadedOnFirstUse):
        module.__class__ = types.ModuleType  # from here on an ordinary module
        module.__spec__.loader.exec_module(module)  # type: ignore[union-attr]


def _stand_in(module: types.ModuleType, name: str) -> Callable[..., Any]:
    """A function that runs ``module``'s body, then calls the ``name`` it defines."""

    def call(*args: Any, **kwargs: Any) -> Any:
        _run_body(module)  # binds the real function under ``name``, in place of this one
        return getattr(module, name)(*args, **kwargs)

    return call


def _defer(name: str, imported_names: tuple[str, ...]) -> None:
    """Put ``name`` (a module, or a subpackage of a package not imported yet) in ``sys.modules``,
    unrun. The import system reads only a module's ``__spec__`` (set here) when it finds one
    already in ``sys.modules``: ``import nfc.llcp`` and ``from . import llcp`` bind it unrun."""
    top, _, rest = name.partition(".")
    if name in sys.modules or top in sys.modules:
        return  # already imported here: nothing to save
    spec = importlib.machinery.PathFinder.find_spec(top)
    if spec is not None and rest:
        if spec.submodule_search_locations is None:
            return
        spec = importlib.machinery.PathFinder.find_spec(name, spec.submodule_search_locations)
    if spec is None or spec.loader is None:
        return  # not installed: the import below fails as it would have
    module = importlib.util.module_from_spec(spec)
    module.__class__ = _LoadedOnFirstUse
    for imported in imported_names:
        setattr(module, imported, _stand_in(module, imported))
    sys.modules[name] = module


for _name, _imported in DEFERRED.items():
    _defer(_name, _imported)

import nfc  # noqa: E402  (after the deferral, which must come first)
import nfc.clf  # noqa: E402
import nfc.tag  # noqa: E402
from nfc.tag.tt4 import Type4BTag, Type4TagCommandError  # noqa: E402

__all__ = ["Type4BTag", "Type4TagCommandError", "nfc", "udp_vendor_from_os"]


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
