"""Designers' patterns in the forms engine: checked with RE2 wherever an answer meets one (the
built form, the public page, the JSON Schema), refused at save and publish when RE2 cannot run
them, and harmless when such a pattern was stored before."""

import time

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError

from forms.builder import build_form
from forms.choices import FieldType, FormPurpose
from forms.jsonschema import answers_validator, form_json_schema
from forms.models import FormDefinition, FormField, FormSubmission, FormVersion
from forms.selectors import form_pattern_problems
from forms.services import FormDefinitionInvalid, form_definition_create, form_publish
from tests.factories import UserFactory
from tests.forms.factories import FormDefinitionFactory, FormFieldFactory, field_spec
from tests.forms.pages import form_page, published_form
from tests.forms.test_admin import form_post

pytestmark = pytest.mark.django_db

CATASTROPHIC = [r"(a+)+$", r"([A-Z0-9]+[ -]?)+", r"(a|aa)+$", r"(.*a){20}", r"(x+x+)+y"]
HOSTILE = "A" * 9_999 + "!"  # 10 kB (the longest answer a text field takes) none of them matches
UNSUPPORTED = [r"(a)\1", r"(?=a)"]
# Generous: the catastrophic patterns above take Python's re from seconds to ages on HOSTILE.
MATCH_BOUND = 0.050
POST_BOUND = 2.0


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def designer():
    return UserFactory(is_superuser=True)


def hostile_field(pattern: str, **attributes) -> dict:
    return field_spec(
        FieldType.SINGLE_LINE,
        "Serial",
        regex=pattern,
        regex_message="Capitals and digits, e.g. AB12 CD34.",
        max_length=10_000,
        **attributes,
    )


def stored_without_checks(form: FormDefinition, pattern: str, **attributes) -> FormVersion:
    """A field saved, and a version published, before patterns were checked with RE2."""
    columns = {"label": "Serial", "field_type": FieldType.SINGLE_LINE, "required": True}
    columns.update(attributes)
    [field] = FormField.objects.bulk_create(
        [FormField(form=form, clean_name="serial", regex=pattern, **columns)]
    )
    version = FormVersion.objects.create(form=form, number=1, schema=[field.to_schema()])
    FormDefinition.objects.filter(pk=form.pk).update(live_version=version)
    form.refresh_from_db()
    return version


# --- The built form -------------------------------------------------------------------------------


@pytest.mark.parametrize("pattern", CATASTROPHIC)
def test_the_built_form_refuses_a_10_kb_hostile_answer_fast(pattern):
    spec = hostile_field(pattern)
    form = build_form([spec], data={"serial": HOSTILE})

    started = time.perf_counter()
    valid = form.is_valid()
    seconds = time.perf_counter() - started

    assert not valid
    assert form.errors["serial"] == ["Capitals and digits, e.g. AB12 CD34."]
    assert seconds < MATCH_BOUND


def test_an_answer_longer_than_the_field_allows_is_refused_by_both_checks():
    spec = field_spec(FieldType.SINGLE_LINE, "Serial", regex=r"A+")

    form = build_form([spec], data={"serial": "A" * 10_000})

    assert not form.is_valid()
    assert form.errors["serial"] == [
        "Use at most 255 characters (you entered 10000).",
        "Enter a value in the expected format.",
    ]


@pytest.mark.parametrize(
    ("pattern", "good", "bad"),
    [
        (r"[A-Z]{2}\d{4}", "AB1234", "AB123"),
        (r"\d{5}(-\d{4})?", "90210-1234", "90210-12"),
        (r"\d{3}-\d{3}", "135-080", "135080"),
    ],
)
def test_ordinary_patterns_still_accept_and_refuse(pattern, good, bad):
    spec = field_spec(FieldType.SINGLE_LINE, "Code", regex=pattern)

    assert build_form([spec], data={"code": good}).is_valid()
    refused = build_form([spec], data={"code": bad})
    assert not refused.is_valid()
    assert refused.errors["code"] == ["Enter a value in the expected format."]


# --- The public page ------------------------------------------------------------------------------


@pytest.mark.parametrize("pattern", [r"([A-Z0-9]+[ -]?)+", r"(x+x+)+y"])
def test_a_public_post_of_a_10_kb_answer_gets_a_form_error_fast(client, pattern):
    form = published_form(
        [
            {
                "label": "Serial",
                "field_type": FieldType.SINGLE_LINE,
                "regex": pattern,
                "regex_message": "Capitals and digits, e.g. AB12 CD34.",
                "max_length": 10_000,
            }
        ],
        purpose=FormPurpose.PUBLIC,
    )
    page = form_page(form)
    assert client.get(page.url).status_code == 200  # templates loaded before timing

    started = time.perf_counter()
    response = client.post(page.url, {"serial": HOSTILE})
    seconds = time.perf_counter() - started

    assert response.status_code == 200
    assert "Serial: Capitals and digits, e.g. AB12 CD34." in response.content.decode()
    assert not FormSubmission.objects.exists()
    assert seconds < POST_BOUND


def test_the_public_input_carries_no_pattern_for_the_browser_to_run(client):
    form = published_form(
        [{"label": "Serial", "field_type": FieldType.SINGLE_LINE, "regex": r"([A-Z0-9]+[ -]?)+"}]
    )

    html = client.get(form_page(form).url).content.decode()

    assert 'name="serial"' in html
    assert "pattern=" not in html


# --- Save and publish -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        (UNSUPPORTED[0], "Backreferences such as \\1 cannot be used in a pattern"),
        (UNSUPPORTED[1], "Lookaheads and lookbehinds such as (?=…)"),
    ],
)
def test_a_pattern_re2_cannot_run_is_refused_at_save(pattern, reason):
    field = FormFieldFactory.build(form=FormDefinitionFactory(), regex=pattern)

    with pytest.raises(ValidationError) as caught:
        field.full_clean()

    assert list(caught.value.message_dict) == ["regex"]
    assert caught.value.message_dict["regex"][0].startswith(reason)


@pytest.mark.parametrize("pattern", UNSUPPORTED)
def test_a_form_with_such_a_pattern_cannot_publish_and_the_message_names_the_field(
    pattern, designer
):
    form = FormDefinitionFactory()
    FormField.objects.bulk_create(
        [
            FormField(
                form=form,
                clean_name="serial",
                label="Serial",
                field_type=FieldType.SINGLE_LINE,
                regex=pattern,
            )
        ]
    )

    with pytest.raises(ValidationError) as caught:
        form_publish(form=form, actor=designer)

    [message] = caught.value.messages
    assert message.startswith("“Serial”: ")
    assert "cannot be used in a pattern" in message
    assert not FormVersion.objects.filter(form=form).exists()


def test_the_admin_refuses_to_save_such_a_pattern_and_says_so_at_the_field(login_client):
    client = login_client(UserFactory(is_superuser=True))
    fields = [{"label": "Serial", "field_type": "single_line", "regex": r"(?<!0)\d+"}]

    response = client.post("/admin/form-definitions/new/", form_post(fields))

    assert response.status_code == 200
    assert not FormDefinition.objects.filter(slug="repair-request").exists()
    [field_form] = response.context["form"].formsets["fields"].forms
    assert field_form.errors["regex"][0].startswith("Lookaheads and lookbehinds such as (?=…)")


def test_loaders_and_imports_get_the_same_refusal(designer):
    with pytest.raises(FormDefinitionInvalid) as caught:
        form_definition_create(
            slug="imported",
            name="Imported",
            purpose=FormPurpose.INTAKE,
            fields=[{"label": "Serial", "field_type": "single_line", "regex": r"(\d)\1"}],
            actor=designer,
        )

    assert caught.value.label == "Serial"
    assert caught.value.message_dict["regex"][0].startswith("Backreferences such as \\1")
    assert not FormDefinition.objects.filter(slug="imported").exists()


# --- Patterns stored before -----------------------------------------------------------------------


def test_a_stored_pattern_re2_cannot_run_refuses_answers_with_a_message_not_an_error(client):
    form = FormDefinitionFactory(purpose=FormPurpose.PUBLIC)
    stored_without_checks(form, r"([A-Z])\1\d+")
    page = form_page(form)

    assert client.get(page.url).status_code == 200
    response = client.post(page.url, {"serial": "AA12"})

    assert response.status_code == 200
    assert (
        "Serial: This answer cannot be checked at the moment, so it cannot be accepted; "
        "please contact us."
    ) in response.content.decode()
    assert not FormSubmission.objects.exists()


def test_an_optional_field_with_such_a_pattern_left_empty_does_not_stop_the_form(client):
    form = FormDefinitionFactory(purpose=FormPurpose.PUBLIC)
    stored_without_checks(form, r"(?=\d)\w+", required=False)
    page = form_page(form)

    response = client.post(page.url, {"serial": ""})

    assert response.status_code == 302
    assert FormSubmission.objects.get().data == {"serial": ""}


def test_the_designer_sees_which_field_has_such_a_pattern(login_client):
    form = FormDefinitionFactory()
    stored_without_checks(form, r"(a)\1")
    client = login_client(UserFactory(is_superuser=True))

    response = client.get(f"/admin/form-definitions/edit/{form.pk}/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "The pattern of “Serial” cannot be used: Backreferences such as \\1" in html
    assert "Published version 1 refuses every answer to this field" in html


def test_pattern_problems_name_the_versions_and_the_saved_field():
    form = FormDefinitionFactory()
    stored_without_checks(form, r"(?!0)\d+")
    FormFieldFactory(form=form, label="Fine", regex=r"\d+")

    [problem] = form_pattern_problems(form=form)

    assert (problem.label, problem.pattern, problem.versions, problem.saved) == (
        "Serial",
        r"(?!0)\d+",
        (1,),
        True,
    )
    assert problem.problem.startswith("Lookaheads and lookbehinds")


# --- The JSON Schema ------------------------------------------------------------------------------


@pytest.mark.parametrize("pattern", CATASTROPHIC)
def test_the_json_schema_checks_the_designers_pattern_with_re2_fast(pattern):
    checker = answers_validator(form_json_schema([hostile_field(pattern)]))

    started = time.perf_counter()
    errors = [error.message for error in checker.iter_errors({"serial": HOSTILE})]
    seconds = time.perf_counter() - started

    assert len(errors) == 1 and "does not match" in errors[0]
    assert seconds < MATCH_BOUND


def test_the_json_schema_agrees_with_the_form_on_ordinary_patterns():
    spec = field_spec(FieldType.SINGLE_LINE, "Code", regex=r"[A-Z]{2}\d{4}|X")
    checker = answers_validator(form_json_schema([spec]))

    for text in ("AB1234", "X", "AB123", "XX", "ab1234", "AB1234X"):
        form = build_form([spec], data={"code": text})
        assert checker.is_valid({"code": text}) == form.is_valid(), text


def test_the_json_schema_refuses_answers_to_a_pattern_re2_cannot_run():
    spec = field_spec(FieldType.SINGLE_LINE, "Serial", regex=r"(a)\1")
    checker = answers_validator(form_json_schema([spec]))

    [error] = checker.iter_errors({"serial": "aa"})

    assert "cannot be checked" in error.message
