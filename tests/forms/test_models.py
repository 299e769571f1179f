import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from forms.choices import FieldType
from forms.models import FormField, FormVersion, FormVersionImmutable, clean_name_from_label
from tests.forms.factories import FormDefinitionFactory, FormFieldFactory

pytestmark = pytest.mark.django_db


def test_clean_name_is_set_from_the_label_on_first_save():
    field = FormFieldFactory(label="Serial no. (case back)")

    assert field.clean_name == "serial_no_case_back"


def test_clean_name_never_changes_when_the_label_does():
    field = FormFieldFactory(label="Colour")

    field.label = "Strap colour"
    field.save()
    field.refresh_from_db()

    assert field.clean_name == "colour"


def test_clean_name_is_made_unique_within_the_form():
    form = FormDefinitionFactory()
    names = [FormFieldFactory(form=form, label=label).clean_name for label in ("Colour",) * 3]

    assert names == ["colour", "colour_2", "colour_3"]
    assert FormFieldFactory(label="Colour").clean_name == "colour"  # another form


def test_new_field_does_not_take_the_name_a_renamed_field_keeps():
    form = FormDefinitionFactory()
    old = FormFieldFactory(form=form, label="Colour")
    old.label = "Shade"
    old.save()

    assert FormFieldFactory(form=form, label="Colour").clean_name == "colour_2"


def test_fields_saved_with_the_form_get_names_in_order():
    form = FormDefinitionFactory.build()
    form.fields = [
        FormField(label="Name", field_type=FieldType.SINGLE_LINE),
        FormField(label="Name", field_type=FieldType.SINGLE_LINE),
    ]

    form.save()

    saved = form.fields.order_by("pk").values_list("clean_name", flat=True)
    assert list(saved) == ["name", "name_2"]


@pytest.mark.parametrize(
    ("label", "name"),
    [
        ("Numéro de série", "numero_de_serie"),
        ("E-mail address", "e_mail_address"),
        ("  Spaces   and__underscores ", "spaces_and_underscores"),
        ("2nd phone", "field_2nd_phone"),
        ("보증서", "field"),
        ("In", "in_field"),
        ("Today", "today_field"),
        ("x" * 100, "x" * 60),
    ],
)
def test_clean_name_is_a_name_the_rule_language_can_use(label, name):
    assert clean_name_from_label(label) == name


def field_problems(**attributes) -> dict:
    field = FormFieldFactory.build(form=FormDefinitionFactory(), **attributes)
    with pytest.raises(ValidationError) as caught:
        field.full_clean()
    return caught.value.message_dict


def test_choice_field_needs_choices():
    problems = field_problems(field_type=FieldType.DROPDOWN, choices="")

    assert problems["choices"] == ["Add at least one choice, one per line."]


def test_default_must_be_one_of_the_choices():
    problems = field_problems(field_type=FieldType.RADIO, choices="yes\nno", default_value="maybe")

    assert problems["default_value"] == ["The default value must be one of the choices."]


def test_number_default_must_be_a_number():
    problems = field_problems(field_type=FieldType.NUMBER, default_value="ten")

    assert problems["default_value"] == ["The default value must be a number, e.g. 1 or 2.5."]


def test_minimum_above_maximum_is_refused():
    problems = field_problems(field_type=FieldType.NUMBER, min_value=10, max_value=5)

    assert problems["max_value"] == ["The maximum (5) is smaller than the minimum (10)."]


def test_latest_date_before_the_earliest_is_refused():
    problems = field_problems(
        field_type=FieldType.DATE, min_date="2024-01-01", max_date="2023-12-31"
    )

    assert problems["max_date"] == [
        "The latest date (2023-12-31) is before the earliest date (2024-01-01)."
    ]


def test_date_limits_on_a_field_that_is_not_a_date_are_refused():
    problems = field_problems(field_type=FieldType.SINGLE_LINE, min_date="2024-01-01")

    assert problems["min_date"] == [
        "Earliest and latest dates apply only to date and date-time fields; clear it or change "
        "the field type."
    ]


@pytest.mark.parametrize(
    ("default", "message"),
    [
        ("31/03/2024", "The default value must be a date such as 2026-03-31."),
        ("2023-12-31", "The default value (2023-12-31) is before the earliest date (2024-01-01)."),
        ("2025-01-01", "The default value (2025-01-01) is after the latest date (2024-12-31)."),
    ],
)
def test_date_default_must_be_a_date_within_the_limits(default, message):
    problems = field_problems(
        field_type=FieldType.DATE,
        min_date="2024-01-01",
        max_date="2024-12-31",
        default_value=default,
    )

    assert problems["default_value"] == [message]


def test_invalid_pattern_is_refused():
    problems = field_problems(regex="[A-Z")

    assert problems["regex"][0].startswith("This is not a valid regular expression:")


def test_pattern_is_checked_the_way_the_form_uses_it():
    # Python's re compiles it; RE2, which checks the answers, has no lookahead.
    problems = field_problems(regex=r"(?=[A-Z])\w+")

    assert problems["regex"][0].startswith("Lookaheads and lookbehinds such as (?=…)")


def test_file_field_needs_allowed_extensions():
    problems = field_problems(field_type=FieldType.FILE, allowed_extensions="")

    assert problems["allowed_extensions"] == ["List the allowed file extensions, e.g. pdf, jpg."]


def test_file_field_accepts_only_types_whose_content_can_be_checked():
    problems = field_problems(field_type=FieldType.FILE, allowed_extensions="pdf, svg, html")

    assert problems["allowed_extensions"] == [
        "The content of “svg”, “html” files cannot be checked, so they cannot be accepted; "
        "use types such as pdf, jpg, png, docx, xlsx or txt."
    ]


def test_file_field_takes_1_to_20_files():
    problems = field_problems(field_type=FieldType.FILE, allowed_extensions="pdf", max_length=21)

    assert problems["max_length"] == [
        "For files, the maximum length is the number of files: 1 to 20."
    ]


def test_image_field_accepts_only_photo_types():
    problems = field_problems(field_type=FieldType.IMAGE, allowed_extensions="jpg, pdf")

    assert problems["allowed_extensions"] == [
        "Photos must be of one of these types: jpg, jpeg, png, webp, heic, heif, gif (not pdf)."
    ]


def test_image_checklist_labels_must_be_told_apart():
    problems = field_problems(field_type=FieldType.IMAGE, choices="Front\nBack\nBack!")

    assert problems["choices"] == ["“Back” and “Back!” are too alike; name them differently."]


def test_a_valid_image_checklist_has_no_problems():
    field = FormFieldFactory.build(
        form=FormDefinitionFactory(), field_type=FieldType.IMAGE, choices="Front\nBack"
    )

    assert field.get_problems() == {}


def test_line_items_currency_must_be_known_and_rows_limited():
    problems = field_problems(field_type=FieldType.LINE_ITEMS, default_value="XYZ", max_length=500)

    assert problems["default_value"][0].startswith(
        "For line items, the default value is a currency code, one of: KRW"
    )
    assert problems["max_length"] == [
        "For line items, the maximum length is the number of rows: 1 to 200."
    ]


def test_money_currencies_must_be_known():
    problems = field_problems(field_type=FieldType.MONEY, choices="EUR\nXYZ")

    assert problems["choices"][0].startswith("Unknown currency code(s): XYZ.")


def test_condition_that_cannot_be_parsed_is_refused_on_save():
    problems = field_problems(condition='warranty = "no"')

    assert problems["condition"][0].startswith("This condition cannot be read:")
    assert "use == to compare" in problems["condition"][0]


def test_published_version_cannot_be_changed():
    version = FormVersion.objects.create(form=FormDefinitionFactory(), number=1, schema=[])

    version.schema = [{"label": "tampered"}]
    with pytest.raises(FormVersionImmutable):
        version.save()

    version.refresh_from_db()
    assert version.schema == []


def test_version_numbers_are_unique_per_form():
    form = FormDefinitionFactory()
    FormVersion.objects.create(form=form, number=1, schema=[])

    with pytest.raises(IntegrityError):
        FormVersion.objects.create(form=form, number=1, schema=[])
