import pytest
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages

from forms.choices import FieldType
from forms.models import FormDefinition, FormVersion
from project.accounts.roles import Role
from tests.factories import UserFactory
from tests.forms.factories import FormDefinitionFactory, FormFieldFactory

pytestmark = pytest.mark.django_db

FIELD_ATTRIBUTES = [
    "label",
    "field_type",
    "help_text",
    "placeholder",
    "default_value",
    "choices",
    "min_value",
    "max_value",
    "min_date",
    "max_date",
    "min_length",
    "max_length",
    "regex",
    "regex_message",
    "allowed_extensions",
    "max_upload_mb",
    "condition",
]


def form_post(fields: list[dict], *, initial_forms: int = 0, **overrides) -> dict:
    """The edit view's POST: the form's own fields and the "fields" inline formset."""
    data = {
        "name": "Repair request",
        "slug": "repair-request",
        "purpose": "public",
        "description": "Customers ask for a repair online.",
        "fields-TOTAL_FORMS": str(len(fields)),
        "fields-INITIAL_FORMS": str(initial_forms),
        "fields-MIN_NUM_FORMS": "0",
        "fields-MAX_NUM_FORMS": "1000",
    }
    for index, field in enumerate(fields):
        prefix = f"fields-{index}-"
        for attribute in FIELD_ATTRIBUTES:
            data[prefix + attribute] = field.get(attribute, "")
        if field.get("required", True):
            data[prefix + "required"] = "on"
        if "id" in field:
            data[prefix + "id"] = str(field["id"])
        data[prefix + "ORDER"] = str(index + 1)
    data.update(overrides)
    return data


TWO_FIELDS = [
    {"label": "Under warranty?", "field_type": "radio", "choices": "yes\nno"},
    {
        "label": "What happened?",
        "field_type": "multi_line",
        "condition": 'under_warranty == "no"',
    },
]


def last_message(response) -> str:
    return [str(message) for message in get_messages(response.wsgi_request)][-1]


def test_designer_builds_a_two_field_form_and_publishes_it(login_client):
    client = login_client(UserFactory(is_superuser=True))

    response = client.post("/admin/form-definitions/new/", form_post(TWO_FIELDS))

    assert response.status_code == 302, response.context["form"].errors
    form = FormDefinition.objects.get(slug="repair-request")
    assert [(f.clean_name, f.label) for f in form.fields.all()] == [
        ("under_warranty", "Under warranty?"),
        ("what_happened", "What happened?"),
    ]

    response = client.post(f"/admin/form-definitions/{form.pk}/publish/")

    assert response.status_code == 302
    assert response.url == f"/admin/form-definitions/edit/{form.pk}/"
    assert last_message(response) == "Published version 1."
    form.refresh_from_db()
    assert form.live_version.number == 1
    assert [spec["label"] for spec in form.live_version.schema] == [
        "Under warranty?",
        "What happened?",
    ]


def test_renaming_a_field_in_the_admin_keeps_its_name(login_client):
    client = login_client(UserFactory(is_superuser=True))
    client.post("/admin/form-definitions/new/", form_post(TWO_FIELDS))
    form = FormDefinition.objects.get(slug="repair-request")
    first, second = form.fields.all()

    renamed = [
        {**TWO_FIELDS[0], "id": first.pk, "label": "Is the watch under warranty?"},
        {**TWO_FIELDS[1], "id": second.pk},
    ]
    response = client.post(
        f"/admin/form-definitions/edit/{form.pk}/", form_post(renamed, initial_forms=2)
    )

    assert response.status_code == 302, response.context["form"].errors
    first.refresh_from_db()
    assert (first.label, first.clean_name) == ("Is the watch under warranty?", "under_warranty")


def test_edit_view_shows_the_name_read_only_and_a_publish_button(login_client):
    form = FormDefinitionFactory()
    FormFieldFactory(form=form, label="Serial number")
    client = login_client(UserFactory(is_superuser=True))

    response = client.get(f"/admin/form-definitions/edit/{form.pk}/")

    assert response.status_code == 200
    assert "serial_number" in response.text
    assert 'name="fields-0-clean_name"' not in response.text
    assert f'data-w-action-url-value="/admin/form-definitions/{form.pk}/publish/"' in (
        response.text
    )


def test_field_problems_are_shown_on_save(login_client):
    client = login_client(UserFactory(is_superuser=True))
    fields = [{"label": "Request", "field_type": "dropdown", "choices": ""}]

    response = client.post("/admin/form-definitions/new/", form_post(fields))

    assert response.status_code == 200
    errors = str(response.context["form"].formsets["fields"].errors)
    assert "Add at least one choice, one per line." in errors
    assert not FormDefinition.objects.exists()


def test_designer_sets_the_earliest_and_latest_date_of_a_date_field(login_client):
    client = login_client(UserFactory(is_superuser=True))
    fields = [
        {
            "label": "Purchase date",
            "field_type": "date",
            "min_date": "2020-01-01",
            "max_date": "2026-12-31",
        }
    ]

    response = client.post("/admin/form-definitions/new/", form_post(fields))

    assert response.status_code == 302, response.context["form"].errors
    field = FormDefinition.objects.get(slug="repair-request").fields.get()
    assert (field.min_date.isoformat(), field.max_date.isoformat()) == (
        "2020-01-01",
        "2026-12-31",
    )
    edit = client.get(f"/admin/form-definitions/edit/{field.form_id}/")
    assert 'name="fields-0-min_date"' in edit.text
    assert 'name="fields-0-max_date"' in edit.text


def test_a_latest_date_before_the_earliest_is_shown_on_save(login_client):
    client = login_client(UserFactory(is_superuser=True))
    fields = [
        {"label": "Day", "field_type": "date", "min_date": "2024-01-01", "max_date": "2023-01-01"}
    ]

    response = client.post("/admin/form-definitions/new/", form_post(fields))

    assert response.status_code == 200
    errors = str(response.context["form"].formsets["fields"].errors)
    assert "The latest date (2023-01-01) is before the earliest date (2024-01-01)." in errors


def test_publish_refusal_is_shown_as_an_error_message(login_client):
    form = FormDefinitionFactory(name="Welcome")
    FormFieldFactory(form=form, label="Hello", field_type=FieldType.HEADING)
    client = login_client(UserFactory(is_superuser=True))

    response = client.post(f"/admin/form-definitions/{form.pk}/publish/", follow=True)

    assert response.status_code == 200
    assert "“Welcome” was not published:" in response.text
    assert "<li>Add at least one input field before publishing.</li>" in response.text
    assert not FormVersion.objects.exists()


def test_publishing_an_unchanged_form_says_so(login_client):
    form = FormDefinitionFactory()
    FormFieldFactory(form=form, label="Name")
    client = login_client(UserFactory(is_superuser=True))
    client.post(f"/admin/form-definitions/{form.pk}/publish/")

    response = client.post(f"/admin/form-definitions/{form.pk}/publish/")

    assert last_message(response) == "Nothing changed since version 1; it stays live."
    assert FormVersion.objects.filter(form=form).count() == 1


def test_publish_only_answers_post(login_client):
    form = FormDefinitionFactory()
    client = login_client(UserFactory(is_superuser=True))

    assert client.get(f"/admin/form-definitions/{form.pk}/publish/").status_code == 405


def test_process_designer_may_build_and_publish_forms(login_client):
    group = Group.objects.get(name=Role.PROCESS_DESIGNER)
    assert {p.codename for p in group.permissions.filter(content_type__app_label="forms")} >= {
        "add_formdefinition",
        "change_formdefinition",
        "delete_formdefinition",
        "view_formdefinition",
    }
    client = login_client(UserFactory(role=Role.PROCESS_DESIGNER))

    response = client.post("/admin/form-definitions/new/", form_post(TWO_FIELDS))
    assert response.status_code == 302
    form = FormDefinition.objects.get(slug="repair-request")
    response = client.post(f"/admin/form-definitions/{form.pk}/publish/")

    assert last_message(response) == "Published version 1."


def test_store_staff_may_not_see_or_publish_forms(login_client):
    form = FormDefinitionFactory()
    FormFieldFactory(form=form, label="Name")
    client = login_client(UserFactory(role=Role.STORE_STAFF))

    assert client.get("/admin/form-definitions/").status_code in {302, 403}
    assert client.post(f"/admin/form-definitions/{form.pk}/publish/").status_code in {302, 403}
    assert not FormVersion.objects.exists()


def test_forms_menu_is_listed_for_designers(login_client):
    client = login_client(UserFactory(role=Role.PROCESS_DESIGNER))

    response = client.get("/admin/")

    assert "atelier-forms" in response.text
    assert "/admin/form-definitions/" in response.text
