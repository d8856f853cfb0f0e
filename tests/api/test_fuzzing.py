"""Schemathesis against the live OpenAPI document: every operation, authenticated, fixed seed, 50 examples each.

Its default checks must all pass: no server error, every response (and so every 4xx and 5xx, documented as
problem+json) conforming to the document, schema-valid data accepted and schema-violating data refused.
schemathesis.toml lists the rules a schema cannot express (a page past the end, a reference to a missing record).
"""

import subprocess
import sys
from pathlib import Path

import pytest

from accounts.tokens import api_token_create
from tests.factories import ContactFactory, InteractionFactory, OrganisationRelationFactory, TagFactory

ROOT = Path(__file__).resolve().parents[2]
SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"


def schemathesis(live_server, user, *operations: str) -> None:
    """Schemathesis with a token of this user over the operations these options select; every check must pass."""
    _, secret = api_token_create(user=user, name="schemathesis", read_only=False)
    result = subprocess.run(
        [
            str(SCHEMATHESIS), "run", f"{live_server.url}/api/v1/openapi.json",
            "--url", f"{live_server.url}/api/v1",
            "--header", f"Authorization: Bearer {secret}",
            "--seed", "1", "--max-examples", "50", "--workers", "2",
            "--phases", "examples,coverage,fuzzing,stateful", *operations,
        ],
        cwd=ROOT, capture_output=True, text=True, timeout=900,
    )  # fmt: skip

    summary = result.stdout[-4000:]
    assert result.returncode == 0, summary
    assert " passed" in summary and "failures" not in summary.splitlines()[-1], summary


@pytest.mark.django_db(transaction=True)
def test_api_holds_up_under_generated_requests(live_server, settings, liaison_officer):
    settings.API_RATE_LIMIT = "1000000/minute"
    contact = ContactFactory()
    InteractionFactory(organisation=contact.organisation)
    OrganisationRelationFactory(source=contact.organisation)
    TagFactory()
    # The steering figures are for coordinators: the test below tries them as one.
    schemathesis(live_server, liaison_officer, "--exclude-path", "/sturing")


@pytest.mark.django_db(transaction=True)
def test_the_steering_figures_hold_up_under_generated_requests(live_server, settings, coordinator):
    settings.API_RATE_LIMIT = "1000000/minute"
    contact = ContactFactory()
    InteractionFactory(organisation=contact.organisation, sentiment=1)
    schemathesis(live_server, coordinator, "--include-path", "/sturing")
