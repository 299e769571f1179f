import pytest
from django.test import Client
from hypothesis import settings

# Properties are about behaviour, not speed: a loaded CI machine must not fail them on time.
settings.register_profile("atelier", deadline=None)
settings.load_profile("atelier")

# Helper modules whose asserts should explain a failure as a test's own asserts do.
pytest.register_assert_rewrite("tests.aftersales.factories", "tests.exports", "tests.rendered")


@pytest.fixture
def login_client():
    """A test client signed in as ``user``: ``login_client(user)``."""

    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make
