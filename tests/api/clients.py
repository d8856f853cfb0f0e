from rest_framework.test import APIClient

from accounts.tokens import api_token_create


def token_client(user, *, read_only: bool = False) -> APIClient:
    """An API client of another system, holding a fresh token of this user."""
    _, secret = api_token_create(user=user, name="test system", read_only=read_only)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client
