"""The reservation service's error family, as the client and the flows see it.

Codes are stable: the UI translates them, scripts key on them, and the CLI maps every error here to
exit code 5 (``tui.cli.exit_code_for``: anything that is not a reader or card error).
"""

from __future__ import annotations

from typing import Any

from readers.errors import JpkiResetError

# Each error is a small class of its own (a docstring, a code, at times a few fields): callers
# catch by type and the UI keys on the code, so the classes look alike on purpose.


class ServiceError(JpkiResetError):
    """The reservation service could not do what was asked."""

    code = "service-error"


class ServiceUnreachable(ServiceError):
    """The reservation service did not answer (connection refused, timed out, or went away)."""

    code = "service-unreachable"


class ServiceRefused(ServiceError):
    """The service answered with a refusal; ``code`` is the service's own stable code."""

    def __init__(
        self, code: str, message: str = "", status: int = 400, details: dict[str, Any] | None = None
    ) -> None:
        self.code = code  # instance attribute: the refusal's code, e.g. "reservation-already-used"
        self.status = status
        self.details = details or {}
        super().__init__(message or code)


class ServiceAnswerInvalid(ServiceError):
    """The service's answer does not have the form the client expects."""

    code = "service-answer-invalid"


class TrainingClockRefused(ServiceError):
    """The service's clock can be overridden only in training mode."""

    code = "training-clock-refused"


class FlowEventNotAllowed(JpkiResetError):
    """A UI sent an event the flow's current state does not accept (a programming error)."""

    code = "flow-event-not-allowed"

    def __init__(self, event: str, state: str) -> None:
        self.event, self.state = event, state
        super().__init__(f"{event} is not allowed in state {state}")


class ServiceNotConfigured(ServiceError):
    """The way to the service is incomplete (for example ``--server`` without a terminal token)."""

    code = "service-not-configured"


class ServiceOptionInvalid(ServiceNotConfigured):
    """A ``serve`` option has a value it cannot take (a usage error: exit code 2)."""

    code = "option-invalid"


class TerminalUnknown(ServiceError):
    """No terminal of that name (``serve --revoke-terminal NAME``)."""

    code = "terminal-unknown"


class CannotListen(ServiceError):
    """The service cannot listen where it was asked to (port in use, unknown host, no permission)."""

    code = "cannot-listen"


class OperatorInputRefused(JpkiResetError):
    """What an operator gave (a config file, a trust anchor, a typed confirmation) cannot be used.
    The command line exits 2 (usage), as for a bad option."""

    code = "operator-input-refused"


class TrainingClockInvalid(OperatorInputRefused):
    """``--at`` cannot be used: not a time, or the card is not a training card (usage: exit 2)."""

    code = "training-clock-invalid"
