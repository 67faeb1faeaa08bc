"""The typed states of step 1 and step 2: what the UI shows after each call.

Every flow call returns one of these. They carry codes and numbers, never UI sentences, and never
a PIN. ``Terminal`` states end a flow; the others wait for the events named in docs/flows.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from readers.jpki import PinKind
from reset_flow.pin_rules import PinFormat, PinProblem
from reset_flow.triage import Reason, Triage

# One small frozen dataclass per thing the UI may show, matched by type: many look alike (a PIN
# kind, a deadline) on purpose, since the screens and the catalogue key on the class.


@dataclass(frozen=True, slots=True)
class FlowState:
    """Base of every state. ``name`` is a stable code (for logs, tests and the UI's catalogue)."""

    @property
    def name(self) -> str:
        return "".join("-" + c.lower() if c.isupper() else c for c in type(self).__name__).lstrip("-")


@dataclass(frozen=True, slots=True)
class Terminal(FlowState):
    """A state that ends the flow."""


# --- before any PIN ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NotStarted(FlowState):
    pass


@dataclass(frozen=True, slots=True)
class ChoosePin(FlowState):
    """Step 1: which PIN does the resident want reset? ``choices`` are the ones triage allows."""

    choices: tuple[PinKind, ...]
    triage: Triage


@dataclass(frozen=True, slots=True)
class AskSigningCertificate(FlowState):
    """Step 1 of a signing-PIN reset, before any PIN: the signing certificate is read only after
    the signing PIN, which this reset never asks, so staff ask the resident what revokes or
    suspends it. A change of name, address, date of birth or sex since the card was issued
    revokes it (a new certificate at the window, not a reset); a reported loss suspends it."""

    reset: PinKind


@dataclass(frozen=True, slots=True)
class ConfirmIdentity(FlowState):
    """Step 1: staff checks the resident's photo ID in person, then confirms (the official app's
    face check, replaced by a person)."""

    reset: PinKind


@dataclass(frozen=True, slots=True)
class ChooseReservation(FlowState):
    """Step 2: the card holds active reservations for both PINs; which one now?"""

    choices: tuple[PinKind, ...]


# --- the proof PIN (the one NOT being reset) --------------------------------------------------


@dataclass(frozen=True, slots=True)
class NeedPin(FlowState):
    """Ask for ``pin`` (the PIN that proves the reset of ``reset``). The tries were just read from
    the card. On the last try, entering the PIN leads to ``ConfirmLastTry`` first."""

    pin: PinKind
    reset: PinKind
    tries_left: int
    max_tries: int
    format: PinFormat
    problems: tuple[PinProblem, ...] = ()  # why the last entry was not sent (format rules)

    @property
    def last_try(self) -> bool:
        return self.tries_left == 1


@dataclass(frozen=True, slots=True)
class PinWasWrong(NeedPin):
    """The PIN entered was wrong; the card counted a try. Ask again (``tries_left`` is fresh)."""


@dataclass(frozen=True, slots=True)
class ConfirmLastTry(FlowState):
    """One try is left. Nothing has been sent to the card: staff must confirm, having told the
    resident that a block of this PIN too means a visit to the municipal window."""

    pin: PinKind
    reset: PinKind


@dataclass(frozen=True, slots=True)
class PinBlocked(Terminal):
    """The proof PIN is blocked (now or already): the kiosk path is closed, go to the window."""

    pin: PinKind
    reset: PinKind


# --- step 2: the new PIN ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NeedNewPin(FlowState):
    """Ask for the new ``reset`` PIN twice. ``problems`` is empty the first time and lists the
    reason codes after a rejected entry (format problems, ``mismatch``)."""

    reset: PinKind
    format: PinFormat
    problems: tuple[PinProblem, ...] = ()
    deadline: datetime | None = None


# --- interruptions (resumable) ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CardRemoved(FlowState):
    """The card left the reader (or the link failed). Put it back and send ``resume()``; the tries
    are read again first. ``during_verify``: the link failed while a VERIFY was under way."""

    during_verify: bool = False
    code: str = "card-removed"


@dataclass(frozen=True, slots=True)
class DifferentCard(FlowState):
    """After a removal, another card came back. Put the first card back and ``resume()``."""


@dataclass(frozen=True, slots=True)
class ServiceUnavailable(FlowState):
    """The reservation service did not answer. ``retry()`` repeats the same request (same
    idempotency key, so nothing is done twice); no PIN is asked again."""

    code: str = "service-unreachable"


# --- endings ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GoToWindow(Terminal):
    """The kiosk path is not possible; every reason applies (codes, see ``triage.ReasonCode``)."""

    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class IssuerNotTrusted(Terminal):
    """The card's issuer is not trusted on this terminal: the service would refuse its proof, so
    the flow stops before any PIN. An operator adds the issuer with ``jpki-reset trust add``
    after comparing its CA fingerprints with the ones the issuer publishes."""


@dataclass(frozen=True, slots=True)
class CardProblem(Terminal):
    """The card cannot be used here (``code``: a readers error code, e.g. not-a-my-number-card)."""

    code: str


@dataclass(frozen=True, slots=True)
class ServiceRefusal(Terminal):
    """The service refused, with its stable ``code`` (e.g. certificate-revoked)."""

    code: str


@dataclass(frozen=True, slots=True)
class ReservationMade(Terminal):
    """Step 1 done. ``deadline``: 24 h after step 1 (JST). ``usable_until``: the deadline, or the
    kiosk closing before it when the deadline falls in the closed hours. ``next_opening``: when
    the kiosk next opens, if it is closed now (by the service's clock)."""

    reservation_id: str
    reset: PinKind
    made_at: datetime
    deadline: datetime
    usable_until: datetime
    kiosk_open_now: bool
    next_opening: datetime | None
    replaced_earlier: bool


@dataclass(frozen=True, slots=True)
class NoReservation(Terminal):
    """Step 2: this card has no active reservation: do step 1 first."""


@dataclass(frozen=True, slots=True)
class ReservationUsed(Terminal):
    """Step 2: this card's reservation was used already: the PIN was reset at ``used_at``."""

    reset: PinKind
    used_at: datetime


@dataclass(frozen=True, slots=True)
class ReservationExpired(Terminal):
    """Step 2: the reservation expired (24 h): do step 1 again."""

    reset: PinKind
    deadline: datetime


@dataclass(frozen=True, slots=True)
class KioskClosed(Terminal):
    """Step 2 outside 06:30-23:00 JST (by the service's clock). No PIN was spent."""

    next_opening: datetime
    deadline: datetime | None = None


@dataclass(frozen=True, slots=True)
class ResetDone(Terminal):
    """The card took the new PIN. ``tries_left`` was read back from the card afterwards.
    ``recorded``: False when the service did not answer the completion (the card is reset all the
    same); after ``service-unreachable``, ``Step2.record_completion()`` tries again with the same
    idempotency key."""

    reset: PinKind
    tries_left: int | None
    max_tries: int
    recorded: bool = True
    completion_code: str | None = None  # why not recorded: service-unreachable, or a refusal code


@dataclass(frozen=True, slots=True)
class StoppedBeforeIssuerCommand(Terminal):
    """A real card (not a training card): every check passed, and the flow stopped before the
    final command, which needs the issuer's (J-LIS's) authority. Nothing was faked."""

    reset: PinKind
    checks: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Cancelled(Terminal):
    pass
