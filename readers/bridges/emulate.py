"""``jpki-reset emulate``: a training card for other software, until Ctrl-C or SIGTERM."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal

from readers.bridges import nfc_udp, vpcd
from readers.bridges.bridge import Bridge
from readers.errors import ReaderSpecInvalid, TransportError
from readers.training_card.applet import TrainingCard
from readers.training_card.profiles import get_profile

STATUS_POLL = 0.2  # seconds between looks at the vpcd link, to report its changes


def parse_address(text: str, default_port: int) -> tuple[str, int]:
    """``HOST:PORT``, ``HOST`` or ``:PORT`` (host defaults to 127.0.0.1)."""
    host, _, port = text.rpartition(":") if ":" in text else (text, "", "")
    try:
        number = int(port) if port else default_port
    except ValueError:
        raise ReaderSpecInvalid(f"{text!r} is not HOST:PORT") from None
    if not 0 <= number <= 65535:
        raise ReaderSpecInvalid(f"{text!r}: the port is 0..65535")
    return host or "127.0.0.1", number


def say(line: str) -> None:
    print(line, flush=True)


async def run_emulator(args: argparse.Namespace) -> int:
    card = TrainingCard(get_profile(args.profile))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stop.set)
    if args.vpcd:
        host, port = parse_address(args.vpcd, vpcd.DEFAULT_PORT)
        bridge: Bridge = vpcd.VpcdCard(card, host, port)
        say(f"training card {args.profile!r} for vpcd at {host}:{port} (pcsc reader 'Virtual PCD 00 00')")
    else:
        host, port = parse_address(args.nfc_udp, nfc_udp.DEFAULT_PORT)
        try:
            udp_card = nfc_udp.NfcUdpCard(card, host, port)
        except OSError as error:
            raise TransportError(f"cannot listen on {host}:{port}: {error.strerror}") from None
        bridge = udp_card
        host, port = udp_card.address
        say(f"training card {args.profile!r} as a Type B card; read it with --reader nfc:udp:{host}:{port}")
    bridge.start()
    try:
        await _report_until(stop, bridge)
    finally:
        await asyncio.to_thread(bridge.stop)
    say("stopped")
    return 0


async def _report_until(stop: asyncio.Event, bridge: Bridge) -> None:
    """Wait for the stop signal; for vpcd, say when the card gets on and off pcscd's reader."""
    connected: bool | None = None
    while not stop.is_set():
        if isinstance(bridge, vpcd.VpcdCard) and bridge.connected != connected:
            connected = bridge.connected
            say("card on the reader" if connected else "waiting for pcscd's vpcd driver to accept the card")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), STATUS_POLL)
