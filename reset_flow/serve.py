"""``jpki-reset serve``: the reservation service over HTTP, for several laptops at once; and the
administration that goes with it (``--init``, ``--new-terminal``, ``--revoke-terminal``).

Every bad option or unusable database ends in one line and a documented exit code: 2 for an
option that cannot be right, 5 for a database or address that cannot be used now.
"""

from __future__ import annotations

import argparse
import socket
import ssl
import sys
from pathlib import Path

from readers.jpki import PinKind
from reset_flow.clock import Clock, SystemClock, TrainingClock, parse_moment
from reset_flow.config import load_config
from reset_flow.embedded import DATABASE_NAME, default_data_dir, training_authority
from reset_flow.errors import CannotListen, ServiceNotConfigured, ServiceOptionInvalid, TerminalUnknown
from reset_flow.service.office import ReservationOffice, ServiceLimits, ServiceSettings
from reset_flow.service.rate_limits import Limit
from reset_flow.service.store import SCHEMA_VERSION, ReservationStore, Role
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
    limits = limits_from(args)
    return ServiceSettings(clock=clock, trust=trust, reset_authority=training_authority(trust), limits=limits)


def limits_from(args: argparse.Namespace) -> ServiceLimits:
    def per_minute(option: str, value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            number = -1
        if not 0 <= number <= 1_000_000:
            raise ServiceOptionInvalid(f"--{option} takes a whole number from 0 (off) up, not {value!r}")
        return number

    proofs = per_minute("proofs-per-minute", args.proofs_per_minute)
    challenges = per_minute("challenges-per-minute", args.challenges_per_minute)
    failed = per_minute("failed-tokens-per-minute", args.failed_tokens_per_minute)
    return ServiceLimits(
        failed_tokens=Limit(failed, failed),
        proofs=Limit(proofs, max(1, proofs // 3)),
        challenges=Limit(challenges, max(1, challenges // 3)),
    )


def open_store(db: str | None, *, create: bool) -> ReservationStore:
    """``postgresql://...`` or a SQLite path (default: the user data directory's file)."""
    if db is not None and not db.strip():
        raise ServiceOptionInvalid("--db is empty: give a SQLite path or a postgresql:// URL")
    from reset_flow.service.postgres_store import PostgresStore, is_postgres_url
    from reset_flow.service.sqlite_store import SqliteStore

    if db is not None and is_postgres_url(db):
        return PostgresStore(db, create=create)
    return SqliteStore(Path(db) if db else default_data_dir() / DATABASE_NAME, create=create)


def listening_socket(host: str, port_text: str, *, reuse_port: bool = False) -> socket.socket:
    """The bound socket the service will serve on; a bind failure is ``CannotListen`` (exit 5)."""
    try:
        port = int(port_text)
    except ValueError:
        port = -1
    if not 1 <= port <= 65535:
        raise ServiceOptionInvalid(f"--port takes 1-65535, not {port_text!r}")
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except (socket.gaierror, UnicodeError) as error:
        raise CannotListen(f"cannot listen on {host}:{port}: {error}") from None
    listener = socket.socket(family, kind, proto)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if reuse_port:  # several serve processes on one port: the kernel spreads the connections
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        listener.bind(address)
    except OSError as error:
        listener.close()
        raise CannotListen(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
    return listener


def tls_files(args: argparse.Namespace) -> dict[str, str]:
    """The HTTP server's TLS settings, checked here so a bad file is one line, not a traceback."""
    if not args.tls_cert and not args.tls_key:
        return {}
    if not (args.tls_cert and args.tls_key):
        raise ServiceOptionInvalid("--tls-cert and --tls-key go together")
    try:
        ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER).load_cert_chain(args.tls_cert, args.tls_key)
    except (OSError, ssl.SSLError) as error:
        raise ServiceNotConfigured(f"cannot use the TLS certificate and key: {error}") from None
    return {"ssl_certfile": args.tls_cert, "ssl_keyfile": args.tls_key}


def administer(args: argparse.Namespace, store: ReservationStore, settings: ServiceSettings) -> bool:
    """``--init``, ``--new-terminal``, ``--revoke-terminal``: do them and say so; True if any ran."""
    office = ReservationOffice(settings, store)
    if args.revoke_terminal:
        if not office.revoke_terminals(args.revoke_terminal):
            raise TerminalUnknown(f"no terminal named {args.revoke_terminal!r} with a valid token")
        print(f"jpki-reset serve: revoked terminal {args.revoke_terminal}", file=sys.stderr)
    if args.new_terminal:
        # The token is shown once, here; the service keeps only its hash.
        print(office.new_terminal(args.new_terminal, Role.ADMIN if args.admin else Role.TERMINAL))
    if args.init:
        print(f"jpki-reset serve: database ready (schema version {SCHEMA_VERSION})", file=sys.stderr)
    return bool(args.init or args.new_terminal or args.revoke_terminal)


async def run_serve(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    tls = tls_files(args)
    if args.admin and not args.new_terminal:
        raise ServiceOptionInvalid("--admin goes with --new-terminal NAME")
    store = open_store(args.db, create=args.init)
    try:
        if administer(args, store, settings):
            return 0
        listener = listening_socket(args.host, args.port, reuse_port=args.reuse_port)
        with store.reading() as tx:
            terminals = tx.count_terminals()
        if terminals == 0:
            print(
                "jpki-reset serve: no terminal tokens yet; create one with --new-terminal NAME",
                file=sys.stderr,
            )
        say_trust(settings.trust)
        if settings.clock.training:
            print(
                f"jpki-reset serve: TRAINING CLOCK, now {settings.clock.now().isoformat()}", file=sys.stderr
            )
        scheme = "https" if tls else "http"
        print(f"jpki-reset serve: {scheme}://{args.host}:{args.port}/", file=sys.stderr)
        from reset_flow.service.http_server import serve_http

        return await serve_http(
            settings,
            store,
            listener,
            log_level=args.log_level,
            forwarded_allow_ips=args.forwarded_allow_ips,
            tls=tls,
        )
    finally:
        store.close()


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
