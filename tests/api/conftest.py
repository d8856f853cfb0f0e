import pytest

from tests.api.clients import token_client


@pytest.fixture
def api(liaison_officer):
    """A client of another system, with a read-write token of a liaison officer."""
    return token_client(liaison_officer)


@pytest.fixture
def reader_api(reader):
    """A data warehouse with a read-only token of a reader."""
    return token_client(reader, read_only=True)
