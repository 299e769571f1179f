"""The system users (``project.accounts.system_users``): created once, unable to sign in, and
allowed exactly to act on the cases of every store."""

import pytest
from django.contrib.auth import get_user_model
from django.http import HttpRequest

from project.accounts.system_users import (
    PUBLIC_WEB_USERNAME,
    SCHEDULER_USERNAME,
    public_web_user,
    scheduler_user,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SYSTEM_USERS = [
    (public_web_user, PUBLIC_WEB_USERNAME, "Public", "website"),
    (scheduler_user, SCHEDULER_USERNAME, "Atelier", "scheduler"),
]


@pytest.mark.parametrize(("make", "username", "first_name", "last_name"), SYSTEM_USERS)
def test_a_system_user_is_created_on_first_use_and_found_afterwards(
    make, username, first_name, last_name
):
    user = make()

    assert (user.username, user.first_name, user.last_name) == (username, first_name, last_name)
    assert make() == user
    assert get_user_model().objects.filter(username=username).count() == 1


@pytest.mark.parametrize(("make", "username", "first_name", "last_name"), SYSTEM_USERS)
def test_a_system_user_cannot_sign_in_and_may_act_on_every_store_s_cases(
    client, make, username, first_name, last_name
):
    user = get_user_model().objects.get(pk=make().pk)  # fresh: no cached permissions

    assert not user.has_usable_password()
    assert not (user.is_staff or user.is_superuser)
    assert not user.groups.exists()
    assert user.get_all_permissions() == {"stores.access_all_stores", "workflows.change_case"}
    # The sign-in throttle (django-axes) needs the request authenticate() is asked from.
    assert not client.login(request=HttpRequest(), username=username, password="")
    assert client.get("/admin/").status_code == 302


def test_the_two_system_users_are_different_accounts():
    assert public_web_user() != scheduler_user()


def test_an_existing_account_of_that_name_is_used_as_it_is():
    existing = UserFactory(username=SCHEDULER_USERNAME, first_name="Night", last_name="shift")

    user = scheduler_user()

    assert user == existing
    assert user.first_name == "Night"
    assert not user.user_permissions.exists()
