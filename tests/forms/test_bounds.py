"""Bounds of the forms engine: the numbers a designer sets on a field have a range refused on
saving and on publishing, a customer's text answer never exceeds a hard ceiling whatever a
version says, and the submissions list reads its parameters through a form."""

import pytest
from django.core.exceptions import ValidationError

from forms.builder import build_form
from forms.choices import FieldType
from forms.jsonschema import property_schema
from forms.models import FormDefinition, FormField
from forms.services import form_publish
from project.core.limits import TEXT_ANSWER_MAX_LENGTH
from tests.factories import UserFactory
from tests.forms.factories import FormDefinitionFactory, FormFieldFactory, field_spec
from tests.forms.test_admin import form_post
from tests.rendered import text_of

pytestmark = pytest.mark.django_db


def problems_of(**columns) -> dict[str, list[str]]:
    field = FormField(form=FormDefinitionFactory(), label="Answer", **columns)
    with pytest.raises(ValidationError) as refused:
        field.full_clean(exclude=["clean_name"])
    return refused.value.message_dict


# --- Numbers a designer sets ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("columns", "attribute", "message"),
    [
        (
            {"field_type": FieldType.MULTI_LINE, "max_length": 10_000_000},
            "max_length",
            "The maximum length must be from 1 to 10000 characters.",
        ),
        (
            {"field_type": FieldType.SINGLE_LINE, "max_length": 0},
            "max_length",
            "The maximum length must be from 1 to 10000 characters.",
        ),
        (
            {"field_type": FieldType.SINGLE_LINE, "min_length": 10_001},
            "min_length",
            "The minimum length can be at most 10000 characters.",
        ),
        (
            {"field_type": FieldType.FILE, "allowed_extensions": "pdf", "max_upload_mb": 51},
            "max_upload_mb",
            "The maximum file size can be at most 50 MB.",
        ),
        (
            {"field_type": FieldType.FILE, "allowed_extensions": "pdf", "max_upload_mb": 0},
            "max_upload_mb",
            "The maximum file size must be at least 1 MB.",
        ),
        (
            {"field_type": FieldType.LINE_ITEMS, "min_length": 201},
            "min_length",
            "The minimum length can be at most 200 here.",
        ),
        (
            {"field_type": FieldType.SINGLE_LINE, "help_text": "h" * 1001},
            "help_text",
            "Ensure this value has at most 1000 characters (it has 1001).",
        ),
    ],
)
def test_a_number_or_text_out_of_its_range_is_refused_with_a_message(columns, attribute, message):
    assert message in problems_of(**columns)[attribute]


@pytest.mark.parametrize(
    "columns",
    [
        {"field_type": FieldType.MULTI_LINE, "max_length": TEXT_ANSWER_MAX_LENGTH},
        {"field_type": FieldType.SINGLE_LINE, "max_length": 1, "min_length": 1},
        {"field_type": FieldType.FILE, "allowed_extensions": "pdf", "max_upload_mb": 50},
        {"field_type": FieldType.LINE_ITEMS, "min_length": 200, "max_length": 200},
    ],
)
def test_the_ends_of_each_range_are_accepted(columns):
    FormField(form=FormDefinitionFactory(), label="Answer", **columns).full_clean(
        exclude=["clean_name"]
    )


def test_a_maximum_length_out_of_range_is_refused_on_saving_in_the_admin(login_client):
    client = login_client(UserFactory(is_superuser=True))
    fields = [{"label": "Story", "field_type": "multi_line", "max_length": "99999999"}]

    response = client.post("/admin/form-definitions/new/", form_post(fields))

    assert response.status_code == 200
    errors = str(response.context["form"].formsets["fields"].errors)
    assert "The maximum length must be from 1 to 10000 characters." in errors
    assert not FormDefinition.objects.exists()


def test_publishing_refuses_numbers_and_texts_written_around_the_admin():
    form = FormDefinitionFactory(name="Repair request")
    field = FormFieldFactory(form=form, label="Story", field_type=FieldType.MULTI_LINE)
    FormField.objects.filter(pk=field.pk).update(max_length=10_000_000, help_text="h" * 1001)

    with pytest.raises(ValidationError) as refused:
        form_publish(form=form, actor=UserFactory(is_superuser=True))

    assert refused.value.messages == [
        "“Story”: The maximum length must be from 1 to 10000 characters.",
        "“Story”: Help text: at most 1000 characters (it has 1001).",
    ]
    form.refresh_from_db()
    assert form.live_version is None


# --- What a customer may type ---------------------------------------------------------------------


def test_a_version_published_before_the_ceiling_still_takes_no_more_than_it():
    spec = field_spec(FieldType.MULTI_LINE, "Story")
    spec["max_length"] = 10_000_000  # as an old version could say

    too_long = build_form([spec], data={"story": "x" * (TEXT_ANSWER_MAX_LENGTH + 1)})
    at_limit = build_form([spec], data={"story": "x" * TEXT_ANSWER_MAX_LENGTH})

    assert not too_long.is_valid()
    assert too_long.errors["story"] == ["Use at most 10000 characters (you entered 10001)."]
    assert at_limit.is_valid()
    assert f'maxlength="{TEXT_ANSWER_MAX_LENGTH}"' in str(too_long["story"])
    assert property_schema(spec)["maxLength"] == TEXT_ANSWER_MAX_LENGTH


def test_a_megabyte_answer_without_a_designer_maximum_is_refused():
    spec = field_spec(FieldType.MULTI_LINE, "Story")

    form = build_form([spec], data={"story": "x" * 1_048_576})

    assert not form.is_valid()
    assert form.errors["story"] == ["Use at most 10000 characters (you entered 1048576)."]


def test_an_e_mail_address_is_never_longer_than_an_address_can_be():
    spec = field_spec(FieldType.EMAIL, "E-mail")
    spec["max_length"] = 1000

    form = build_form([spec], data={"e_mail": "a" * 250 + "@x.kr"})

    assert not form.is_valid()
    assert property_schema(spec)["maxLength"] == 254


# --- Parameters of the submissions list -----------------------------------------------------------


@pytest.mark.parametrize(
    ("parameters", "message"),
    [
        ({"form": "99999999999999999999"}, "Form: Select a valid choice."),
        ({"form": "-1"}, "Form: Select a valid choice."),
        ({"submitted_at_from": "0001-01-01"}, "Submitted: Choose a day from 2000-01-01"),
        ({"submitted_at_to": "9999-12-31"}, "Submitted: Choose a day from 2000-01-01"),
        ({"submitted_at_to": "2026-02-30"}, "Submitted: Enter a valid date."),
    ],
)
def test_a_bad_parameter_of_the_submissions_list_is_a_message(login_client, parameters, message):
    client = login_client(UserFactory(is_superuser=True))

    response = client.get("/admin/form-submissions/", parameters)

    assert response.status_code == 200
    assert f"These filters were not applied: {message}" in text_of(response)
