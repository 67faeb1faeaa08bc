"""Make the scripted demos (``recordings/demo-*.jsonl``) by driving the app through the tap.

    .venv/bin/python -m tui.demo_recorder [NAME ...]     (the kiosk's demos too: tui/kiosk/demos.py)

Each demo runs the real app, headless, on a training card behind the recording tap
(``readers.recorder``); before each group of keys the tap writes the ``ui`` line that will press
them again on replay. Nothing is written by hand, and PIN bytes are ``??`` as in every recording.
The header's ``recorded_at`` is the demo's training clock, which replay starts the service at.
"""

from __future__ import annotations

import asyncio
import io
import json
import sys
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path

from readers.emulated import EmulatedReader
from readers.recorder import RecordingReader
from tui.app import ResetApp
from tui.choices import RECORDINGS
from tui.demo_script import Demo, Step
from tui.demo_service import demo_service
from tui.kiosk.app import KioskApp
from tui.kiosk.beforehand import reserve_beforehand
from tui.kiosk.demos import KIOSK_DEMOS, KIOSK_HEADER
from tui.launch import build_wizard
from tui.wizard import Wizard

STEP1 = "down"  # from the first task, step 1 for the signing PIN is one down
STEP2 = ("down", "down", "down")


_STEP1_SIGN = (
    Step((STEP1,), "demo.say.choose_step1"),
    Step(("enter",), "demo.say.place_card"),
    Step(("enter",), "demo.say.kiosk_possible"),
    Step(("enter",), "demo.say.photo_checked"),
    Step(("1", "2", "3", "4"), "demo.say.type_auth_pin"),
    Step(("enter",), "demo.say.send_pin"),
)

DEMOS: dict[str, Demo] = {
    "demo-card-check": Demo(
        "adult",
        "Demo: card check",
        "The card check of a training card: kind, tries of all four PINs, certificates, verdict.",
        "2026-04-01T10:00:00+09:00",
        (Step(("enter",), "demo.say.card_check"), Step((), "demo.say.card_check_read", 5000)),
        "CardCheckScreen",
    ),
    "demo-step1": Demo(
        "adult",
        "Demo: step 1, reserving a reset of the signing PIN",
        "Triage, the photo ID check, the user-authentication PIN, the reservation and its deadline.",
        "2026-04-01T10:00:00+09:00",
        (*_STEP1_SIGN, Step((), "demo.say.reserved", 5000)),
        "ReservationScreen",
    ),
    "demo-step2": Demo(
        "adult",
        "Demo: step 1 then step 2, resetting the signing PIN",
        "Step 1 as in demo-step1, then the kiosk hours, the proof PIN, the new PIN twice (typed in "
        "lower case, upper-cased as typed) and the reset with its tries read back.",
        "2026-04-01T10:00:00+09:00",
        (
            *_STEP1_SIGN,
            Step(("enter",), "demo.say.reserved_next"),
            Step(STEP2, "demo.say.choose_step2"),
            Step(("enter",), "demo.say.kiosk_hours"),
            Step(("enter",), "demo.say.place_card_again"),
            Step(("1", "2", "3", "4", "enter"), "demo.say.type_auth_pin"),
            Step(tuple("new2pin"), "demo.say.type_new_pin"),
            Step(("enter", *"new2pin"), "demo.say.type_new_pin_again"),
            Step(("enter",), "demo.say.reset"),
            Step((), "demo.say.done", 5000),
        ),
        "ResetResultScreen",
    ),
    "demo-triage-window": Demo(
        "both-blocked",
        "Demo: triage sends a card with both PINs blocked to the window",
        "Step 1 on a card whose two PINs are blocked: the verdict, every reason, what to bring.",
        "2026-04-01T10:00:00+09:00",
        (
            Step((STEP1,), "demo.say.choose_step1"),
            Step(("enter",), "demo.say.place_card"),
            Step((), "demo.say.window", 6000),
        ),
        "TriageScreen",
    ),
}


AppMaker = Callable[[Wizard], ResetApp]


def staff_app(wizard: Wizard) -> ResetApp:
    return ResetApp(wizard, lang="en")


async def record_demo(
    name: str,
    demo: Demo,
    out: Path,
    *,
    make_app: AppMaker = staff_app,
    prepare: Callable[[Wizard], Awaitable[object]] | None = None,
    before_step: Callable[[int, EmulatedReader], None] | None = None,
    header: dict[str, object] | None = None,
) -> None:
    """Drive ``make_app``'s app through ``demo`` on a training card behind the tap and write the
    recording. ``prepare`` runs on the wizard first (off the record); ``before_step`` may act on
    the card before a step's keys (lift it); ``header`` adds fields to the header."""
    buffer = io.StringIO()
    card = EmulatedReader(demo.profile)
    tap = RecordingReader(
        card,
        buffer,
        card=f"training: {demo.profile}",
        title=demo.title,
        description=demo.description,
    )
    await tap.connect()  # the card lies on the reader from the start (writes the header)
    with tempfile.TemporaryDirectory() as folder:
        wizard = build_wizard(f"training:{demo.profile}", None, demo.at)
        wizard.open_reader = lambda spec: tap
        wizard.service = demo_service(Path(folder), wizard.clock, name)
        if prepare is not None:
            await prepare(wizard)
        app = make_app(wizard)
        async with app.run_test(size=(80, 24)) as pilot:
            for number, step in enumerate(demo.steps):
                if before_step is not None:
                    before_step(number, card)
                tap.ui(list(step.keys), step.pause_ms, step.say)
                for key in step.keys:
                    await pilot.press(key)
                    await pilot.pause()
                    await app.workers.wait_for_complete()
                    await pilot.pause()
            ended = type(app.screen).__name__
    await tap.disconnect()
    if ended != demo.ends_on:
        raise SystemExit(f"{name}: ended on {ended}, not {demo.ends_on}")
    lines = buffer.getvalue().splitlines()
    first = json.loads(lines[0]) | {"recorded_at": demo.at} | (header or {})
    out.write_text("\n".join([json.dumps(first, ensure_ascii=False), *lines[1:]]) + "\n", encoding="utf-8")


async def record_kiosk_demo(name: str, out: Path) -> None:
    kiosk = KIOSK_DEMOS[name]
    profile = kiosk.demo.profile

    async def prepare(wizard: Wizard) -> None:
        await reserve_beforehand(profile, kiosk.reserved, wizard.ensure_service(), wizard.clock)

    def lift(step: int, card: EmulatedReader) -> None:
        if step == kiosk.lift_at_step:
            card.remove_after(0)

    await record_demo(
        name,
        kiosk.demo,
        out,
        make_app=lambda wizard: KioskApp(wizard, lang="en"),
        prepare=prepare,
        before_step=lift,
        header={KIOSK_HEADER: {"profile": profile, "reserved": kiosk.reserved.value}},
    )


def main(names: list[str]) -> None:
    """Every demo (the kiosk's too), or the ones named: one command after the card changes."""
    for name in names or [*DEMOS, *KIOSK_DEMOS]:
        out = RECORDINGS / f"{name}.jsonl"
        if name in KIOSK_DEMOS:
            asyncio.run(record_kiosk_demo(name, out))
        else:
            asyncio.run(record_demo(name, DEMOS[name], out))
        print(f"recorded {out}")


if __name__ == "__main__":
    main(sys.argv[1:])
