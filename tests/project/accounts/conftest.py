import pytest

from project.accounts.roles import Role
from tests.factories import UserFactory


@pytest.fixture
def minjun():
    return UserFactory(username="minjun", role=Role.STORE_STAFF)


@pytest.fixture
def sign_in(client):
    """``sign_in(username, password, address="203.0.113.7", **headers)``: posts Wagtail's sign-in
    form from that address and returns the response."""

    def post(username, password, address="203.0.113.7", **headers):
        return client.post(
            "/admin/login/",
            {"username": username, "password": password},
            REMOTE_ADDR=address,
            **headers,
        )

    return post
