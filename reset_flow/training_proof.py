"""A training card's proof of possession made straight from its training key, without a reader:
what load tests and ``bench/`` use to put the service under many concurrent step-1 proofs. The
signature is byte-for-byte what the training card would return (PKCS#1 v1.5 over the same digest).
"""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric import padding, utils
from cryptography.hazmat.primitives.hashes import SHA256

from readers.card_identity import card_identity
from readers.jpki import PinKind
from readers.training_card.pki import training_pki
from reset_flow.pin_rules import proof_pin_for
from reset_flow.proof import Proof, ProofPurpose, proof_digest


class TrainingProver:
    def __init__(self, profile: str = "adult") -> None:
        self.credentials = training_pki().cards[profile]
        self.identity = card_identity(self.credentials.auth_certificate)

    def proof(self, purpose: ProofPurpose, reset: PinKind, nonce: bytes) -> Proof:
        digest = proof_digest(purpose, reset, nonce, self.identity)
        creds = self.credentials
        if proof_pin_for(reset) is PinKind.AUTH:
            key, sign_certificate = creds.auth_key, None
        else:
            if creds.sign_key is None:
                raise ValueError("this training card has no signing key")
            key, sign_certificate = creds.sign_key, creds.sign_certificate
        signature = key.sign(digest, padding.PKCS1v15(), utils.Prehashed(SHA256()))
        return Proof(creds.auth_certificate, nonce, signature, sign_certificate)
