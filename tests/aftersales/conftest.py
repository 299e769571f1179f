"""Fixtures of the after-sales tests: a Seoul store quoting in won and its staff, the shipped
care file, the complete service of the catalogue, and a care file whose quotation was sent.

A module that needs another store defines its own ``store``; ``staff`` then works there."""

from decimal import Decimal

import pytest

from aftersales.models import ServiceItem
from project.accounts.roles import Role
from tests.aftersales.factories import quoted_care_file, shipped_process
from tests.factories import StoreFactory, UserFactory
from workflows.models import Process


@pytest.fixture
def store():
    return StoreFactory(
        code="SEL-01", currency="KRW", time_zone="Asia/Seoul", languages=["ko", "en"]
    )


@pytest.fixture
def staff(store):
    return UserFactory(role=Role.STORE_STAFF, stores=[store])


@pytest.fixture
def care_file() -> Process:
    """The shipped care file (fixtures/processes/care_file.toml), published."""
    return shipped_process("care-file")


@pytest.fixture
def service():
    """The complete service, 450,000 won, with its Korean text."""
    item = ServiceItem.objects.create(code="SRV-COMPLETE", description="Complete service")
    item.texts.create(language="ko", description="종합 서비스")
    item.prices.create(currency="KRW", amount=Decimal("450000"))
    item.save()
    return item


@pytest.fixture
def quoted(care_file, store, staff, service):
    """A care file of Ji-woo Lee's with its quotation sent: ``(case, quotation)``."""
    return quoted_care_file(care_file, store, staff, service)
