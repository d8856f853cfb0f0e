import pytest
from rest_framework.test import APIClient

from crm.tokens import api_token_create


@pytest.fixture
def api(liaison_officer):
    """A client of another system, with a read-write token of a liaison officer."""
    _, secret = api_token_create(user=liaison_officer, name="partner portal", read_only=False)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


@pytest.fixture
def reader_api(reader):
    _, secret = api_token_create(user=reader, name="data warehouse", read_only=True)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client
