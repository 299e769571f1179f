import pytest
from django.contrib.auth.models import AnonymousUser

from project.accounts.roles import Role
from project.stores.models import Store, StoreMembership
from project.stores.scoping import scope_to_user_stores
from tests.factories import StoreFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def seoul():
    return StoreFactory(code="SEL-01", name="Seoul")


@pytest.fixture
def kyiv():
    return StoreFactory(code="KBP-01", name="Kyiv", country="UA", time_zone="Europe/Kyiv")


def test_staff_see_only_their_own_store(seoul, kyiv):
    staff = UserFactory(role=Role.STORE_STAFF, stores=[seoul])

    assert list(Store.objects.for_user(staff)) == [seoul]


def test_staff_of_two_stores_see_both_once(seoul, kyiv):
    StoreFactory(code="NYC-01")
    approver = UserFactory(role=Role.APPROVER, stores=[seoul, kyiv])

    assert sorted(Store.objects.for_user(approver).values_list("code", flat=True)) == [
        "KBP-01",
        "SEL-01",
    ]


def test_rows_owned_through_a_store_field_are_scoped(seoul, kyiv):
    staff = UserFactory(role=Role.STORE_STAFF, stores=[seoul])
    colleague = UserFactory(stores=[seoul])
    UserFactory(stores=[kyiv])  # another store's membership: must stay hidden

    visible = StoreMembership.objects.for_user(staff)

    assert {membership.user for membership in visible} == {staff, colleague}


def test_a_user_without_membership_sees_no_store(seoul):
    assert not Store.objects.for_user(UserFactory(role=Role.STORE_STAFF)).exists()


def test_auditor_and_superuser_see_every_store(seoul, kyiv):
    auditor = UserFactory(role=Role.AUDITOR)
    admin = UserFactory(is_superuser=True)

    assert Store.objects.for_user(auditor).count() == 2
    assert Store.objects.for_user(admin).count() == 2


def test_inactive_and_anonymous_users_see_nothing(seoul):
    inactive = UserFactory(stores=[seoul], is_active=False)

    assert not Store.objects.for_user(inactive).exists()
    assert not scope_to_user_stores(Store.objects.all(), AnonymousUser()).exists()
