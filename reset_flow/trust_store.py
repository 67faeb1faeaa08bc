"""The trust store: the real issuers' CA certificates an operator accepted on this machine, each
with its CRL when one was given, and an append-only trail of every change.

One folder (by default ``trust`` in the user config directory, or ``trust_store`` in the config):

- ``anchors.json``: the anchors, rewritten whole (a temporary file renamed over the old one, so a
  crash leaves the old or the new list, never half of one);
- ``audit.jsonl``: one line per change (added, removed, CRL set), never rewritten; each line
  carries the SHA-256 of the line before it, so an edited or deleted line shows as a break.

The embedded service, ``jpki-reset serve``, ``status`` and the TUI's card check all read it. The
training CAs are refused: their keys are public, so they are trusted only in training mode.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from cryptography import x509
from cryptography.hazmat.primitives.hashes import SHA1, SHA256

from readers.jpki import PinKind
from reset_flow.errors import OperatorInputRefused, ServiceError
from reset_flow.trust import IssuerAnchor, TrustAnchors, load_certificate

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.serialization import Encoding

FORMAT = "jpki-reset/trust-store"
ANCHORS_FILE = "anchors.json"
AUDIT_FILE = "audit.jsonl"
_GENESIS = "0" * 64  # the "line before" the first audit line


class TrustStoreInvalid(ServiceError):
    """A trust store file cannot be read as this program wrote it: the service is not configured
    right, so it serves no card rather than a guess."""

    code = "trust-store-invalid"


class AnchorRefused(OperatorInputRefused):
    """A certificate that cannot be a trust anchor (not a CA, a training CA, expired, ...)."""

    code = "anchor-refused"

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        super().__init__(message)


class AnchorUnknown(OperatorInputRefused):
    """No stored anchor (or more than one) has that fingerprint."""

    code = "anchor-unknown"


class CrlRefused(OperatorInputRefused):
    """The file is not a CRL, or not one signed by that anchor."""

    code = "crl-refused"


def normalised_fingerprint(text: str) -> str:
    """What an operator typed or pasted, as upper-case hex: spaces, colons and full-width forms
    (as an IME types them) are ignored."""
    import unicodedata

    plain = unicodedata.normalize("NFKC", text)
    return "".join(c for c in plain if c not in " :\t-").upper()


@dataclass(frozen=True)
class StoredAnchor:
    """A CA certificate in the trust store: its purpose, when and from where it was added, its CRL."""

    purpose: PinKind
    der: bytes
    added_at: datetime
    source: str  # where it came from: the card and reader, or the file
    crl_der: bytes | None = None

    @cached_property
    def certificate(self) -> x509.Certificate:
        return x509.load_der_x509_certificate(self.der)

    @cached_property
    def crl(self) -> x509.CertificateRevocationList | None:
        return x509.load_der_x509_crl(self.crl_der) if self.crl_der else None

    @property
    def sha256(self) -> bytes:
        return self.certificate.fingerprint(SHA256())

    @property
    def sha1(self) -> bytes:
        return self.certificate.fingerprint(SHA1())  # issuers still publish SHA-1 beside SHA-256

    def anchor(self) -> IssuerAnchor:
        return IssuerAnchor(self.purpose, self.certificate, self.crl)


class TrustChange(NamedTuple):
    """One line of the trust store's audit trail."""

    seq: int
    at: datetime
    action: str  # add | remove | crl
    purpose: str
    sha256: str
    subject: str
    source: str
    operator: str
    intact: bool  # the line before it is the one it names


class TrustStore:
    """``refused`` gives the SHA-256 of CA certificates never to store (the training CAs)."""

    def __init__(self, folder: Path, *, refused: Callable[[], frozenset[bytes]] = frozenset) -> None:
        self.folder = folder
        self._refused = refused

    @cached_property
    def refused(self) -> frozenset[bytes]:
        # Asked for when a certificate is stored or read, not before: finding the training CAs'
        # fingerprints means building and checking them, which an empty store never needs.
        return self._refused()

    # --- reading ---------------------------------------------------------------------------------

    def anchors(self) -> tuple[StoredAnchor, ...]:
        path = self.folder / ANCHORS_FILE
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return ()
        except (OSError, ValueError) as error:
            raise TrustStoreInvalid(f"{path}: {error}") from None
        try:
            if data.get("format") != FORMAT:
                raise ValueError("not a jpki-reset trust store")
            return tuple(_anchor_from(entry) for entry in data["anchors"])
        except (AttributeError, KeyError, TypeError, ValueError) as error:
            raise TrustStoreInvalid(f"{path}: {error}") from None

    def trust(self) -> TrustAnchors:
        """The stored anchors as the service checks with them (no reset authority: a real
        issuer's keys are the issuer's)."""
        stored = self.anchors()
        if any(anchor.sha256 in self.refused for anchor in stored):
            # Written by hand: ``add`` never stores one. Refuse the store rather than trust it.
            raise TrustStoreInvalid(f"{self.folder / ANCHORS_FILE} holds a TRAINING CA")
        return TrustAnchors(tuple(anchor.anchor() for anchor in stored))

    def find(self, fingerprint: str) -> StoredAnchor:
        """The one anchor whose SHA-256 starts with ``fingerprint`` (at least 8 hex digits)."""
        wanted = normalised_fingerprint(fingerprint)
        if len(wanted) < 8 or any(c not in "0123456789ABCDEF" for c in wanted):
            raise AnchorUnknown("give at least 8 hex digits of the SHA-256 fingerprint")
        found = [a for a in self.anchors() if a.sha256.hex().upper().startswith(wanted)]
        if len(found) != 1:
            raise AnchorUnknown(
                f"no stored anchor has the fingerprint {fingerprint}"
                if not found
                else f"{len(found)} anchors start with {fingerprint}: give more digits"
            )
        return found[0]

    def history(self) -> list[TrustChange]:
        path = self.folder / AUDIT_FILE
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return []
        except (OSError, ValueError) as error:
            raise TrustStoreInvalid(f"{path}: {error}") from None
        changes, previous = [], _GENESIS
        for number, line in enumerate(lines, start=1):
            try:
                entry = json.loads(line)
                changes.append(
                    TrustChange(
                        seq=int(entry["seq"]),
                        at=datetime.fromisoformat(entry["at"]),
                        action=str(entry["action"]),
                        purpose=str(entry["purpose"]),
                        sha256=str(entry["sha256"]),
                        subject=str(entry["subject"]),
                        source=str(entry["source"]),
                        operator=str(entry["operator"]),
                        intact=entry["prev"] == previous,
                    )
                )
            except (KeyError, TypeError, ValueError) as error:
                raise TrustStoreInvalid(f"{path}, line {number}: {error}") from None
            previous = hashlib.sha256(line.encode()).hexdigest()
        return changes

    # --- changing --------------------------------------------------------------------------------

    def check_candidate(self, purpose: PinKind, der: bytes, now: datetime) -> x509.Certificate:
        """The certificate, if it can be an anchor for ``purpose`` at ``now``; else AnchorRefused."""
        try:
            cert = load_certificate(der)
        except ValueError:
            raise AnchorRefused("anchor-malformed", "not an X.509 certificate (PEM or DER)") from None
        if cert.fingerprint(SHA256()) in self.refused:
            raise AnchorRefused(
                "training-anchor-refused",
                "this is a TRAINING CA (its keys are public): it is trusted only in training mode",
            )
        try:
            constraints = cert.extensions.get_extension_for_class(x509.BasicConstraints).value
        except (x509.ExtensionNotFound, ValueError):
            constraints = None
        if constraints is None or not constraints.ca:
            raise AnchorRefused("anchor-not-a-ca", "not a CA certificate (no basicConstraints cA=TRUE)")
        if now > cert.not_valid_after_utc:
            raise AnchorRefused("anchor-expired", f"the CA certificate expired on {cert.not_valid_after_utc}")
        if now < cert.not_valid_before_utc:
            raise AnchorRefused(
                "anchor-not-yet-valid", f"the CA certificate is valid only from {cert.not_valid_before_utc}"
            )
        return cert

    def add(
        self, purpose: PinKind, der: bytes, *, source: str, now: datetime, operator: str
    ) -> tuple[StoredAnchor, bool]:
        """Store an anchor the operator accepted; False when it was stored already."""
        cert = self.check_candidate(purpose, der, now)
        der = cert.public_bytes(_encoding().DER)
        with self._locked():
            anchors = list(self.anchors())
            for existing in anchors:
                if existing.der == der and existing.purpose is purpose:
                    return existing, False
            stored = StoredAnchor(purpose, der, now, source)
            self._write([*anchors, stored])
            self._audit("add", stored, now, operator, source)
        return stored, True

    def remove(self, fingerprint: str, *, now: datetime, operator: str) -> StoredAnchor:
        with self._locked():
            gone = self.find(fingerprint)
            kept = [a for a in self.anchors() if (a.der, a.purpose) != (gone.der, gone.purpose)]
            self._write(kept)
            self._audit("remove", gone, now, operator, gone.source)
        return gone

    def set_crl(
        self, fingerprint: str, crl_data: bytes, *, source: str, now: datetime, operator: str
    ) -> StoredAnchor:
        """Give an anchor its issuer's CRL (PEM or DER), checked against the anchor's key."""
        with self._locked():
            target = self.find(fingerprint)
            try:
                crl = (
                    x509.load_pem_x509_crl(crl_data)
                    if b"-----BEGIN" in crl_data
                    else x509.load_der_x509_crl(crl_data)
                )
            except ValueError:
                raise CrlRefused("not a CRL (PEM or DER)") from None
            if crl.issuer != target.certificate.subject or not crl.is_signature_valid(
                target.certificate.public_key()  # type: ignore[arg-type]
            ):
                raise CrlRefused("this CRL is not signed by that anchor")
            crl_der = crl.public_bytes(_encoding().DER)
            updated = StoredAnchor(target.purpose, target.der, target.added_at, target.source, crl_der)
            self._write([updated if a.der == target.der else a for a in self.anchors()])
            self._audit("crl", updated, now, operator, source)
        return updated

    # --- files -----------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """One change at a time, across processes."""
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        with (self.folder / ".lock").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _write(self, anchors: list[StoredAnchor]) -> None:
        data = {"format": FORMAT, "version": 1, "anchors": [_entry_of(a) for a in anchors]}
        path = self.folder / ANCHORS_FILE
        temporary = path.with_suffix(".tmp")
        with temporary.open("w", encoding="utf-8") as out:
            json.dump(data, out, indent=1)
            out.flush()
            os.fsync(out.fileno())
        temporary.replace(path)

    def _audit(self, action: str, anchor: StoredAnchor, now: datetime, operator: str, source: str) -> None:
        path = self.folder / AUDIT_FILE
        previous, seq = _GENESIS, 1
        if path.exists():
            lines = path.read_text(encoding="utf-8").splitlines()
            if lines:
                previous = hashlib.sha256(lines[-1].encode()).hexdigest()
                seq = len(lines) + 1
        entry = {
            "seq": seq,
            "at": now.isoformat(),
            "action": action,
            "purpose": anchor.purpose.value,
            "sha256": anchor.sha256.hex().upper(),
            "subject": anchor.certificate.subject.rfc4514_string(),
            "source": source,
            "operator": operator,
            "prev": previous,
        }
        with path.open("a", encoding="utf-8") as out:
            out.write(json.dumps(entry, ensure_ascii=False) + "\n")
            out.flush()
            os.fsync(out.fileno())


def _encoding() -> type[Encoding]:
    """cryptography's encodings, imported when an anchor is stored or read: its serialization
    module costs ``status`` a few milliseconds, and an empty store never needs it."""
    from cryptography.hazmat.primitives.serialization import Encoding

    return Encoding


def _entry_of(anchor: StoredAnchor) -> dict[str, Any]:
    pem = _encoding().PEM
    crl = anchor.crl
    return {
        "purpose": anchor.purpose.value,
        "sha256": anchor.sha256.hex().upper(),  # for people reading the file; not trusted on load
        "subject": anchor.certificate.subject.rfc4514_string(),
        "certificate": anchor.certificate.public_bytes(pem).decode(),
        "added_at": anchor.added_at.isoformat(),
        "source": anchor.source,
        "crl": crl.public_bytes(pem).decode() if crl is not None else None,
    }


def _anchor_from(entry: dict[str, Any]) -> StoredAnchor:
    purpose = PinKind(entry["purpose"])
    if purpose not in (PinKind.AUTH, PinKind.SIGN):
        raise ValueError(f"an anchor is for auth or sign, not {purpose.value}")
    cert = x509.load_pem_x509_certificate(entry["certificate"].encode())
    crl_text = entry.get("crl")
    crl = x509.load_pem_x509_crl(crl_text.encode()) if crl_text else None
    der = _encoding().DER
    return StoredAnchor(
        purpose,
        cert.public_bytes(der),
        datetime.fromisoformat(entry["added_at"]),
        str(entry["source"]),
        crl.public_bytes(der) if crl is not None else None,
    )
