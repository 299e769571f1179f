import pytest
from django.test import Client


@pytest.fixture
def login_client():
    """A test client signed in as ``user``: ``login_client(user)``."""

    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make
