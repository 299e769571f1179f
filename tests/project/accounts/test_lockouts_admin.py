"""Settings > Sign-in lockouts: who is locked out from where, and the Unlock button, for superusers
and the groups given django-axes' "Can delete access attempt" permission."""

import pytest
from django.contrib.auth.models import Group, Permission
from wagtail import hooks

from project.accounts.roles import Role
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def locked_out(sign_in, minjun):
    for _ in range(5):
        sign_in("minjun", "not the password", "203.0.113.7")
    return minjun


@pytest.fixture
def support_desk():
    """A group that may unlock sign-ins without being superusers."""
    group = Group.objects.create(name="Support desk")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        Permission.objects.get(content_type__app_label="axes", codename="delete_accessattempt"),
    )
    return group


def test_a_superuser_sees_who_is_locked_out_and_unlocks_them(locked_out, login_client, sign_in):
    admin = login_client(UserFactory(is_superuser=True))

    html = admin.get("/admin/sign-in-lockouts/").content.decode()
    assert '<tr data-lockout="minjun">' in html and "203.0.113.7" in html
    response = admin.post(
        "/admin/sign-in-lockouts/unlock/",
        {"username": "minjun", "ip_address": "203.0.113.7"},
        follow=True,
    )

    html = response.content.decode()
    assert "minjun may sign in again from 203.0.113.7." in html
    assert "No user is locked out." in html
    assert sign_in("minjun", DEFAULT_PASSWORD, "203.0.113.7").status_code == 302


def test_unlocking_one_address_leaves_the_user_s_lockout_from_another(
    locked_out, login_client, sign_in
):
    for _ in range(5):
        sign_in("minjun", "not the password", "198.51.100.20")
    admin = login_client(UserFactory(is_superuser=True))

    admin.post(
        "/admin/sign-in-lockouts/unlock/", {"username": "minjun", "ip_address": "203.0.113.7"}
    )

    assert sign_in("minjun", DEFAULT_PASSWORD, "198.51.100.20").status_code == 429
    assert sign_in("minjun", DEFAULT_PASSWORD, "203.0.113.7").status_code == 302


def test_a_group_given_the_permission_may_unlock(locked_out, login_client, support_desk):
    helper = UserFactory()
    helper.groups.add(support_desk)
    client = login_client(helper)

    assert client.get("/admin/sign-in-lockouts/").status_code == 200
    assert "Sign-in lockouts" in client.get("/admin/").content.decode()  # in the Settings menu


def test_staff_without_the_permission_neither_see_nor_unlock(locked_out, login_client, sign_in):
    client = login_client(UserFactory(role=Role.STORE_STAFF))

    assert client.get("/admin/sign-in-lockouts/").status_code == 302  # refused (to the dashboard)
    response = client.post(
        "/admin/sign-in-lockouts/unlock/", {"username": "minjun", "ip_address": "203.0.113.7"}
    )
    assert response.status_code == 302
    assert sign_in("minjun", DEFAULT_PASSWORD, "203.0.113.7").status_code == 429
    assert "Sign-in lockouts" not in client.get("/admin/").content.decode()


def test_unlocking_takes_a_post(login_client):
    admin = login_client(UserFactory(is_superuser=True))

    assert admin.get("/admin/sign-in-lockouts/unlock/").status_code == 405


def test_the_permission_is_offered_in_wagtail_s_group_editor():
    offered = {
        (permission.content_type.app_label, permission.codename)
        for hook in hooks.get_hooks("register_permissions")
        for permission in hook()
    }

    assert ("axes", "delete_accessattempt") in offered
