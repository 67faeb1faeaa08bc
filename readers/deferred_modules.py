"""Third-party modules put in ``sys.modules`` unrun, their body run when a name is first read from
them: a reader's library imports, at its own import, parts a card check never uses.

The import system reads only a module's ``__spec__`` (and a package's ``__path__``, both set here)
when it finds one already in ``sys.modules``: ``import nfc.llcp`` and ``from . import llcp`` bind
it, and ``import smartcard.scard`` imports a submodule under it, without running its body (not
``from smartcard import scard``, which looks the name up on the package first).
Anyone who reads a name from it later gets it, only then; a missing package still fails the
import as before. Names a library takes from a deferred module with ``from ... import`` at its own
import are given as stand-ins that run the body on their first call, then call the real one.
"""

from __future__ import annotations

import _thread
import importlib.machinery
import importlib.util
import sys
import types
from collections.abc import Callable
from typing import Any

# One body runs at a time, and a second thread that meets a module while its body runs waits for
# it, instead of reading a half-made module. Re-entrant: a body may read its own module's names.
# (``_thread``'s lock, so that a card check does not import ``threading`` for it.)
_RUNNING = "__deferred_body_running__"
_bodies = _thread.RLock()


class _LoadedOnFirstUse(types.ModuleType):
    """A module whose body has not run yet; reading a name it lacks runs it (once)."""

    def __getattr__(self, name: str) -> object:
        _run_body(self)
        if isinstance(self, _LoadedOnFirstUse):  # asked by its own body, which has not set it yet
            raise AttributeError(f"module {self.__name__!r} has no attribute {name!r}")
        return getattr(self, name)


def _run_body(module: types.ModuleType) -> None:
    with _bodies:
        if not isinstance(module, _LoadedOnFirstUse) or module.__dict__.get(_RUNNING):
            return
        module.__dict__[_RUNNING] = True
        try:
            module.__spec__.loader.exec_module(module)  # type: ignore[union-attr]
        finally:
            del module.__dict__[_RUNNING]
        module.__class__ = types.ModuleType  # from here on an ordinary module


def _stand_in(module: types.ModuleType, name: str) -> Callable[..., Any]:
    """A function that runs ``module``'s body, then calls the ``name`` it defines."""

    def call(*args: Any, **kwargs: Any) -> Any:
        _run_body(module)  # binds the real function under ``name``, in place of this one
        return getattr(module, name)(*args, **kwargs)

    return call


def defer(name: str, imported_names: tuple[str, ...] = ()) -> None:
    """Put ``name`` (a module, or a subpackage of a package not imported yet) in ``sys.modules``,
    unrun, with stand-ins for ``imported_names``. Call it before the library is imported."""
    top, _, rest = name.partition(".")
    if name in sys.modules or top in sys.modules:
        return  # already imported here: nothing to save
    spec = importlib.machinery.PathFinder.find_spec(top)
    if spec is not None and rest:
        if spec.submodule_search_locations is None:
            return
        spec = importlib.machinery.PathFinder.find_spec(name, spec.submodule_search_locations)
    if spec is None or spec.loader is None:
        return  # not installed: the import fails as it would have
    module = importlib.util.module_from_spec(spec)
    module.__class__ = _LoadedOnFirstUse
    for imported in imported_names:
        setattr(module, imported, _stand_in(module, imported))
    sys.modules[name] = module
