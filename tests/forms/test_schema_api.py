"""``GET /api/v1/forms/<slug or id>/schema/``: the JSON Schema of a form's live version for headless
clients; anyone may read a public form's, only staff an internal one's."""

import json

import pytest
from jsonschema import Draft202012Validator
from wagtail.models import PageViewRestriction

from forms.choices import FieldType, FormPurpose
from forms.jsonschema import version_json_schema
from forms.services import form_publish
from project.accounts.roles import Role
from tests.factories import UserFactory
from tests.forms.factories import FormDefinitionFactory, FormFieldFactory
from tests.forms.pages import form_page, published_form

pytestmark = pytest.mark.django_db

FIELDS = [
    {"label": "Name"},
    {"label": "Visit day", "field_type": FieldType.DATE, "min_date": "2024-01-01"},
]


def schema_url(key) -> str:
    return f"/api/v1/forms/{key}/schema/"


@pytest.fixture
def public_form():
    return published_form(FIELDS, slug="feedback", name="Feedback", purpose=FormPurpose.PUBLIC)


@pytest.fixture
def intake_form():
    return published_form(FIELDS, slug="repair-intake", purpose=FormPurpose.INTAKE)


def test_anyone_reads_the_schema_of_a_public_form_by_its_slug(client, public_form):
    response = client.get(schema_url("feedback") + "?lang=en")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/schema+json"
    assert response["X-Form-Version"] == "1"
    schema = json.loads(response.content)
    Draft202012Validator.check_schema(schema)
    assert schema["$id"] == "http://testserver/api/v1/forms/feedback/schema/"
    assert {key: value for key, value in schema.items() if key != "$id"} == version_json_schema(
        public_form.live_version
    )
    assert schema["title"] == "Feedback v1"
    assert schema["properties"]["visit_day"]["x-min-date"] == "2024-01-01"


def test_the_schema_is_also_found_by_the_forms_id(client, public_form):
    response = client.get(schema_url(public_form.pk))

    assert response.status_code == 200
    assert json.loads(response.content)["title"] == "Feedback v1"


def test_the_schema_follows_the_live_version(client, public_form):
    FormFieldFactory(form=public_form, label="Phone", field_type=FieldType.PHONE, sort_order=9)
    form_publish(form=public_form, actor=UserFactory(is_superuser=True))

    response = client.get(schema_url("feedback"))

    assert response["X-Form-Version"] == "2"
    assert "phone" in json.loads(response.content)["properties"]


def test_an_unknown_form_is_not_found(client, public_form):
    response = client.get(schema_url("no-such-form"))

    assert response.status_code == 404
    assert response.json() == {"detail": "There is no published form “no-such-form”."}
    assert client.get(schema_url(public_form.pk + 1000)).status_code == 404


def test_a_form_never_published_is_not_found(client):
    form = FormDefinitionFactory(slug="draft", purpose=FormPurpose.PUBLIC)
    FormFieldFactory(form=form, label="Name")

    assert client.get(schema_url("draft")).status_code == 404


def test_an_internal_form_is_not_found_for_visitors(client, intake_form):
    assert client.get(schema_url("repair-intake")).status_code == 404


def test_an_internal_form_is_not_found_for_users_who_are_not_staff(login_client, intake_form):
    client = login_client(UserFactory())

    assert client.get(schema_url("repair-intake")).status_code == 404


def test_staff_read_the_schema_of_an_internal_form(login_client, intake_form):
    client = login_client(UserFactory(role=Role.STORE_STAFF))

    response = client.get(schema_url("repair-intake"))

    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    assert json.loads(response.content)["required"] == ["name", "visit_day"]


def test_an_intake_form_on_a_live_public_page_is_public(client, intake_form):
    form_page(intake_form, slug="repair-request")

    assert client.get(schema_url("repair-intake")).status_code == 200


def test_a_page_behind_a_password_does_not_make_its_form_public(client, intake_form):
    page = form_page(intake_form, slug="repair-request")
    PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )

    assert client.get(schema_url("repair-intake")).status_code == 404


def test_the_schema_is_read_only(client, public_form):
    assert client.post(schema_url("feedback")).status_code == 405
    assert client.head(schema_url("feedback")).status_code == 200
