"""The service's wire format (pydantic models): the OpenAPI contract, and strict input checks so
that malformed input is a 4xx with a code, never a 500."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

# Certificates are about 1.5-1.9 KB; a generous bound keeps requests small.
Base64 = Annotated[str, Field(pattern=r"^[A-Za-z0-9+/]*={0,2}$", min_length=4, max_length=8192)]
Nonce = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$", description="the challenge nonce, hex")]
CardChallenge = Annotated[str, Field(pattern=r"^[0-9a-f]{16}$", description="GET CHALLENGE's 8 bytes, hex")]
Identifier = Annotated[str, Field(pattern=r"^[0-9a-f]{32}$")]
Reset = Literal["auth", "sign"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ProofBody(Strict):
    auth_certificate: Base64 = Field(
        description="DER user-authentication certificate, base64 (the card's identity)"
    )
    sign_certificate: Base64 | None = Field(
        None, description="DER signing certificate, when the signing key signed"
    )
    nonce: Nonce
    signature: Base64 = Field(description="PKCS#1 v1.5 signature over the proof digest, base64")


class ReservationRequest(ProofBody):
    reset: Reset = Field(description="the PIN to reset")


class AuthorisationRequest(ProofBody):
    card_challenge: CardChallenge | None = None


class CompletionRequest(Strict):
    authorisation_id: Identifier


class ErrorBody(BaseModel):
    code: str = Field(description="stable refusal code")
    message: str
    details: dict[str, Any] = Field(default_factory=dict)


class HealthBody(BaseModel):
    status: Literal["ok", "unavailable"]
    database: Literal["ok", "unavailable"]


class ServiceTimeBody(BaseModel):
    now: datetime
    kiosk_open: bool
    next_opening: datetime
    training_clock: bool
    training: bool = Field(
        False, description="TRAINING: the service trusts the training CAs (their keys are public)"
    )


class ChallengeBody(BaseModel):
    nonce: str
    expires_at: datetime
    expires_in: float = Field(description="seconds of life left: time it with the terminal's own clock")


class ReservationBody(BaseModel):
    id: str
    reset: Reset
    card_identity: str
    status: Literal["active", "expired", "used", "replaced"]
    made_at: datetime
    deadline: datetime
    usable_until: datetime
    issuer_reset: bool
    replaced_earlier: bool = False
    used_at: datetime | None = Field(default=None, description="when it was used (status used)")
    next_challenge: ChallengeBody | None = Field(
        default=None, description="after a proof: the terminal's next challenge, so that it need not ask"
    )


class CardReservationsBody(BaseModel):
    reservations: list[ReservationBody]
    time: ServiceTimeBody


class AuthorisationBody(BaseModel):
    id: str
    reservation_id: str
    cryptogram: str | None
    issuer_reset: bool
    deadline: datetime
    next_challenge: ChallengeBody | None = Field(
        default=None, description="the terminal's next challenge, so that it need not ask"
    )


class AuditEntryBody(BaseModel):
    seq: int
    at: datetime
    terminal_id: int | None
    action: str
    outcome: str
    reservation_id: str | None
    card_identity: str | None
    reset: str | None


class AuditBody(BaseModel):
    entries: list[AuditEntryBody]
