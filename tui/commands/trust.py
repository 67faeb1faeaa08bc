"""``jpki-reset trust``: the issuers this machine trusts (the trust store), and the ceremony that
adds one after a person compared its fingerprints with the ones the issuer publishes."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from tui.exit_codes import EXIT_OK, EXIT_USAGE

if TYPE_CHECKING:
    from reset_flow.trust_ceremony import AnchorCandidate
    from reset_flow.trust_store import StoredAnchor, TrustStore

Ask = Callable[[str], str]
_PURPOSE = {"auth": "user-authentication CA", "sign": "signing CA"}


def ask_operator(prompt: str) -> str:
    """One answer from the operator; a piped answer is not echoed, so end the prompt's line."""
    answer = input(prompt)
    if not sys.stdin.isatty():
        print()
    return answer


async def run(args: argparse.Namespace, ask: Ask = ask_operator) -> int:
    from reset_flow.config import load_config
    from reset_flow.trust_setup import open_trust_store

    config = load_config(getattr(args, "config", None))
    store = open_trust_store(getattr(args, "store", None) or config.trust_store_folder)
    now, operator = datetime.now(UTC), _operator()  # the command line is the edge: wall clock, user
    if args.trust_command == "list":
        print(history_text(store) if args.history else list_text(store, now))
        return EXIT_OK
    if args.trust_command == "remove":
        gone = store.remove(args.fingerprint, now=now, operator=operator)
        print(f"Removed: the {_PURPOSE[gone.purpose.value]} {gone.certificate.subject.rfc4514_string()}")
        print("Cards of this issuer are now refused (certificate-untrusted) by services on this store.")
        return EXIT_OK
    if args.trust_command == "crl":
        updated = store.set_crl(
            args.fingerprint, _read(args.file), source=f"file {args.file}", now=now, operator=operator
        )
        print(f"CRL set for {updated.certificate.subject.rfc4514_string()}: {crl_line(updated, now)}")
        return EXIT_OK
    candidates = await _candidates(args)
    return ceremony(candidates, store, ask, now=now, operator=operator, crl=args.crl)


async def _candidates(args: argparse.Namespace) -> list[AnchorCandidate]:
    from readers.errors import ReaderSpecInvalid
    from readers.jpki import JpkiSession, PinKind
    from reset_flow.trust_ceremony import candidate_from_file, candidates_on_card

    if args.file is not None:
        if args.purpose is None:
            raise ReaderSpecInvalid("trust add --file needs --purpose auth or --purpose sign")
        return [candidate_from_file(args.file, PinKind(args.purpose))]
    if args.purpose or args.crl:
        raise ReaderSpecInvalid("--purpose and --crl go with --file; a card says which CA is which")
    from readers.spec import open_reader

    reader = open_reader(args.reader)
    await reader.connect()
    try:
        print(f"Reading the CA certificates on the card in {reader.info.name} (no PIN is needed).")
        return await candidates_on_card(JpkiSession.on(reader), reader.info.name)
    finally:
        await reader.disconnect()


def ceremony(
    candidates: list[AnchorCandidate],
    store: TrustStore,
    ask: Ask,
    *,
    now: datetime,
    operator: str,
    crl: Path | None = None,
) -> int:
    """Show each candidate, ask for the confirmation, store what the operator confirmed."""
    from reset_flow.trust_store import AnchorRefused

    stored = mismatched = refused = 0
    for candidate in candidates:
        print()
        try:
            store.check_candidate(candidate.purpose, candidate.der, now)
        except AnchorRefused as refusal:
            print(f"{_PURPOSE[candidate.purpose.value]} ({candidate.source}): NOT trusted")
            print(f"  jpki-reset: {refusal.code}: {refusal.message}")
            refused += 1
            continue
        print(describe(candidate))
        typed = _answer(ask, prompt_for(candidate))
        if not typed.strip():
            print("  Skipped: not stored.")
            continue
        if not candidate.confirmed_by(typed):
            print("  That does not match this certificate's fingerprint: NOT stored.")
            mismatched += 1
            continue
        anchor, new = store.add(
            candidate.purpose, candidate.der, source=candidate.source, now=now, operator=operator
        )
        if crl is not None:
            anchor = store.set_crl(
                anchor.sha256.hex(), _read(crl), source=f"file {crl}", now=now, operator=operator
            )
        print(f"  {'Trusted: stored' if new else 'Already trusted'} in {store.folder}.")
        print(f"  Revocation: {crl_line(anchor, now)}")
        stored += 1
    print()
    if mismatched:
        print(
            "jpki-reset: fingerprint-mismatch: what was typed did not match; that CA is not stored",
            file=sys.stderr,
        )
        return EXIT_USAGE
    if refused and not stored:
        print("jpki-reset: anchor-refused: no certificate offered can be trusted", file=sys.stderr)
        return EXIT_USAGE
    print("Services using this trust store take the change when they start." if stored else "Nothing stored.")
    return EXIT_OK


def describe(candidate: AnchorCandidate) -> str:
    cert = candidate.certificate
    sha256 = candidate.sha256
    half = len(sha256) // 2 + 1
    lines = [
        f"{_PURPOSE[candidate.purpose.value][:1].upper()}{_PURPOSE[candidate.purpose.value][1:]}"
        f" ({candidate.source})",
        f"  Subject:  {cert.subject.rfc4514_string()}",
        f"  Issuer:   {cert.issuer.rfc4514_string()}",
        f"  Valid:    {cert.not_valid_before_utc:%Y-%m-%d} to {cert.not_valid_after_utc:%Y-%m-%d} (UTC)",
        f"  SHA-256:  {sha256[:half].rstrip()}",
        f"            {sha256[half:]}",
        f"  SHA-1:    {candidate.sha1}",
    ]
    if candidate.vouches is True:
        lines.append("  The card's own user-authentication certificate is signed by this CA.")
    elif candidate.vouches is False:
        lines.append("  WARNING: the card's own user-authentication certificate is NOT signed by this CA.")
    lines.append("  Compare both fingerprints with the ones the issuer publishes (its web site or leaflet).")
    return "\n".join(lines)


def prompt_for(candidate: AnchorCandidate) -> str:
    if candidate.from_file:
        return "  If they match, type yes to trust it (Enter skips): "
    return "  If they match, type the last 8 characters of the SHA-256 to trust it (Enter skips): "


def list_text(store: TrustStore, now: datetime) -> str:
    anchors = store.anchors()
    lines = [f"Trust store: {store.folder} ({len(anchors)} trusted CA certificate(s))"]
    if not anchors:
        lines.append("  No issuer is trusted: services on this store refuse every card.")
        lines.append("  Add one with: jpki-reset trust add --reader SPEC  (or --file CA --purpose auth|sign)")
    from reset_flow.trust import grouped_hex

    for anchor in anchors:
        cert = anchor.certificate
        lines += [
            f"{_PURPOSE[anchor.purpose.value]}: {cert.subject.rfc4514_string()}",
            f"  SHA-256:  {grouped_hex(anchor.sha256)}",
            f"  Valid:    {cert.not_valid_before_utc:%Y-%m-%d} to {cert.not_valid_after_utc:%Y-%m-%d} (UTC)",
            f"  Added:    {anchor.added_at:%Y-%m-%d %H:%M} UTC from {anchor.source}",
            f"  CRL:      {crl_line(anchor, now)}",
        ]
    return "\n".join(lines)


def crl_line(anchor: StoredAnchor, now: datetime) -> str:
    crl = anchor.crl
    if crl is None:
        fingerprint = anchor.sha256.hex().upper()[:8]
        return (
            "no CRL is configured: revocation of this issuer's certificates is NOT checked"
            f" (add one: jpki-reset trust crl {fingerprint} FILE)"
        )
    revoked = len(list(crl))
    next_update = crl.next_update_utc
    state = f"{revoked} revoked, issued {crl.last_update_utc:%Y-%m-%d}"
    if next_update is not None and now > next_update:
        return f"{state}; OUT OF DATE since {next_update:%Y-%m-%d}: get the issuer's current CRL"
    return state


def history_text(store: TrustStore) -> str:
    changes = store.history()
    lines = [f"Trust store changes: {store.folder} ({len(changes)})"]
    for change in changes:
        mark = "" if change.intact else "  <- the trail is BROKEN before this line"
        lines.append(
            f"{change.seq:>4} {change.at:%Y-%m-%d %H:%M:%S} {change.action:<6} {change.purpose:<4} "
            f"{change.sha256[:16]}... {change.subject} by {change.operator} ({change.source}){mark}"
        )
    if changes and all(change.intact for change in changes):
        lines.append("The trail is intact.")
    return "\n".join(lines)


def _answer(ask: Ask, prompt: str) -> str:
    try:
        return ask(prompt)
    except EOFError:
        return ""


def _read(path: Path) -> bytes:
    from reset_flow.trust_store import CrlRefused

    try:
        return path.read_bytes()
    except OSError as error:
        raise CrlRefused(f"cannot read {path}: {error.strerror}") from None


def _operator() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
