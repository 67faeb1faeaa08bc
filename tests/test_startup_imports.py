"""What the TUI's start and ``status`` load: the start-up bars (bench/startup.py) rest on the first
screen loading no command but the one that runs, no certificate code and no flow state, and on
``status`` starting no event loop, no logging and none of nfcpy's parts a card check never uses.
Each check runs in a fresh interpreter, as a start does."""

import subprocess
import sys
from pathlib import Path

from readers.bridges.nfc_udp import NfcUdpCard
from readers.spec import DEFAULT_SPEC
from readers.training_card.applet import TrainingCard
from tui.commands.arguments import DEFAULT_READER

ROOT = Path(__file__).resolve().parent.parent

# Loaded only when needed: the other commands, x509 (when a card's certificate is read), the flow
# states (with a flow), the time-zone data (a training clock), asyncio outside Textual's loop,
# hmac with OpenSSL's hashes (when two PINs are compared).
HEAVY = ("cryptography", "reset_flow.states", "zoneinfo", "asyncio", "hmac")


def loaded_after(code: str) -> set[str]:
    """The heavy modules and the command modules loaded once ``code`` has run in a fresh
    interpreter."""
    wanted = f"m in {HEAVY!r} or m.startswith('tui.commands.')"
    script = code + f"\nimport sys\nprint(sorted(m for m in sys.modules if {wanted}))\n"
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return set(eval(out.stdout.strip().splitlines()[-1]))  # a list of names printed by repr


def test_the_first_screen_loads_no_command_and_no_certificate_code() -> None:
    code = """
from tui.cli import build_parser
from tui.launch import build_app

async def first_screen(pilot):
    await pilot.pause()
    pilot.app.exit()

app = build_app(build_parser().parse_args(["--lang", "en"]))
app.run(headless=True, size=(80, 24), auto_pilot=first_screen)
"""
    loaded = loaded_after(code)
    assert "asyncio" in loaded  # Textual's own loop: the check below would see a missing module
    assert loaded - {"asyncio"} == {"tui.commands.arguments"}


def test_status_loads_only_its_own_command_and_starts_no_event_loop() -> None:
    loaded = loaded_after("from tui.cli import main\nmain(['status', '--reader', 'training:adult'])")
    assert "cryptography" in loaded  # the card's certificate was read and judged
    assert not {m for m in loaded if m.startswith("tui.commands.")} - {
        "tui.commands.arguments",
        "tui.commands.status",
        "tui.commands.prompt",
    }
    assert "asyncio" not in loaded


# Loaded only by whoever uses them: logging (when something configures it), importlib.resources
# (the catalogs are read as files), the training card's reset cipher (a PIN reset), nfcpy's
# peer-to-peer half and its services, USB, tty and NDEF parts, subprocess (nfcpy's udp
# driver would run ``uname -p`` to name its vendor), and the card-side bridges (the NFC reader
# builds a Type B card's ATR without them).
SPARED = (
    "readers.bridges",
    "logging",
    "importlib.resources",
    "cryptography.hazmat.primitives.cmac",
    "nfc.llcp",
    "nfc.snep",
    "nfc.handover",
    "usb1",
    "serial",
    "ndef",
    "subprocess",
)


def bodies_run(code: str) -> set[str]:
    """Which of SPARED have had their body run once ``code`` has run in a fresh interpreter (a
    module nfcpy's import put in ``sys.modules`` unrun does not count)."""
    script = (
        code
        + "\nimport sys, types\n"
        + f"print(sorted(m for m in {SPARED!r} if type(sys.modules.get(m)) is types.ModuleType))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return set(eval(out.stdout.strip().splitlines()[-1]))  # a list of names printed by repr


def test_status_on_a_training_card_loads_no_logging_resource_reader_or_reset_cipher() -> None:
    assert bodies_run("from tui.cli import main\nmain(['status', '--reader', 'training:adult'])") == set()


def test_status_on_nfc_runs_only_the_nfcpy_it_needs() -> None:
    card = NfcUdpCard(TrainingCard("adult"), port=0).start()
    try:
        host, port = card.address
        code = f"from tui.cli import main\nassert main(['status', '--reader', 'nfc:udp:{host}:{port}']) == 0"
        assert bodies_run(code) == {"logging"}  # nfcpy logs
    finally:
        card.stop()


def test_status_pauses_the_collector_only_while_it_runs() -> None:
    code = """
import gc
import readers.card_check
from tui.cli import main

states = []
check = readers.card_check.check_card

async def watched(*args, **kwargs):
    states.append(gc.isenabled())
    return await check(*args, **kwargs)

readers.card_check.check_card = watched
assert main(['status', '--reader', 'training:adult']) == 0
print(states, gc.isenabled())
"""
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[False] True"


def test_status_as_the_program_leaves_what_it_made_to_the_operating_system() -> None:
    """As the console script (the process ends next), ``status`` freezes its objects so that the
    shutdown's collection skips them; called by a caller that goes on, it freezes nothing."""
    code = """
import gc, sys
from tui.cli import main, program

assert main(['status', '--reader', 'training:adult']) == 0
print('called', gc.get_freeze_count(), gc.isenabled())
sys.argv = ['jpki-reset', 'status', '--reader', 'training:adult']
assert program() == 0
print('program', gc.get_freeze_count() > 10_000, gc.isenabled())
"""
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    called, program = out.stdout.split("called 0 True\n")  # nothing frozen by a caller's call
    assert program.endswith("program True True\n")
    assert called.count("VERDICT:") == program.count("VERDICT:") == 1  # both reports printed whole


def test_status_default_reader_is_the_readers_default() -> None:
    """The parser spells the default without importing reader code; both say the same."""
    assert DEFAULT_READER == DEFAULT_SPEC
