import pytest
from django.contrib.auth.models import Group

from project.accounts.roles import Role
from tests.factories import StoreFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_every_shipped_role_exists_as_a_group():
    assert set(Group.objects.values_list("name", flat=True)) >= set(Role.values)


@pytest.mark.parametrize("role", Role.values)
def test_every_role_may_sign_in_to_the_admin(role, login_client):
    client = login_client(UserFactory(role=role, stores=[StoreFactory()]))

    assert client.get("/admin/").status_code == 200


def test_a_user_without_a_role_is_sent_to_the_login_page(login_client):
    response = login_client(UserFactory()).get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_only_the_auditor_role_sees_every_store():
    holders = Group.objects.filter(
        permissions__codename="access_all_stores", permissions__content_type__app_label="stores"
    )

    assert list(holders.values_list("name", flat=True)) == [Role.AUDITOR]
