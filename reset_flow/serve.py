"""``jpki-reset serve``: the reservation service on uvicorn, for several laptops at once."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import uvicorn

from readers.jpki import PinKind
from reset_flow.clock import Clock, SystemClock, TrainingClock, parse_moment
from reset_flow.embedded import DATABASE_NAME, default_data_dir, training_authority
from reset_flow.errors import ServiceNotConfigured
from reset_flow.service.app import build_app
from reset_flow.service.office import ReservationOffice, ServiceSettings
from reset_flow.service.sqlite_store import SqliteStore
from reset_flow.trust import TrustAnchors, issuer_anchor_from_file, training_trust


def settings_from(args: argparse.Namespace) -> ServiceSettings:
    """Trust anchors and clock from the command line (TrainingClockRefused outside training)."""
    trust = TrustAnchors(()) if args.no_training_anchors else training_trust()
    extra = []
    for spec in args.anchor or ():
        purpose, _, path = spec.partition(":")
        if purpose not in ("auth", "sign") or not path:
            raise ServiceNotConfigured(f"--anchor takes auth:PATH or sign:PATH, not {spec!r}")
        try:
            extra.append(issuer_anchor_from_file(PinKind(purpose), Path(path)))
        except (OSError, ValueError) as error:
            raise ServiceNotConfigured(f"cannot use {path} as a trust anchor: {error}") from None
    trust = TrustAnchors(trust.anchors + tuple(extra), trust.reset_master_key)
    clock: Clock = SystemClock()
    if args.training_at:
        try:
            clock = TrainingClock(parse_moment(args.training_at))
        except ValueError:
            raise ServiceNotConfigured(
                f"--training-at: not an ISO date and time: {args.training_at!r}"
            ) from None
    return ServiceSettings(clock=clock, trust=trust, reset_authority=training_authority(trust))


async def run_serve(args: argparse.Namespace) -> int:
    database = Path(args.db) if args.db else default_data_dir() / DATABASE_NAME
    settings = settings_from(args)
    store = SqliteStore(database)
    if args.new_terminal:
        # The token is shown once, here; the service keeps only its hash.
        print(ReservationOffice(settings, store).new_terminal(args.new_terminal))
        return 0
    with store.reading() as tx:
        terminals = tx.count_terminals()
    if terminals == 0:
        print(
            "jpki-reset serve: no terminal tokens yet; create one with --new-terminal NAME", file=sys.stderr
        )
    if settings.clock.training:
        print(f"jpki-reset serve: TRAINING CLOCK, now {settings.clock.now().isoformat()}", file=sys.stderr)
    print(f"jpki-reset serve: database {database}", file=sys.stderr)
    config = uvicorn.Config(
        build_app(settings, store), host=args.host, port=args.port, log_level=args.log_level, access_log=False
    )
    server = uvicorn.Server(config)
    await server.serve()
    return 0 if server.started else 5
