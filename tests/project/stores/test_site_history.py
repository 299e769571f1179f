"""Reports > Site history: a role confined to its stores reads only its stores' entries."""

import pytest
from django.urls import reverse
from wagtail.log_actions import log

from project.accounts.roles import Role
from tests.factories import StoreFactory, StoreMembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def stores():
    own = StoreFactory(name="Seoul Cheongdam", code="SEL-01")
    other = StoreFactory(name="Kyiv Podil", code="KBP-02")
    editor = UserFactory(is_superuser=True)
    log(own, "wagtail.edit", user=editor)
    log(other, "wagtail.edit", user=editor)
    return own, other


def history_of(client, user, url_name="wagtailadmin_reports:site_history", **params) -> str:
    client.force_login(user)
    response = client.get(reverse(url_name), params)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("role", [Role.STORE_STAFF, Role.APPROVER, Role.AREA_MANAGER])
def test_a_store_role_reads_its_stores_entries_only(client, stores, role):
    own, other = stores
    user = UserFactory(role=role)
    StoreMembershipFactory(user=user, store=own)

    page = history_of(client, user)

    assert "Seoul Cheongdam" in page
    assert "Kyiv Podil" not in page


def test_the_export_is_narrowed_as_the_page_is(client, stores):
    own, _other = stores
    user = UserFactory(role=Role.STORE_STAFF)
    StoreMembershipFactory(user=user, store=own)

    client.force_login(user)
    response = client.get(reverse("wagtailadmin_reports:site_history"), {"export": "csv"})
    exported = b"".join(response.streaming_content).decode()

    assert "Seoul Cheongdam" in exported
    assert "Kyiv Podil" not in exported


@pytest.mark.parametrize("who", ["auditor", "superuser"])
def test_who_sees_every_store_reads_every_entry(client, stores, who):
    user = UserFactory(role=Role.AUDITOR) if who == "auditor" else UserFactory(is_superuser=True)

    page = history_of(client, user)

    assert "Seoul Cheongdam" in page
    assert "Kyiv Podil" in page
