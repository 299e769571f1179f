"""Fixtures of the tests of the shipped processes: a superuser, the store's approver, and a care
file diagnosed out of warranty (the store and staff come from tests/aftersales/conftest.py)."""

import pytest

from project.accounts.roles import Role
from tests.aftersales.factories import DIAGNOSIS, move, open_care_file
from tests.factories import UserFactory


@pytest.fixture
def admin():
    return UserFactory(is_superuser=True)


@pytest.fixture
def manager(store):
    """The approver (store manager) of ``store``."""
    return UserFactory(role=Role.APPROVER, stores=[store])


@pytest.fixture
def diagnosed_care_file(care_file, store, staff):
    """A care file out of warranty, diagnosed with the complete service: it waits in "quotation
    in preparation" (``quoting``) for its quotation."""
    case = open_care_file(care_file, store, staff)
    move(case, "send_to_diagnosis", staff)
    move(case, "record_diagnosis", staff, data=DIAGNOSIS)
    return case
