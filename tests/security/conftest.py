"""The hostile-input suite's clients: an officer in the browser, an officer's system on the API, anyone signed in."""

import pytest

from tests.api.clients import token_client


@pytest.fixture(autouse=True)
def unthrottled(settings):
    # Hundreds of requests per test run: the rate limit is not what these tests are about.
    settings.API_RATE_LIMIT = "1000000/minute"


@pytest.fixture
def officer_client(client, liaison_officer):
    client.force_login(liaison_officer)
    return client


@pytest.fixture
def client_of(client):
    """A separate client signed in as a user, of the project's own client class (which passes every login step)."""

    def signed_in(user):
        other = type(client)()
        other.force_login(user)
        return other

    return signed_in


@pytest.fixture
def api(liaison_officer):
    """Another system with a read-write token of a liaison officer."""
    return token_client(liaison_officer)
