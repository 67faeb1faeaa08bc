"""``jpki-reset serve``: the reservation service on uvicorn, for several laptops at once."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import uvicorn

from readers.jpki import PinKind
from reset_flow.clock import Clock, SystemClock, TrainingClock, parse_moment
from reset_flow.config import load_config
from reset_flow.embedded import DATABASE_NAME, default_data_dir, training_authority
from reset_flow.errors import ServiceNotConfigured
from reset_flow.service.app import build_app
from reset_flow.service.office import ReservationOffice, ServiceSettings
from reset_flow.service.sqlite_store import SqliteStore
from reset_flow.trust import TrustAnchors, grouped_hex, issuer_anchor_from_file
from reset_flow.trust_setup import open_trust_store, service_trust


def settings_from(args: argparse.Namespace) -> ServiceSettings:
    """Trust anchors and clock from the config and the command line: the trust store and
    ``--anchor`` files, plus the training CAs only with ``--training`` (or ``training = true``).
    A training clock is refused outside training mode and while a real issuer is trusted."""
    config = load_config(getattr(args, "config", None))
    training = config.training if args.training is None else args.training
    store = open_trust_store(args.trust_store or config.trust_store_folder)
    extra = []
    for spec in args.anchor or ():
        purpose, _, path = spec.partition(":")
        if purpose not in ("auth", "sign") or not path:
            raise ServiceNotConfigured(f"--anchor takes auth:PATH or sign:PATH, not {spec!r}")
        try:
            extra.append(issuer_anchor_from_file(PinKind(purpose), Path(path)))
        except (OSError, ValueError) as error:
            raise ServiceNotConfigured(f"cannot use {path} as a trust anchor: {error}") from None
    trust = service_trust(store, tuple(extra), training=training)
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
    say_trust(settings.trust)
    if settings.clock.training:
        print(f"jpki-reset serve: TRAINING CLOCK, now {settings.clock.now().isoformat()}", file=sys.stderr)
    print(f"jpki-reset serve: database {database}", file=sys.stderr)
    config = uvicorn.Config(
        build_app(settings, store), host=args.host, port=args.port, log_level=args.log_level, access_log=False
    )
    server = uvicorn.Server(config)
    await server.serve()
    return 0 if server.started else 5


def say_trust(trust: TrustAnchors) -> None:
    """What this service trusts, on its log: a person starting it sees TRAINING, or which issuers."""
    if trust.training:
        print(
            "jpki-reset serve: TRAINING mode: the training CAs are trusted (their keys are public);"
            " every answer says TRAINING",
            file=sys.stderr,
        )
    if not trust.anchors:
        print(
            "jpki-reset serve: no issuer is trusted: every card is refused (certificate-untrusted);"
            " add one with jpki-reset trust add, or start with --training for training cards",
            file=sys.stderr,
        )
    for anchor in trust.real_issuers:
        crl = "with a CRL" if anchor.crl is not None else "no CRL configured: revocation NOT checked"
        subject = anchor.certificate.subject.rfc4514_string()
        print(
            f"jpki-reset serve: trusts {anchor.purpose.value} CA {subject}"
            f" (SHA-256 {grouped_hex(anchor.sha256)[:19]}...; {crl})",
            file=sys.stderr,
        )
