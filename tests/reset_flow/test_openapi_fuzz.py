"""Generated input against the service's own OpenAPI document (schemathesis): whatever a client
sends, the answer is never a 500 and always matches the documented status codes and schemas."""

from __future__ import annotations

import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from reset_flow.clock import FixedClock
from reset_flow.embedded import embedded_app
from reset_flow.trust_setup import training_trust
from tests.reset_flow.conftest import OPEN_MORNING

APP, TOKEN = embedded_app(
    Path(tempfile.mkdtemp(prefix="jpki-reset-fuzz-")), clock=FixedClock(OPEN_MORNING), trust=training_trust()
)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_error_and_no_schema_violation(case: schemathesis.Case) -> None:
    # A real terminal token, so that the generated bodies get past authentication.
    case.call_and_validate(headers={"Authorization": f"Bearer {TOKEN}"}, checks=CHECKS)


@schema.parametrize()
@settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck))
def test_without_a_token(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=CHECKS)
