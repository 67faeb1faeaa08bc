"""Which issuers a terminal or a service trusts, decided where they are composed.

- Training mode (a ``training:`` or ``replay:`` reader, ``serve --training``, or ``training = true``
  in the config): the training CAs, whose keys are public, with the training reset authority.
- Otherwise: only the anchors an operator stored after comparing fingerprints (the trust store),
  and for ``serve`` the ``--anchor`` files. A training card is then refused (certificate-untrusted).

This is the one module of ``reset_flow`` that loads the training PKI for trust: everything else
takes a ``TrustAnchors`` it is given.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from cryptography import x509

from readers.jpki import PinKind
from reset_flow.trust import IssuerAnchor, TrustAnchors
from reset_flow.trust_store import AnchorRefused, TrustStore


@cache
def training_trust() -> TrustAnchors:
    """The training CAs (each with its CRL, checked against its CA) and reset authority."""
    from readers.training_card.pki import TRAINING_POLICY_OIDS, training_pki

    pki = training_pki()
    anchors = []
    for purpose, ca_der, crl_der in (
        (PinKind.AUTH, pki.auth_ca_certificate, pki.auth_crl),
        (PinKind.SIGN, pki.sign_ca_certificate, pki.sign_crl),
    ):
        ca, crl = x509.load_der_x509_certificate(ca_der), x509.load_der_x509_crl(crl_der)
        if not crl.is_signature_valid(ca.public_key()):  # type: ignore[arg-type]
            raise ValueError("a training CRL is not signed by its training CA")
        policy = x509.ObjectIdentifier(TRAINING_POLICY_OIDS[purpose.value])
        anchors.append(IssuerAnchor(purpose, ca, crl, policy, resettable=True, training=True))
    return TrustAnchors(tuple(anchors), reset_master_key=pki.reset_master_key)


def training_fingerprints() -> frozenset[bytes]:
    """The SHA-256 of the training CAs: a trust store never takes them."""
    return frozenset(anchor.sha256 for anchor in training_trust().anchors)


def open_trust_store(folder: Path) -> TrustStore:
    """The trust store in ``folder``, refusing the training CAs."""
    return TrustStore(folder, refused=training_fingerprints)


def terminal_trust(store: TrustStore, *, training: bool) -> TrustAnchors:
    """What a laptop's embedded service trusts. In training mode the training CAs only: a
    resident's card is never served by a service that also takes cards anyone can make."""
    return training_trust() if training else store.trust()


def service_trust(store: TrustStore, extra: tuple[IssuerAnchor, ...], *, training: bool) -> TrustAnchors:
    """What ``jpki-reset serve`` trusts: the trust store and ``--anchor`` files, plus the training
    CAs with ``--training`` (its clock may then move only while no real issuer is trusted)."""
    fingerprints = training_fingerprints()
    if any(anchor.sha256 in fingerprints for anchor in extra):
        raise AnchorRefused(
            "training-anchor-refused", "a TRAINING CA is not an --anchor: start with --training instead"
        )
    configured = store.trust() + TrustAnchors(extra)
    return training_trust() + configured if training else configured
