"""Reports > Monthly review: the price exceptions of a month with what was asked, the outcome and
every decision with its comment, for the auditor; staff see only their stores'."""

import datetime

import pytest
from django.utils import timezone

from project.accounts.roles import Role
from tests.aftersales.factories import request_exception, shipped_process
from tests.factories import StoreFactory, UserFactory
from tests.rendered import text_of
from workflows.models import Case, Process
from workflows.services import case_transition

pytestmark = pytest.mark.django_db


@pytest.fixture
def process() -> Process:
    return shipped_process("price-exception")


def test_the_auditor_reviews_the_months_exceptions_with_their_comments(login_client, process):
    new_york, seoul = StoreFactory(code="NYC-01"), StoreFactory(code="SEL-01", currency="KRW")
    staff = UserFactory(username="till", role=Role.STORE_STAFF, stores=[new_york, seoul])
    manager = UserFactory(
        username="mgr", first_name="Maria", role=Role.APPROVER, stores=[new_york, seoul]
    )
    refused = request_exception(process, new_york, staff, amount="300")
    case_transition(case=refused, transition="refuse", actor=manager, comment="Not a display item.")
    approved = request_exception(process, seoul, staff, amount="250000", currency="KRW")
    case_transition(case=approved, transition="approve", actor=manager)
    last_month = request_exception(process, new_york, staff, amount="100")
    Case.objects.filter(pk=last_month.pk).update(
        opened_at=timezone.now() - datetime.timedelta(days=40)
    )
    auditor = login_client(UserFactory(role=Role.AUDITOR))

    page = auditor.get("/admin/cases/review/")

    assert page.status_code == 200
    text = text_of(page)
    assert refused.reference in text and approved.reference in text
    assert last_month.reference not in text
    assert "Refused" in text and "Not a display item." in text and "Maria" in text
    assert "Display item" in text  # the reason code asked for
    other_store_staff = login_client(UserFactory(role=Role.STORE_STAFF, stores=[seoul]))
    staff_text = text_of(other_store_staff.get("/admin/cases/review/"))
    assert approved.reference in staff_text and refused.reference not in staff_text


def test_a_wrong_month_says_how_to_write_it(login_client, process):
    auditor = login_client(UserFactory(role=Role.AUDITOR))

    page = auditor.get("/admin/cases/review/", {"month": "November"})

    assert "Give a month as 2026-11." in text_of(page)


def test_the_review_is_in_the_reports_menu_for_those_who_see_cases(login_client, process):
    auditor = login_client(UserFactory(role=Role.AUDITOR))
    trainer = login_client(UserFactory(role=Role.TRAINER))

    assert "/admin/cases/review/" in auditor.get("/admin/").text
    assert "/admin/cases/review/" not in trainer.get("/admin/").text
    assert trainer.get("/admin/cases/review/").status_code in (302, 403)


@pytest.mark.parametrize(
    ("month", "message"),
    [
        ("9999-12", "Give a month from 2000-01 to 2100-12."),
        ("0000-01", "Give a month from 2000-01 to 2100-12."),
        ("2026-13", "Give a month as 2026-11."),
        ("abc", "Give a month as 2026-11."),
        ("99999999999999999999-12", "Give a month as 2026-11."),
    ],
)
def test_a_month_out_of_the_calendar_is_a_form_error_not_a_failure(
    login_client, process, month, message
):
    auditor = login_client(UserFactory(role=Role.AUDITOR))

    page = auditor.get("/admin/cases/review/", {"month": month, "process": process.pk})

    assert page.status_code == 200
    assert message in text_of(page)
    assert page.context["rows"] == []


def test_an_unknown_process_is_a_form_error(login_client, process):
    auditor = login_client(UserFactory(role=Role.AUDITOR))

    page = auditor.get(
        "/admin/cases/review/", {"month": "2026-11", "process": "99999999999999999999"}
    )

    assert page.status_code == 200
    assert "Select a valid choice." in text_of(page)
