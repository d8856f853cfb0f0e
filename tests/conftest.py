"""The cast: a liaison officer who owns organisations, a coordinator, a researcher, a reader and an outsider."""

import pytest
from django.conf import settings
from django.utils import translation

from accounts import roles
from tests.brokers import use_broker
from tests.factories import UserFactory
from tests.sessions import SignedInClient


@pytest.fixture(autouse=True, scope="session")
def in_memory_broker():
    """Kicks from tests without a worker stay in this process instead of piling up in a shared Redis."""
    use_broker("memory://")


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the default language: a request of the test client leaves the language it was served in
    active in the thread (LocaleMiddleware), and a later test would read English."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture
def client():
    """Django's test client, whose force_login also passes the second factor; the login tests use their own."""
    return SignedInClient()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Users are made by the hundred in tests; a slow hash is for production, where it guards stolen hashes."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def liaison_officer(db):
    return UserFactory(username="officer", role=roles.LIAISON_OFFICERS)


@pytest.fixture
def coordinator(db):
    return UserFactory(username="coordinator", role=roles.COORDINATORS)


@pytest.fixture
def researcher(db):
    return UserFactory(username="researcher", role=roles.RESEARCHERS)


@pytest.fixture
def reader(db):
    return UserFactory(username="reader", role=roles.READ_ONLY)


@pytest.fixture
def outsider(db):
    return UserFactory(username="outsider")


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client
