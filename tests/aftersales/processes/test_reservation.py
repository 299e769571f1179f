"""The shipped reservation process (fixtures/processes/reservation.toml) and automatic transitions:
a reservation past its date expires by itself when the periodic task runs, and whoever handles
it is told; nobody fires an automatic transition by hand."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from project.accounts.roles import Role
from tests.aftersales.factories import shipped_process
from tests.factories import UserFactory
from tests.workflows.factories import published_process
from workflows.errors import PublishRefused, TransitionRefused
from workflows.models import Process
from workflows.services import (
    SCHEDULER_USERNAME,
    available_transitions,
    case_open,
    case_transition,
    process_publish,
)
from workflows.tasks import fire_automatic_transitions

pytestmark = pytest.mark.django_db


@pytest.fixture
def process() -> Process:
    return shipped_process("reservation")


@pytest.fixture
def staff(store):
    return UserFactory(
        username="minjun", email="minjun@atelier.example", role=Role.STORE_STAFF, stores=[store]
    )


def today(store) -> datetime.date:
    return timezone.now().astimezone(store.zoneinfo).date()


def reservation(process, store, staff, until: datetime.date):
    case = case_open(
        process=process,
        store=store,
        actor=staff,
        customer={"name": "Ji-woo Lee"},
        data={
            "request_type": "Reservation",
            "product": "Panthère de Cartier, small model",
            "reserved_until": until.isoformat(),
        },
    )
    case_transition(case=case, transition="reserve", actor=staff)
    return case


def run_scheduler(django_capture_on_commit_callbacks) -> dict:
    with django_capture_on_commit_callbacks(execute=True):
        return fire_automatic_transitions.call_local()


def test_a_reservation_past_its_date_expires_by_itself_and_staff_are_told(
    process, store, staff, django_capture_on_commit_callbacks
):
    expired = reservation(process, store, staff, today(store) - datetime.timedelta(days=1))
    current = reservation(process, store, staff, today(store))

    result = run_scheduler(django_capture_on_commit_callbacks)

    assert result == {"fired": [expired.reference], "failed": [], "expired": []}
    expired.refresh_from_db()
    current.refresh_from_db()
    assert (expired.state, current.state) == ("expired", "reserved")
    event = expired.events.latest("created_at")
    assert (event.transition, event.actor.username) == ("expire", SCHEDULER_USERNAME)
    [message] = mail.outbox
    assert message.to == ["minjun@atelier.example"]
    assert message.subject == f"{expired.reference}: Reservation expired"
    assert "moved by itself to “Reservation expired”" in message.body
    assert run_scheduler(django_capture_on_commit_callbacks) == {
        "fired": [],
        "failed": [],
        "expired": [],
    }


def test_nobody_expires_a_reservation_by_hand(process, store, staff):
    case = reservation(process, store, staff, today(store) - datetime.timedelta(days=3))
    superuser = UserFactory(is_superuser=True)

    for actor in (staff, superuser):
        with pytest.raises(TransitionRefused) as refused:
            case_transition(case=case, transition="expire", actor=actor)
        assert refused.value.reason == "automatic"
    assert "expire" not in [t.code for t in available_transitions(case, staff)]


def test_a_product_wanted_is_not_put_aside_but_can_come_from_another_store(process, store, staff):
    case = case_open(
        process=process,
        store=store,
        actor=staff,
        data={"request_type": "Product wanted", "product": "Juste un Clou ring"},
    )
    assert "reserved_until" not in case.data  # asked only for a reservation

    with pytest.raises(TransitionRefused) as refused:
        case_transition(case=case, transition="reserve", actor=staff)
    assert refused.value.message == (
        "“Put aside” is not possible: Only a reservation is put aside; a product wanted is "
        "found or transferred."
    )
    case_transition(
        case=case,
        transition="request_transfer",
        actor=staff,
        data={"from_store": "KBP-01", "quantity": "1"},
    )
    case_transition(case=case, transition="transfer_received", actor=staff)
    case_transition(case=case, transition="sell", actor=staff)
    assert case.state == "sold"
    assert case.data["from_store"] == "KBP-01"


def test_a_reservation_sold_or_cancelled_in_time_does_not_expire(
    process, store, staff, django_capture_on_commit_callbacks
):
    sold = reservation(process, store, staff, today(store) - datetime.timedelta(days=1))
    case_transition(case=sold, transition="sell", actor=staff)
    cancelled = reservation(process, store, staff, today(store) - datetime.timedelta(days=1))
    case_transition(case=cancelled, transition="cancel", actor=staff, comment="Changed mind")

    assert run_scheduler(django_capture_on_commit_callbacks)["fired"] == []
    assert not mail.outbox


def test_an_automatic_transition_needs_a_condition_to_be_published():
    process = published_process()
    row = process.transitions.first()
    row.automatic = True
    row.condition = ""
    row.save()

    with pytest.raises(PublishRefused) as refused:
        process_publish(process=process, actor=UserFactory(is_superuser=True))

    assert f"Automatic transition “{row.code}” has no condition" in str(refused.value)
