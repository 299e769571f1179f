"""Bounds on what staff type into cases and on the numbers a process holds: a megabyte of text is
refused by the case page and by the services alike (nothing is stored), a text at the limit is
kept, an SLA target nobody could meet never stops a case from opening, and a bad parameter in a
list's address is a message, never a failure."""

import datetime
import logging
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.users.models import UserProfile

from project.accounts.roles import Role
from project.core.limits import COMMENT_MAX_LENGTH
from tests.factories import OpeningHoursFactory, StoreFactory, UserFactory
from tests.rendered import messages_of, text_of
from tests.workflows.factories import published_process
from workflows.choices import EventKind, StateKind
from workflows.errors import InvalidInput, TransitionRefused
from workflows.models import Case, CaseEvent, ProcessVersion
from workflows.services import case_comment, case_open, case_transition, cases_bulk_transition
from workflows.services.cases import _record_event

pytestmark = pytest.mark.django_db

MEGABYTE = "x" * 1_048_576
MEGABYTE_REFUSED = "at most 4000 characters (it has 1048576)."


@pytest.fixture
def store():
    return StoreFactory(code="SEL-01", name="Seoul")


@pytest.fixture
def staff(store):
    return UserFactory(role=Role.STORE_STAFF, stores=[store])


@pytest.fixture
def process():
    return published_process(
        states=[
            ("intake", "Intake", StateKind.INITIAL, 4),
            ("diagnosis", "Diagnosis", StateKind.ACTIVE, 8),
            ("closed", "Closed", StateKind.TERMINAL),
        ],
        transitions=[
            ("diagnose", "Diagnose", ["intake"], "diagnosis", [], ""),
            ("close", "Close", ["intake", "diagnosis"], "closed", [], ""),
        ],
    )


@pytest.fixture
def case(process, store, staff):
    return case_open(process=process, store=store, actor=staff, customer={"name": "Ji-woo"})


def case_url(case, name="detail", *args):
    return reverse(f"cases:{name}", args=[case.pk, *args])


# --- Internal notes -------------------------------------------------------------------------------


def test_a_megabyte_note_is_refused_on_the_case_page_and_nothing_is_stored(
    login_client, case, staff
):
    response = login_client(staff).post(case_url(case, "note"), {"note-text": MEGABYTE})

    assert response.status_code == 200
    assert f"Internal note: {MEGABYTE_REFUSED}" in text_of(response)
    assert not case.events.filter(kind=EventKind.COMMENT).exists()


def test_the_note_service_refuses_a_megabyte_note_naming_the_field(case, staff):
    with pytest.raises(InvalidInput) as refused:
        case_comment(case=case, actor=staff, text=MEGABYTE)

    assert refused.value.message == f"Internal note: {MEGABYTE_REFUSED}"
    assert list(refused.value.field_errors) == ["text"]
    assert not case.events.filter(kind=EventKind.COMMENT).exists()


def test_a_note_of_exactly_the_limit_is_kept(login_client, case, staff):
    note = "é" * COMMENT_MAX_LENGTH  # characters, not bytes

    response = login_client(staff).post(case_url(case, "note"), {"note-text": note})

    assert response.status_code == 302
    assert case.events.get(kind=EventKind.COMMENT).comment == note


def test_the_note_field_tells_the_browser_its_limit(login_client, case, staff):
    page = login_client(staff).get(case_url(case))

    assert f'maxlength="{COMMENT_MAX_LENGTH}"' in page.content.decode()


# --- Transition comments --------------------------------------------------------------------------


def test_a_megabyte_transition_comment_is_refused_and_the_case_does_not_move(
    login_client, case, staff
):
    response = login_client(staff).post(
        case_url(case, "transition", "close"),
        {"transition-comment": MEGABYTE, "transition-expected_state": "intake"},
    )

    assert response.status_code == 200
    assert f"Comment: {MEGABYTE_REFUSED}" in messages_of(response)
    assert response.context["form"].errors["comment"] == [f"Comment: {MEGABYTE_REFUSED}"]
    case.refresh_from_db()
    assert case.state == "intake"
    assert not case.events.filter(kind=EventKind.TRANSITION).exists()


def test_the_transition_service_refuses_a_megabyte_comment(case, staff):
    with pytest.raises(TransitionRefused) as refused:
        case_transition(case=case, transition="close", actor=staff, comment=MEGABYTE)

    assert refused.value.reason == "comment"
    assert refused.value.field_errors == {"comment": [f"Comment: {MEGABYTE_REFUSED}"]}
    case.refresh_from_db()
    assert case.state == "intake"


def test_a_transition_comment_of_exactly_the_limit_is_kept(case, staff):
    comment = "x" * COMMENT_MAX_LENGTH

    event = case_transition(case=case, transition="close", actor=staff, comment=comment)

    assert event.comment == comment


def test_a_megabyte_comment_on_the_bulk_transition_moves_nothing(login_client, case, staff):
    url = reverse("wagtail_bulk_action", args=["workflows", "case", "transition"])

    response = login_client(staff).post(
        f"{url}?id={case.pk}&next=/admin/cases/", {"transition": "close", "comment": MEGABYTE}
    )

    assert response.status_code == 200
    assert f"Comment: {MEGABYTE_REFUSED}" in text_of(response)
    case.refresh_from_db()
    assert case.state == "intake"


def test_the_bulk_service_fails_each_case_with_the_reason(case, staff):
    result = cases_bulk_transition(cases=[case], transition="close", actor=staff, comment=MEGABYTE)

    assert result.succeeded == []
    assert result.failed == [(case, f"Comment: {MEGABYTE_REFUSED}")]


def test_every_event_is_bounded_where_it_is_written(case, staff):
    """A feature writing a comment around a person's words meets the same bound."""
    with pytest.raises(InvalidInput):
        _record_event(case=case, kind=EventKind.COMMENT, actor=staff, comment="y" * 4001)

    assert CaseEvent.objects.filter(case=case).count() == 1  # only the opening


# --- Customer details -----------------------------------------------------------------------------


def test_opening_refuses_customer_details_longer_than_the_case_keeps(process, store, staff):
    with pytest.raises(InvalidInput) as refused:
        case_open(
            process=process,
            store=store,
            actor=staff,
            customer={"name": "n" * 201, "phone": "1" * 33, "email": "e" * 250 + "@x.kr"},
        )

    assert set(refused.value.field_errors) == {
        "customer_name",
        "customer_phone",
        "customer_email",
    }
    assert "Customer name: at most 200 characters (it has 201)." in refused.value.message
    assert not Case.objects.exists()


def test_the_open_case_page_refuses_a_long_customer_name(login_client, process, store, staff):
    response = login_client(staff).post(
        reverse("cases:open", args=[process.pk]),
        {"case-store": store.pk, "case-customer_name": "n" * 201},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["customer_name"] == [
        "Customer name: at most 200 characters (it has 201)."
    ]
    assert not Case.objects.exists()


# --- An SLA target stored before SLA targets had a range ------------------------------------------


def republish_with_sla(process, **hours_by_state: str) -> ProcessVersion:
    """A new live version whose states have the SLA targets given, as a version published
    before SLA targets had a range could hold (publishing refuses them today)."""
    spec = process.live_version.spec
    for state in spec["states"]:
        state["sla_hours"] = hours_by_state.get(state["code"], state["sla_hours"])
    version = ProcessVersion.objects.create(
        process=process, number=process.live_version.number + 1, spec=spec
    )
    process.live_version = version
    process.save(update_fields=["live_version"])
    return version


@pytest.mark.parametrize("hours", ["999999.99", "1e12", "0", "-8"])
@pytest.mark.parametrize("open_hours", [True, False], ids=["opening hours", "around the clock"])
def test_an_sla_out_of_range_opens_the_case_without_a_deadline(
    process, store, staff, hours, open_hours, caplog
):
    if open_hours:
        OpeningHoursFactory(store=store, weekday=0)
    republish_with_sla(process, intake=hours)

    with caplog.at_level(logging.WARNING, logger="workflows.services.cases"):
        case = case_open(process=process, store=store, actor=staff)

    assert case.state == "intake"
    assert case.due_at is None
    assert f"No deadline for state intake (SLA {Decimal(hours)} business hours)" in caplog.text


def test_an_sla_the_stores_hours_cannot_place_opens_the_case_without_a_deadline(
    process, store, staff, caplog
):
    # 2000 business hours at one hour a week: longer than the calendar the SLA clock reads.
    OpeningHoursFactory(store=store, weekday=0, opens=datetime.time(10), closes=datetime.time(11))
    republish_with_sla(process, intake="2000")

    with caplog.at_level(logging.WARNING, logger="workflows.services.cases"):
        case = case_open(process=process, store=store, actor=staff)

    assert case.due_at is None
    assert "do not fit in 800 days" in caplog.text


def test_the_case_page_opens_a_case_of_a_version_with_such_an_sla(
    login_client, process, store, staff
):
    OpeningHoursFactory(store=store, weekday=0)
    republish_with_sla(process, intake="999999.99")

    response = login_client(staff).post(
        reverse("cases:open", args=[process.pk]), {"case-store": store.pk}
    )

    assert response.status_code == 302
    assert Case.objects.get().due_at is None


def test_a_case_entering_such_a_state_moves_on_without_a_deadline(process, store, staff):
    republish_with_sla(process, diagnosis="999999.99")
    case = case_open(process=process, store=store, actor=staff)
    assert case.due_at is not None

    case_transition(case=case, transition="diagnose", actor=staff)

    case.refresh_from_db()
    assert (case.state, case.due_at) == ("diagnosis", None)


# --- Parameters of the case list ------------------------------------------------------------------


@pytest.fixture
def seoul_staff(login_client, staff):
    """Staff whose admin shows times in Seoul: the first moment of 0001-01-01 there is before
    the calendar's first moment in UTC."""
    profile = UserProfile.get_for_user(staff)
    profile.current_time_zone = "Asia/Seoul"
    profile.save()
    return login_client(staff)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("opened_from", "0001-01-01", "Choose a day from 2000-01-01 to 2100-12-31."),
        ("opened_to", "9999-12-31", "Choose a day from 2000-01-01 to 2100-12-31."),
        ("opened_from", "2026-13-01", "Enter a valid date."),
        ("opened_to", "abc", "Enter a valid date."),
        ("opened_from", "99999999999999999999", "Enter a valid date."),
    ],
)
def test_a_bad_day_in_the_case_list_filter_is_a_message(seoul_staff, case, name, value, message):
    for url in (reverse("cases:index"), reverse("cases:index_results")):
        response = seoul_staff.get(url, {name: value})

        assert response.status_code == 200
        assert f"These filters were not applied: Opened: {message}" in text_of(response)
        assert case.reference in text_of(response)


@pytest.mark.parametrize("page", ["-1", "0", "abc", "99999999999999999999"])
def test_any_page_number_of_the_case_list_shows_a_page(seoul_staff, case, page):
    response = seoul_staff.get(reverse("cases:index"), {"p": page})

    assert response.status_code == 200


@pytest.mark.parametrize("value", ["99999999999999999999", "-1", "abc"])
def test_the_bulk_action_ignores_ids_no_case_can_have(login_client, case, staff, value):
    url = reverse("wagtail_bulk_action", args=["workflows", "case", "transition"])

    response = login_client(staff).get(url, {"id": [value, str(case.pk)], "next": "/admin/"})

    assert response.status_code == 200
    assert [row["item"] for row in response.context["items"]] == [case]


def test_the_list_filter_keeps_working_within_the_range(seoul_staff, case):
    today = timezone.localdate().isoformat()

    response = seoul_staff.get(reverse("cases:index"), {"opened_from": today})

    assert "not applied" not in text_of(response)
