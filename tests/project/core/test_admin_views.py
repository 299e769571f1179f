"""Deleting in the admin: a deletion the database refuses is a message, never a 500."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from wagtail.admin.viewsets import viewsets

from project.core.admin_views import RefusingDeleteView
from project.stores.models import Store
from tests.factories import StoreFactory, UserFactory
from tests.workflows.factories import published_process
from workflows.choices import StateKind
from workflows.services import case_open

pytestmark = pytest.mark.django_db

FIRST_PARTY = ("project.", "forms.", "workflows.", "aftersales.", "training.", "reports.")


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_superuser=True))
    return client


def test_every_atelier_viewset_refuses_a_protected_deletion_with_a_message(client):
    client.get(reverse("wagtailadmin_home"))  # loading the admin's URLs registers the viewsets
    ours = [v for v in viewsets.viewsets if type(v).__module__.startswith(FIRST_PARTY)]
    assert len(ours) >= 8
    plain = [
        type(v).__name__
        for v in ours
        if hasattr(v, "delete_view_class")
        and not issubclass(v.delete_view_class, RefusingDeleteView)
    ]
    assert plain == []


def test_a_store_its_cases_refer_to_is_not_deleted_and_the_admin_is_told_why(admin_client):
    store = StoreFactory(name="Seoul Cheongdam")
    process = published_process(
        states=[("intake", "Intake", StateKind.INITIAL), ("done", "Done", StateKind.TERMINAL)],
        transitions=[("close", "Close", ["intake"], "done", [], "")],
    )
    staff = UserFactory(is_superuser=True)
    for _ in range(2):
        case_open(process=process, store=store, actor=staff, customer={"name": "Ji-woo"})
    delete_url = reverse("stores:delete", args=[store.pk])

    response = admin_client.post(delete_url)

    assert response.status_code == 302
    assert response.url == delete_url
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert f"“{store}” cannot be deleted while other records refer to it" in message
    assert "Cases: 2" in message
    assert Store.objects.filter(pk=store.pk).exists()
    assert store.cases.count() == 2


def test_a_store_nothing_refers_to_is_deleted(admin_client):
    store = StoreFactory(name="Kyiv Podil")

    response = admin_client.post(reverse("stores:delete", args=[store.pk]))

    assert response.status_code == 302
    assert not Store.objects.filter(pk=store.pk).exists()
