import datetime

import pytest
from django.core.exceptions import ValidationError

from forms.builder import FormBuilder, UnsupportedFieldType, build_form
from forms.choices import FieldType, FormPurpose
from forms.models import FormDefinition, FormField, FormVersion
from forms.services import (
    FormDefinitionInvalid,
    form_definition_create,
    form_publish,
    form_validate_for_publish,
)
from project.accounts.roles import Role
from tests.factories import UserFactory
from tests.forms.factories import FormDefinitionFactory, FormFieldFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def designer():
    return UserFactory(role=Role.PROCESS_DESIGNER)


@pytest.fixture
def repair_form():
    form = FormDefinitionFactory(name="Repair request", slug="repair-request")
    FormFieldFactory(
        form=form, label="Warranty", field_type=FieldType.RADIO, choices="yes\nno", sort_order=1
    )
    FormFieldFactory(
        form=form,
        label="Reason",
        field_type=FieldType.MULTI_LINE,
        condition='warranty == "no"',
        help_text="What happened?",
        max_length=500,
        sort_order=2,
    )
    return form


def publish_errors(form, designer, error_class=ValidationError) -> list[str]:
    with pytest.raises(error_class) as caught:
        form_publish(form=form, actor=designer)
    return caught.value.messages


def test_publishing_freezes_the_fields_as_version_1_and_makes_it_live(repair_form, designer):
    version = form_publish(form=repair_form, actor=designer)

    repair_form.refresh_from_db()
    assert repair_form.live_version == version
    assert (version.number, version.created_by) == (1, designer)
    assert [spec["clean_name"] for spec in version.schema] == ["warranty", "reason"]
    assert version.schema[1] == {
        "clean_name": "reason",
        "label": "Reason",
        "field_type": "multi_line",
        "required": True,
        "help_text": "What happened?",
        "placeholder": "",
        "default_value": "",
        "choices": [],
        "min_value": None,
        "max_value": None,
        "min_date": None,
        "max_date": None,
        "min_length": None,
        "max_length": 500,
        "regex": "",
        "regex_message": "",
        "allowed_extensions": [],
        "max_upload_mb": None,
        "condition": 'warranty == "no"',
        "condition_names": ["warranty"],
        "condition_rule": {
            "op": "==",
            "left": {"op": "name", "path": ["warranty"]},
            "right": {"op": "literal", "type": "string", "value": "no"},
        },
    }


def test_publishing_an_unchanged_form_returns_the_live_version(repair_form, designer):
    first = form_publish(form=repair_form, actor=designer)

    again = form_publish(form=repair_form, actor=UserFactory())

    assert again == first
    assert FormVersion.objects.filter(form=repair_form).count() == 1


def test_date_limits_travel_into_the_published_version(designer):
    form = FormDefinitionFactory()
    FormFieldFactory(
        form=form,
        label="Purchase date",
        field_type=FieldType.DATE,
        min_date=datetime.date(2024, 1, 1),
        max_date=datetime.date(2024, 12, 31),
    )

    version = form_publish(form=form, actor=designer)

    version = FormVersion.objects.get(pk=version.pk)
    assert (version.schema[0]["min_date"], version.schema[0]["max_date"]) == (
        "2024-01-01",
        "2024-12-31",
    )
    assert not build_form(version, data={"purchase_date": "2023-12-31"}).is_valid()
    assert build_form(version, data={"purchase_date": "2024-12-31"}).is_valid()


def test_latest_date_before_the_earliest_refuses_publishing_naming_the_field(designer):
    form = FormDefinitionFactory()
    FormFieldFactory(
        form=form,
        label="Purchase date",
        field_type=FieldType.DATE,
        min_date=datetime.date(2024, 1, 1),
        max_date=datetime.date(2023, 12, 31),
    )

    assert publish_errors(form, designer) == [
        "“Purchase date”: The latest date (2023-12-31) is before the earliest date (2024-01-01)."
    ]


def test_a_version_published_before_specs_had_date_limits_counts_as_unchanged(
    repair_form, designer
):
    schema = [field.to_schema() for field in repair_form.fields.all()]
    for spec in schema:
        del spec["min_date"], spec["max_date"]
    old = FormVersion.objects.create(form=repair_form, number=1, created_by=designer, schema=schema)
    repair_form.live_version = old
    repair_form.save()

    assert form_publish(form=repair_form, actor=designer) == old

    field = repair_form.fields.get(clean_name="reason")
    field.field_type = FieldType.DATE
    field.min_date = datetime.date(2024, 1, 1)
    field.max_length = None
    field.save()
    assert form_publish(form=repair_form, actor=designer).number == 2


def test_publishing_changes_creates_the_next_version(repair_form, designer):
    form_publish(form=repair_form, actor=designer)
    FormFieldFactory(form=repair_form, label="Phone", field_type=FieldType.PHONE, sort_order=3)

    second = form_publish(form=repair_form, actor=designer)

    repair_form.refresh_from_db()
    assert second.number == 2
    assert repair_form.live_version == second


def test_submission_made_with_version_1_renders_with_its_labels_after_version_2(
    repair_form, designer
):
    v1 = form_publish(form=repair_form, actor=designer)
    filled = build_form(v1, data={"warranty": "no", "reason": "Dropped on tiles"})
    assert filled.is_valid()
    stored = filled.get_data_for_storage()

    for clean_name, label in [("warranty", "Under warranty?"), ("reason", "What happened?")]:
        field = repair_form.fields.get(clean_name=clean_name)
        field.label = label
        field.save()
    FormFieldFactory(form=repair_form, label="Phone", field_type=FieldType.PHONE, sort_order=3)
    v2 = form_publish(form=repair_form, actor=designer)

    v1 = FormVersion.objects.get(pk=v1.pk)
    again = build_form(v1, initial=stored)
    assert {name: field.label for name, field in again.fields.items()} == {
        "warranty": "Warranty",
        "reason": "Reason",
    }
    assert v1.labels == {"warranty": "Warranty", "reason": "Reason"}
    assert "Dropped on tiles" in again.as_div()
    assert build_form(v1, data=stored).is_valid()
    assert not build_form(v2, data=stored).is_valid()  # v2 asks for a phone number
    assert build_form(v1, data=stored).get_data_for_storage() == stored
    assert {name: field.label for name, field in build_form(v2).fields.items()} == {
        "warranty": "Under warranty?",
        "reason": "What happened?",
        "phone": "Phone",
    }


def test_form_without_input_fields_cannot_be_published(designer):
    form = FormDefinitionFactory()
    FormFieldFactory(form=form, label="Welcome", field_type=FieldType.HEADING)

    assert publish_errors(form, designer) == ["Add at least one input field before publishing."]
    form.refresh_from_db()
    assert form.live_version is None


def test_publish_names_each_field_and_its_problem(designer):
    form = FormDefinitionFactory()
    FormField.objects.bulk_create(
        [
            FormField(form=form, clean_name="request", label="Request", field_type="dropdown"),
            FormField(
                form=form,
                clean_name="age",
                label="Age",
                field_type="number",
                min_value=10,
                max_value=5,
            ),
            FormField(
                form=form, clean_name="serial", label="Serial", field_type="single_line", regex="["
            ),
        ]
    )

    messages = publish_errors(form, designer)

    assert messages[0] == "“Request”: Add at least one choice, one per line."
    assert messages[1] == "“Age”: The maximum (5) is smaller than the minimum (10)."
    assert messages[2].startswith("“Serial”: This is not a valid regular expression:")


def test_condition_may_only_use_fields_above_it(designer):
    form = FormDefinitionFactory()
    FormFieldFactory(form=form, label="Reason", condition='warranty == "no"', sort_order=1)
    FormFieldFactory(form=form, label="Warranty", sort_order=2)
    FormFieldFactory(form=form, label="Notes", condition="notes != null", sort_order=3)
    FormFieldFactory(form=form, label="Extra", condition='colour == "red"', sort_order=4)

    assert publish_errors(form, designer) == [
        "“Reason”: the condition refers to “warranty”, which comes after this field; "
        "a condition may only use fields above it.",
        "“Notes”: the condition refers to the field itself (“notes”).",
        "“Extra”: the condition refers to “colour”, which is not a field of this form.",
    ]


def test_condition_may_use_the_parts_of_an_amount_but_nothing_else(designer):
    form = FormDefinitionFactory()
    FormFieldFactory(form=form, label="Estimate", field_type=FieldType.MONEY, sort_order=1)
    FormFieldFactory(form=form, label="Heading", field_type=FieldType.HEADING, sort_order=2)
    FormFieldFactory(
        form=form, label="Approval", condition='estimate.currency == "EUR"', sort_order=3
    )
    FormFieldFactory(form=form, label="Bad", condition="estimate.total > 1", sort_order=4)
    FormFieldFactory(form=form, label="Worse", condition="heading", sort_order=5)

    assert publish_errors(form, designer) == [
        "“Bad”: the condition refers to “estimate.total”, which that field does not have.",
        "“Worse”: the condition refers to “heading”, which takes no answer.",
    ]


def test_condition_that_cannot_be_parsed_is_reported_once(designer):
    form = FormDefinitionFactory()
    FormFieldFactory(form=form, label="Warranty", sort_order=1)
    FormField.objects.create(
        form=form, label="Reason", field_type="single_line", condition="warranty ==", sort_order=2
    )

    [message] = publish_errors(form, designer)

    assert message.startswith("“Reason”: This condition cannot be read: Unexpected end")


def test_form_with_a_type_the_runtime_cannot_show_is_not_published(designer, monkeypatch):
    form = FormDefinitionFactory()
    FormFieldFactory(form=form, label="Name", sort_order=1)
    FormFieldFactory(form=form, label="Front photo", field_type=FieldType.IMAGE, sort_order=2)
    monkeypatch.delattr(FormBuilder, "create_image_field")

    messages = publish_errors(form, designer, UnsupportedFieldType)

    assert messages == [
        "“Front photo”: fields of type “Image upload” cannot be shown yet; "
        "remove it or change its type."
    ]
    assert not FormVersion.objects.filter(form=form).exists()


def test_a_form_with_every_field_type_is_published(designer):
    form = FormDefinitionFactory()
    extra = {
        FieldType.DROPDOWN: {"choices": "a\nb"},
        FieldType.RADIO: {"choices": "a\nb"},
        FieldType.MULTI_SELECT: {"choices": "a\nb"},
        FieldType.FILE: {"allowed_extensions": "pdf"},
        FieldType.IMAGE: {"choices": "Front\nBack"},
        FieldType.LINE_ITEMS: {"default_value": "EUR"},
    }
    for index, field_type in enumerate(FieldType):
        FormFieldFactory(
            form=form,
            label=f"{field_type.label} {index}",
            field_type=field_type,
            sort_order=index,
            **extra.get(field_type, {}),
        )

    version = form_publish(form=form, actor=designer)

    assert {spec["field_type"] for spec in version.schema} == set(FieldType)


def test_duplicate_clean_names_are_refused():
    form = FormDefinitionFactory()
    fields = [
        FormField(form=form, label="Name", clean_name="name", field_type="single_line"),
        FormField(form=form, label="Full name", clean_name="name", field_type="single_line"),
    ]

    with pytest.raises(ValidationError) as caught:
        form_validate_for_publish(form=form, fields=fields)

    assert caught.value.messages == [
        "“Full name” has the same name “name” as “Name”; rename one of them."
    ]


# --- form_definition_create: forms shipped as data ------------------------------------------------

SHIPPED_FIELDS = [
    {"label": "Colour", "field_type": FieldType.DROPDOWN, "choices": ["red", "blue"]},
    {"label": "Details", "field_type": FieldType.MULTI_LINE, "required": False},
    {"label": "Amount", "field_type": FieldType.NUMBER, "min_value": 0.1, "max_value": 10},
]


def create_shipped(actor, **overrides) -> FormDefinition:
    arguments = {
        "slug": "colour-request",
        "name": "Colour request",
        "purpose": FormPurpose.INTAKE,
        "fields": SHIPPED_FIELDS,
        "actor": actor,
        **overrides,
    }
    return form_definition_create(**arguments)


def test_a_created_form_has_its_fields_in_order_and_is_published(designer):
    form = create_shipped(designer, description="Asked at the counter.")

    assert (form.name, form.purpose, form.description) == (
        "Colour request",
        FormPurpose.INTAKE,
        "Asked at the counter.",
    )
    schema = form.live_version.schema
    assert [spec["clean_name"] for spec in schema] == ["colour", "details", "amount"]
    assert [spec["required"] for spec in schema] == [True, False, True]
    assert schema[0]["choices"] == ["red", "blue"]
    assert (schema[2]["min_value"], schema[2]["max_value"]) == ("0.1", "10")
    assert form.live_version.created_by == designer


def test_creating_a_form_again_keeps_it_as_the_designer_left_it(designer):
    form = create_shipped(designer)
    FormDefinition.objects.filter(pk=form.pk).update(name="Renamed by the designer")

    again = create_shipped(designer, fields=[{"label": "Other", "field_type": "single_line"}])

    assert again.pk == form.pk
    assert again.name == "Renamed by the designer"
    assert list(again.fields.values_list("label", flat=True)) == ["Colour", "Details", "Amount"]
    assert FormVersion.objects.filter(form=form).count() == 1


def test_a_form_created_unpublished_has_no_version(designer):
    form = create_shipped(designer, publish=False)

    assert form.live_version is None
    assert form.fields.count() == 3
    assert not FormVersion.objects.exists()


def test_an_invalid_field_names_its_position_and_label_and_nothing_is_created(designer):
    fields = [*SHIPPED_FIELDS, {"label": "Size", "field_type": FieldType.RADIO}]

    with pytest.raises(FormDefinitionInvalid) as refused:
        create_shipped(designer, fields=fields)

    assert (refused.value.position, refused.value.label) == (3, "Size")
    assert refused.value.message_dict == {"choices": ["Add at least one choice, one per line."]}
    assert not FormDefinition.objects.filter(slug="colour-request").exists()


def test_an_invalid_form_is_refused_before_any_field(designer):
    with pytest.raises(FormDefinitionInvalid) as refused:
        create_shipped(designer, purpose="hologram")

    assert refused.value.position is None
    assert list(refused.value.message_dict) == ["purpose"]
    assert not FormDefinition.objects.exists()


def test_a_form_that_cannot_be_published_is_not_created(designer):
    fields = [{"label": "About you", "field_type": FieldType.HEADING, "required": False}]

    with pytest.raises(ValidationError) as refused:
        create_shipped(designer, fields=fields)

    assert not isinstance(refused.value, FormDefinitionInvalid)
    assert refused.value.messages == ["Add at least one input field before publishing."]
    assert not FormDefinition.objects.exists()
