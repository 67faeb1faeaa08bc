"""A deferred module (readers.deferred_modules) behaves as the module once anyone uses it: its
names come from ``import``, ``from ... import`` and the stand-ins, its body run once, on first use."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_deferred_module_runs_its_body_on_first_use_and_then_works_as_imported() -> None:
    code = """
import sys, types
from readers.deferred_modules import defer

defer("tempfile", ("gettempdir",))
from tempfile import gettempdir  # a stand-in: the body has not run
assert type(sys.modules["tempfile"]) is not types.ModuleType
assert "shutil" not in sys.modules
assert gettempdir() == sys.modules["tempfile"].gettempdir()  # the first call ran it
assert type(sys.modules["tempfile"]) is types.ModuleType
from tempfile import NamedTemporaryFile
with NamedTemporaryFile() as file:
    print(type(file).__name__, isinstance(gettempdir(), str))
"""
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["_TemporaryFileWrapper", "True"]
