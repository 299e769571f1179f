"""The JSON Schema of a form version: the stored answers of valid submissions validate against it
(checked with the ``jsonschema`` library over many generated submissions), wrong shapes do not,
and conditions translate to ``if``/``then`` that agree with the rule language."""

import copy
import json
import re
import tomllib
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import transaction
from django.utils.datastructures import MultiValueDict
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from forms.builder import build_form
from forms.choices import FieldType
from forms.demo import FEEDBACK_FIELDS
from forms.fields import checklist_slots
from forms.jsonschema import (
    DRAFT_2020_12,
    AnswersValidator,
    answers_validator,
    condition_schema,
    decimal_order_pattern,
    form_json_schema,
    version_json_schema,
)
from forms.models import FormDefinition, FormSubmission, FormVersion, SubmissionFile
from forms.services import form_publish
from forms.submissions import submission_create
from forms.validators import DEFAULT_FILE_EXTENSIONS, IMAGE_EXTENSIONS
from project.stores.choices import CURRENCY_DECIMALS
from tests.factories import UserFactory
from tests.forms.factories import FormDefinitionFactory, FormFieldFactory, field_spec
from tests.forms.samples import data_url, drawing, sample_upload
from workflows.demo import DIAGNOSIS_FIELDS, INTAKE_FIELDS
from workflows.shipped import SHIPPED_DIR, load_process_file, load_shipped_processes

EXAMPLES = settings(
    max_examples=75,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def validator(schema) -> AnswersValidator:
    """Draft 2020-12 with patterns checked by RE2, as the server checks them."""
    Draft202012Validator.check_schema(schema)
    return answers_validator(schema)


def problems(schema, instance) -> list[str]:
    return [error.message for error in validator(schema).iter_errors(instance)]


# --- Submissions generated from a schema ----------------------------------------------------------

PHONES = ["+82 2 3456 7890", "+82 10-1234-5678", "0082 10 1234 5678", "+33 1 23 45 67 89"]
EMAILS = ["jane@example.com", "kim.minjun@example.co.kr", "a+b@sub.example.org"]
CHARACTERS = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"))


def decimal_text(places: int, *, minimum=-(10**6), maximum=10**6):
    return st.decimals(
        min_value=minimum, max_value=maximum, places=places, allow_nan=False, allow_infinity=False
    ).map(lambda value: format(value, "f"))


def value_range(spec, default=10**6) -> tuple[Decimal, Decimal]:
    """The field's minimum and maximum value, or a wide range around zero."""
    low = Decimal(spec["min_value"]) if spec.get("min_value") is not None else Decimal(-default)
    high = Decimal(spec["max_value"]) if spec.get("max_value") is not None else Decimal(default)
    return low, high


def day_range(spec) -> tuple[date, date]:
    low = date.fromisoformat(spec["min_date"]) if spec.get("min_date") else date(1900, 1, 1)
    high = date.fromisoformat(spec["max_date"]) if spec.get("max_date") else date(2100, 1, 1)
    return low, high


def within_or_not(draw, inside, outside):
    """Mostly answers within the field's limits (so the form accepts most), sometimes outside."""
    return draw(st.one_of(inside, inside, inside, outside))


@st.composite
def answer(draw, spec):
    """``(posted data, posted files)`` for one field: mostly valid answers, sometimes empty."""
    name, field_type = spec["clean_name"], spec["field_type"]
    data, files = {}, {}
    # A conditional field is answered as if shown: when it is hidden the answer is ignored.
    required = spec["required"]

    def one_of(strategy):
        return draw(strategy if required else st.one_of(strategy, st.just("")))

    if field_type in (FieldType.SINGLE_LINE, FieldType.MULTI_LINE):
        low, high = max(1, spec["min_length"] or 0), spec["max_length"] or 255
        text = st.text(CHARACTERS, min_size=low, max_size=min(high, 30))
        strategy = (st.from_regex(spec["regex"], fullmatch=True) if spec["regex"] else text).filter(
            lambda text: low <= len(text.strip()) <= high
        )
        data[name] = one_of(strategy)
    elif field_type == FieldType.EMAIL:
        data[name] = one_of(st.sampled_from(EMAILS) | st.emails())
    elif field_type == FieldType.PHONE:
        data[name] = one_of(st.sampled_from(PHONES))
    elif field_type == FieldType.NUMBER:
        low, high = value_range(spec)
        places = draw(st.integers(0, 4))
        integers = st.integers(-(10**12), 10**12).map(str)
        inside = decimal_text(places, minimum=low, maximum=high)
        data[name] = one_of(st.one_of(inside, inside, inside, decimal_text(places) | integers))
    elif field_type == FieldType.MONEY:
        currency = draw(st.sampled_from(spec["choices"] or ["EUR", "KRW", "JPY", "USD"]))
        data[f"{name}_currency"] = currency
        places = CURRENCY_DECIMALS[currency]
        low, high = value_range(spec)
        inside = decimal_text(places, minimum=low, maximum=high)
        data[f"{name}_amount"] = one_of(st.one_of(inside, inside, inside, decimal_text(places)))
    elif field_type == FieldType.DATE:
        inside = st.dates(*day_range(spec))
        days = st.one_of(inside, inside, inside, st.dates(date(1900, 1, 1), date(2100, 1, 1)))
        data[name] = one_of(days.map(date.isoformat))
    elif field_type == FieldType.DATETIME:
        # Naive, as a datetime-local input posts them.
        low, high = day_range(spec)
        inside = st.datetimes(
            datetime.combine(low, time.min),  # noqa: DTZ001
            datetime.combine(high, time(23, 59)),  # noqa: DTZ001
        )
        anywhere = st.datetimes(datetime(1900, 1, 1), datetime(2100, 1, 1))  # noqa: DTZ001
        moments = st.one_of(inside, inside, inside, anywhere)
        data[name] = one_of(moments.map(lambda moment: moment.strftime("%Y-%m-%dT%H:%M")))
    elif field_type == FieldType.CHECKBOX:
        if required or draw(st.booleans()):
            data[name] = "on"
    elif field_type in (FieldType.DROPDOWN, FieldType.RADIO):
        data[name] = one_of(st.sampled_from(spec["choices"]))
    elif field_type == FieldType.MULTI_SELECT:
        chosen = draw(st.lists(st.sampled_from(spec["choices"]), min_size=1 if required else 0))
        if chosen:
            data[name] = chosen
    elif field_type == FieldType.FILE:
        count = draw(st.integers(1 if required else 0, spec["max_length"] or 1))
        extensions = st.sampled_from(spec["allowed_extensions"] or list(DEFAULT_FILE_EXTENSIONS))
        files[name] = [sample_upload(draw(extensions)) for _ in range(count)]
    elif field_type == FieldType.IMAGE and spec["choices"]:
        extensions = st.sampled_from(photo_extensions(spec))
        for key, _label in checklist_slots(spec["choices"]):
            if required or draw(st.booleans()):
                files[f"{name}_{key}"] = [sample_upload(draw(extensions))]
    elif field_type == FieldType.IMAGE:
        count = draw(st.integers(1 if required else 0, spec["max_length"] or 1))
        extensions = st.sampled_from(photo_extensions(spec))
        files[name] = [sample_upload(draw(extensions)) for _ in range(count)]
    elif field_type == FieldType.SIGNATURE:
        data[name] = one_of(st.just(SIGNATURE))
    elif field_type == FieldType.LINE_ITEMS:
        currency = spec["default_value"]
        decimals = CURRENCY_DECIMALS.get(currency, 2) if currency else 2
        row = st.tuples(
            st.text(alphabet="ABC-123", max_size=8),
            st.text(alphabet="abcdef ", min_size=1).filter(str.strip),
            st.builds(
                lambda units, places: format(Decimal(units).scaleb(-places), "f"),
                st.integers(1, 10**6),
                st.integers(0, 3),
            ),
            decimal_text(decimals, minimum=0, maximum=10**5),
        )
        for index, values in enumerate(draw(st.lists(row, min_size=int(required), max_size=5))):
            for column, value in zip(
                ("code", "description", "quantity", "unit_price"), values, strict=True
            ):
                data[f"{name}-{index}-{column}"] = value
    return data, files


def photo_extensions(spec) -> list[str]:
    """The photo types an image field takes, as the builder reads its ``allowed_extensions``."""
    allowed = [ext for ext in spec["allowed_extensions"] if ext in IMAGE_EXTENSIONS]
    return allowed or list(IMAGE_EXTENSIONS)


SIGNATURE = data_url(drawing())


@st.composite
def submission(draw, schema):
    data, files = {}, MultiValueDict()
    for spec in schema:
        if spec["field_type"] in (FieldType.HEADING, FieldType.PAGE_BREAK):
            continue
        field_data, field_files = draw(answer(spec))
        data.update(field_data)
        for key, uploads in field_files.items():
            files.setlist(key, uploads)
    posted = MultiValueDict()
    for key, value in data.items():
        posted.setlist(key, value if isinstance(value, list) else [value])
    return posted, files


def assert_valid_submissions_validate(schema, draw_submission):
    """Generate a submission; when the form accepts it, its stored answers fit the schema."""
    data, files = draw_submission
    form = build_form(schema, data=data, files=files)
    if not form.is_valid():
        event("refused by the form")
        note(repr(form.errors))
        return
    event("accepted")
    stored = json.loads(json.dumps(form.get_data_for_storage()))
    note(repr(stored))
    assert problems(form_json_schema(schema), stored) == []


# --- A form with every type -----------------------------------------------------------------------

CHOICES = "Repair\nService\nEngraving"

EVERY_TYPE = [
    field_spec(FieldType.HEADING, "About you"),
    field_spec(FieldType.SINGLE_LINE, "Name"),
    field_spec(FieldType.SINGLE_LINE, "Nickname", required=False, min_length=2, max_length=10),
    field_spec(FieldType.SINGLE_LINE, "Serial", required=False, regex=r"[A-Z]{2}\d{6}"),
    field_spec(FieldType.MULTI_LINE, "Notes", required=False),
    field_spec(FieldType.EMAIL, "E-mail"),
    field_spec(FieldType.EMAIL, "Other e-mail", required=False),
    field_spec(FieldType.PHONE, "Phone"),
    field_spec(FieldType.PHONE, "Other phone", required=False),
    field_spec(FieldType.NUMBER, "Quantity", required=False),
    field_spec(FieldType.NUMBER, "Pieces", required=False, min_value="-2.5", max_value=40),
    field_spec(FieldType.MONEY, "Estimate"),
    field_spec(FieldType.MONEY, "Fee", required=False, min_value=0, max_value="999.99"),
    field_spec(FieldType.MONEY, "Deposit", required=False, choices="EUR\nKRW"),
    field_spec(FieldType.PAGE_BREAK, "Step 2"),
    field_spec(FieldType.DATE, "Purchase date"),
    field_spec(FieldType.DATE, "Repair date", required=False),
    field_spec(FieldType.DATETIME, "Collected at", required=False),
    field_spec(FieldType.DATE, "Delivery date", min_date="2024-02-29", max_date="2030-12-31"),
    field_spec(FieldType.DATETIME, "Picked up at", required=False, min_date="2024-01-10"),
    field_spec(FieldType.CHECKBOX, "Terms accepted"),
    field_spec(FieldType.CHECKBOX, "Newsletter", required=False),
    field_spec(FieldType.DROPDOWN, "Request", choices=CHOICES),
    field_spec(FieldType.RADIO, "Channel", choices="Shop\nPhone", required=False),
    field_spec(FieldType.MULTI_SELECT, "Services", choices=CHOICES),
    field_spec(FieldType.MULTI_SELECT, "Extras", choices=CHOICES, required=False),
    field_spec(FieldType.FILE, "Receipt", allowed_extensions="pdf, jpg", max_length=3),
    field_spec(FieldType.FILE, "Warranty card", allowed_extensions="pdf", required=False),
    field_spec(FieldType.IMAGE, "Photos", choices="Front\nBack\nSerial number"),
    field_spec(FieldType.IMAGE, "Damage", choices="Dial\nStrap", required=False),
    field_spec(FieldType.IMAGE, "More photos", max_length=4, required=False),
    field_spec(FieldType.SIGNATURE, "Signature"),
    field_spec(FieldType.SIGNATURE, "Witness", required=False),
    field_spec(FieldType.LINE_ITEMS, "Items", default_value="EUR"),
    field_spec(FieldType.LINE_ITEMS, "Parts", default_value="KRW", required=False),
    field_spec(FieldType.LINE_ITEMS, "Other items", required=False, max_length=5),
    field_spec(FieldType.SINGLE_LINE, "Reason", condition='request == "Repair"'),
    field_spec(
        FieldType.SINGLE_LINE, "Engraving text", condition='"Engraving" in services and newsletter'
    ),
    field_spec(FieldType.NUMBER, "Years", condition="purchase_date < 2020-01-01"),
    field_spec(FieldType.SINGLE_LINE, "Approval", condition="estimate.amount > 500"),
    field_spec(FieldType.SINGLE_LINE, "Bulk note", condition="100 <= quantity"),
]


@EXAMPLES
@given(st.data())
def test_stored_answers_of_every_field_type_validate_against_the_schema(data):
    assert_valid_submissions_validate(EVERY_TYPE, data.draw(submission(EVERY_TYPE)))


# --- Every shipped form, stored as the forms engine stores submissions ---------------------------

# The demo's forms (forms/demo.py, workflows/demo.py), by slug, as their seeders create them.
DEMO_FORMS = {
    "feedback": FEEDBACK_FIELDS,
    "repair-intake": INTAKE_FIELDS,
    "diagnosis": DIAGNOSIS_FIELDS,
}


def toml_forms() -> dict[str, Path]:
    """The slug of each form of the processes shipped in fixtures/processes, with its file."""
    found = {}
    for path in sorted(SHIPPED_DIR.glob("*.toml")):
        for form in tomllib.loads(path.read_text(encoding="utf-8")).get("forms", []):
            found[form["slug"]] = path
    return found


TOML_FORMS = toml_forms()
SHIPPED_FORM_SLUGS = sorted(DEMO_FORMS) + sorted(TOML_FORMS)
SHIPPED_EXAMPLES = settings(EXAMPLES, max_examples=40)


def publish_shipped_form(slug: str) -> FormVersion:
    """The live version of a shipped form, created the way it ships."""
    admin = UserFactory(is_superuser=True)
    if slug in TOML_FORMS:
        load_process_file(TOML_FORMS[slug], actor=admin)
        form = FormDefinition.objects.get(slug=slug)
    else:
        form = FormDefinitionFactory(slug=slug)
        for index, (label, field_type, required, extra) in enumerate(DEMO_FORMS[slug]):
            FormFieldFactory(
                form=form,
                label=label,
                field_type=field_type,
                required=required,
                sort_order=index,
                **extra,
            )
        form_publish(form=form, actor=admin)
    form.refresh_from_db()
    return FormVersion.objects.get(pk=form.live_version_id)


def store_and_read_back(version: FormVersion, form) -> tuple[dict, list[SubmissionFile]]:
    """Store a valid form as a page's submission is stored (files kept privately as
    ``SubmissionFile`` rows) and read its answers back from the database."""
    submission = submission_create(version=version, form=form)
    return FormSubmission.objects.get(pk=submission.pk).data, list(submission.files.all())


def test_the_shipped_forms_are_all_covered(db):
    """Every form the shipped process files create is one of SHIPPED_FORM_SLUGS."""
    load_shipped_processes(actor=UserFactory(is_superuser=True))

    created = set(FormDefinition.objects.values_list("slug", flat=True))
    assert created == set(TOML_FORMS)
    assert len(SHIPPED_FORM_SLUGS) == len(set(SHIPPED_FORM_SLUGS))


@pytest.mark.django_db
@pytest.mark.parametrize("slug", SHIPPED_FORM_SLUGS)
def test_stored_answers_of_every_shipped_form_validate_against_its_schema(slug):
    version = publish_shipped_form(slug)
    checker = validator(version_json_schema(version))
    accepted = []

    # Hypothesis runs inside the test (not around it), so every example shares the published
    # version; each example's submission is rolled back and its files deleted.
    @SHIPPED_EXAMPLES
    @given(data=st.data())
    def check(data):
        posted, files = data.draw(submission(version.schema))
        form = build_form(version, data=posted, files=files)
        if not form.is_valid():
            event("refused by the form")
            note(repr(form.errors))
            return
        event("accepted")
        stored_files = []
        try:
            with transaction.atomic():
                stored, stored_files = store_and_read_back(version, form)
                note(repr(stored))
                assert [error.message for error in checker.iter_errors(stored)] == []
                accepted.append(True)
                transaction.set_rollback(True)
        finally:
            for stored_file in stored_files:
                stored_file.file.delete(save=False)

    check()
    assert accepted, f"no generated submission of {slug} was accepted by the form"


def test_the_schema_is_draft_2020_12_with_a_property_per_input_field():
    schema = form_json_schema(EVERY_TYPE)

    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == DRAFT_2020_12 == "https://json-schema.org/draft/2020-12/schema"
    assert "about_you" not in schema["properties"]
    assert "step_2" not in schema["properties"]
    assert schema["properties"]["phone"]["x-field-type"] == "phone"
    assert schema["additionalProperties"] is False


def test_only_unconditionally_required_fields_are_required():
    schema = form_json_schema(EVERY_TYPE)

    assert "name" in schema["required"]
    assert "nickname" not in schema["required"]
    assert not {"reason", "engraving_text", "years", "approval", "bulk_note"} & set(
        schema["required"]
    )


# --- Shapes, field by field -----------------------------------------------------------------------


def one_field_errors(spec, value) -> list[str]:
    return problems(form_json_schema([spec]), {spec["clean_name"]: value})


REF = {"name": "a.pdf", "size": 10, "content_type": "application/pdf"}
PHOTO = {"name": "a.jpg", "size": 10, "content_type": "image/jpeg"}
ITEMS = {
    "rows": [
        {
            "code": "A",
            "description": "Strap",
            "quantity": "2",
            "unit_price": "1.50",
            "total": "3.00",
        }
    ],
    "total": "3.00",
    "currency": "EUR",
}


def with_row(**changes):
    items = copy.deepcopy(ITEMS)
    items["rows"][0].update(changes)
    return items


@pytest.mark.parametrize(
    ("spec", "good", "bad"),
    [
        (field_spec(FieldType.SINGLE_LINE, "A"), "text", ["", 12, None, "x" * 256]),
        (field_spec(FieldType.SINGLE_LINE, "A", required=False, min_length=3), "", ["ab"]),
        (field_spec(FieldType.SINGLE_LINE, "A", regex=r"[A-Z]{2}\d{2}"), "AB12", ["AB123"]),
        (field_spec(FieldType.EMAIL, "A"), "jane@example.com", ["jane", ""]),
        (field_spec(FieldType.EMAIL, "A", required=False), "", ["jane"]),
        (field_spec(FieldType.PHONE, "A"), "+82234567890", ["02 3456 7890", "+0123", ""]),
        (field_spec(FieldType.PHONE, "A", required=False), "", ["123"]),
        (field_spec(FieldType.NUMBER, "A"), "-12.50", ["12,5", 12.5, "1e3", None]),
        (field_spec(FieldType.NUMBER, "A", required=False), None, ["abc"]),
        (
            field_spec(FieldType.NUMBER, "A", min_value="-1.5", max_value=10),
            "-1.50",
            ["-1.51", "-2", "10.01", "11", "100", "-"],
        ),
        (field_spec(FieldType.NUMBER, "A", min_value=0, required=False), "0", ["-0.1", "-3"]),
        (field_spec(FieldType.NUMBER, "A", max_value=10), "10.000", ["10.001", "1000"]),
        (
            field_spec(FieldType.MONEY, "A"),
            {"amount": "12.50", "currency": "EUR"},
            [
                {"amount": "12.5", "currency": "EUR"},
                {"amount": "12.50", "currency": "KRW"},
                {"amount": "12.50", "currency": "XYZ"},
                {"amount": "12.50"},
                {"amount": "1", "currency": "KRW", "note": "extra"},
                "12.50 EUR",
                None,
            ],
        ),
        (
            field_spec(FieldType.MONEY, "A", min_value=0, max_value=500),
            {"amount": "500.00", "currency": "EUR"},
            [{"amount": "-0.01", "currency": "EUR"}, {"amount": "500.01", "currency": "EUR"}],
        ),
        (field_spec(FieldType.DATE, "A"), "2026-03-31", ["2026-02-30", "31.03.2026", None]),
        (
            field_spec(FieldType.DATE, "A", min_date="2024-01-01", max_date="2024-12-31"),
            "2024-01-01",
            ["2023-12-31", "2025-01-01", "1999-06-15", "2024-13-01"],
        ),
        (field_spec(FieldType.DATE, "A", max_date="2024-12-31"), "2024-12-31", ["2025-01-01"]),
        (
            field_spec(FieldType.DATETIME, "A", min_date="2024-01-01", max_date="2024-12-31"),
            "2024-12-31T23:59:00Z",
            ["2023-12-31T23:59:00Z", "2025-01-01T00:00:00Z", "2025-01-01T02:00:00+05:00"],
        ),
        (
            field_spec(FieldType.DATETIME, "A"),
            "2026-03-31T14:30:00Z",
            ["2026-03-31 14:30", "2026-03-31", None],
        ),
        (field_spec(FieldType.CHECKBOX, "A"), True, [False, "on"]),
        (field_spec(FieldType.CHECKBOX, "A", required=False), False, [None, "yes"]),
        (field_spec(FieldType.DROPDOWN, "A", choices="a\nb"), "a", ["c", ""]),
        (field_spec(FieldType.RADIO, "A", choices="a\nb", required=False), "", ["c"]),
        (field_spec(FieldType.MULTI_SELECT, "A", choices="a\nb"), ["a"], [[], ["c"], ["a", "a"]]),
        (
            field_spec(FieldType.FILE, "A", allowed_extensions="pdf", max_length=2),
            [REF, REF],
            [[], [REF] * 3, REF, [{"name": "a.pdf"}], [{**REF, "size": 0}]],
        ),
        (field_spec(FieldType.FILE, "A", allowed_extensions="pdf", required=False), [], [None]),
        (
            field_spec(FieldType.IMAGE, "A", choices="Front\nBack"),
            {"front": PHOTO, "back": {**PHOTO, "attachment": 3}},
            [
                {"front": PHOTO},
                {"front": PHOTO, "back": None},
                {"front": PHOTO, "back": PHOTO, "side": PHOTO},
                {"front": PHOTO, "back": REF},
                [PHOTO, PHOTO],
            ],
        ),
        (
            field_spec(FieldType.IMAGE, "A", choices="Front\nBack", required=False),
            {"front": PHOTO, "back": None},
            [{"front": PHOTO}, None],
        ),
        (field_spec(FieldType.IMAGE, "A"), [PHOTO], [[], [REF], PHOTO]),
        (
            field_spec(FieldType.SIGNATURE, "A"),
            {"name": "signature.png", "size": 99, "content_type": "image/png"},
            [None, {"name": "signature.png", "size": 99, "content_type": "image/jpeg"}],
        ),
        (
            field_spec(FieldType.LINE_ITEMS, "A", default_value="EUR", max_length=2),
            ITEMS,
            [
                None,
                {**ITEMS, "rows": []},
                {**ITEMS, "rows": ITEMS["rows"] * 3},
                {**ITEMS, "total": "3"},
                {**ITEMS, "currency": "USD"},
                with_row(quantity="0"),
                with_row(quantity="-1"),
                with_row(unit_price="1.5"),
                with_row(description=""),
                with_row(total=3),
                {"rows": ITEMS["rows"], "total": "3.00"},
            ],
        ),
        (
            field_spec(FieldType.LINE_ITEMS, "A", default_value="KRW", required=False),
            None,
            [{**ITEMS, "currency": "KRW"}],  # KRW totals have no decimals
        ),
    ],
    ids=lambda value: value.get("field_type", "") if isinstance(value, dict) else "",
)
def test_each_type_accepts_its_stored_shape_and_refuses_others(spec, good, bad):
    assert one_field_errors(spec, good) == []
    for value in bad:
        assert one_field_errors(spec, value), f"{value!r} should not fit a {spec['field_type']}"


def test_an_unknown_answer_is_refused():
    spec = field_spec(FieldType.SINGLE_LINE, "A")

    assert problems(form_json_schema([spec]), {"a": "x", "b": "y"}) == [
        "Additional properties are not allowed ('b' was unexpected)"
    ]


# --- Conditions -----------------------------------------------------------------------------------


def test_a_required_conditional_field_is_required_only_when_its_condition_holds():
    schema = form_json_schema(
        [
            field_spec(FieldType.RADIO, "Warranty", choices="yes\nno"),
            field_spec(FieldType.SINGLE_LINE, "Card", condition='warranty == "yes"'),
        ]
    )

    assert schema["allOf"] == [
        {
            "if": {
                "required": ["warranty"],
                "properties": {
                    "warranty": {"allOf": [{"not": {"type": "null"}}, {"const": "yes"}]}
                },
            },
            "then": {"required": ["card"]},
        }
    ]
    assert problems(schema, {"warranty": "no"}) == []
    assert problems(schema, {"warranty": "yes", "card": "C-1"}) == []
    assert problems(schema, {"warranty": "yes"}) == ["'card' is a required property"]


def test_an_optional_conditional_field_adds_no_rule():
    schema = form_json_schema(
        [
            field_spec(FieldType.CHECKBOX, "Damaged", required=False),
            field_spec(FieldType.SINGLE_LINE, "Damage", required=False, condition="damaged"),
        ]
    )

    assert "allOf" not in schema
    assert schema["properties"]["damage"]["x-condition"] == "damaged"


@pytest.mark.parametrize(
    "condition",
    [
        "collected_at > 2026-01-01T00:00",
        'serial > "M"',
        "purchase_date < today",
        "photo",
        "quantity > other_quantity",
    ],
)
def test_a_condition_json_schema_cannot_express_leaves_the_field_optional(condition):
    schema = form_json_schema(
        [
            field_spec(FieldType.DATETIME, "Collected at", required=False),
            field_spec(FieldType.SINGLE_LINE, "Serial", required=False),
            field_spec(FieldType.NUMBER, "Quantity", required=False),
            field_spec(FieldType.NUMBER, "Other quantity", required=False),
            field_spec(FieldType.DATE, "Purchase date", required=False),
            field_spec(FieldType.IMAGE, "Photo", required=False),
            field_spec(FieldType.SINGLE_LINE, "Note", condition=condition),
        ]
    )

    assert "allOf" not in schema
    assert "note" not in schema["required"]
    assert "cannot express" in schema["properties"]["note"]["$comment"]


@pytest.mark.parametrize(
    ("condition", "holds", "fails"),
    [
        ("quantity > 10", ["10.01", "11", "0100"], ["10", "10.00", "9.99", "-11"]),
        ("quantity >= 10", ["10", "10.000", "12"], ["9.999", "-10"]),
        ("quantity < -1.5", ["-1.51", "-20"], ["-1.5", "-1.50", "0", "3"]),
        ("quantity <= 0", ["0", "-0", "-0.00", "-7"], ["0.01", "5"]),
        ("10 < quantity", ["10.5"], ["10", "2"]),
    ],
)
def test_a_number_ordering_requires_the_field_exactly_when_the_server_does(condition, holds, fails):
    specs = [
        field_spec(FieldType.NUMBER, "Quantity", required=False),
        field_spec(FieldType.SINGLE_LINE, "Note", condition=condition),
    ]
    schema = form_json_schema(specs)

    for quantity in holds + fails:
        form = build_form(specs, data={"quantity": quantity})  # the note left out
        server_requires_note = not form.is_valid() and "note" in form.errors
        stored = build_form(specs[:1], data={"quantity": quantity})
        assert stored.is_valid()
        schema_requires_note = bool(problems(schema, stored.get_data_for_storage()))
        assert schema_requires_note == server_requires_note == (quantity in holds), quantity
    assert problems(schema, {}) == []  # an empty number is null: no ordering holds


def test_an_amount_ordering_is_translated():
    specs = [
        field_spec(FieldType.MONEY, "Estimate", choices="EUR"),
        field_spec(FieldType.SINGLE_LINE, "Approval", condition="estimate.amount > 500"),
    ]
    schema = form_json_schema(specs)

    assert "$comment" not in schema["properties"]["approval"]
    assert problems(schema, {"estimate": {"amount": "500.00", "currency": "EUR"}}) == []
    assert problems(schema, {"estimate": {"amount": "500.01", "currency": "EUR"}}) == [
        "'approval' is a required property"
    ]


@settings(max_examples=300, deadline=None)
@given(
    op=st.sampled_from(["<", "<=", ">", ">="]),
    limit=st.decimals(
        allow_nan=False, allow_infinity=False, places=3, min_value=-5000, max_value=5000
    ),
    value=st.decimals(
        allow_nan=False, allow_infinity=False, places=4, min_value=-9999, max_value=9999
    ),
    padding=st.tuples(st.integers(0, 2), st.integers(0, 2)),
)
def test_decimal_order_patterns_agree_with_decimal_arithmetic(op, limit, value, padding):
    leading, trailing = padding
    text = format(value, "f")
    sign, digits = ("-", text[1:]) if text.startswith("-") else ("", text)
    if trailing:
        digits += ("" if "." in digits else ".") + "0" * trailing
    text = sign + "0" * leading + digits  # stored texts have neither, but the pattern allows both
    expected = {"<": value < limit, "<=": value <= limit, ">": value > limit, ">=": value >= limit}

    assert bool(re.search(decimal_order_pattern(op, limit), text)) == expected[op], text


def test_the_limits_of_dates_and_numbers_are_named_in_the_schema():
    schema = form_json_schema(
        [
            field_spec(FieldType.DATE, "Day", min_date="2024-01-01", max_date="2024-12-31"),
            field_spec(FieldType.NUMBER, "Pieces", min_value=1, max_value="20.5"),
        ]
    )
    day, pieces = schema["properties"]["day"], schema["properties"]["pieces"]

    assert (day["x-min-date"], day["x-max-date"]) == ("2024-01-01", "2024-12-31")
    assert "formatMinimum is not part of draft 2020-12" in day["$comment"]
    assert (pieces["x-minimum"], pieces["x-maximum"]) == ("1", "20.5")
    assert "decimal text" in pieces["$comment"]


def test_a_condition_on_a_later_field_is_not_translated():
    assert condition_schema("later", {}) is None


# The differential test: for random answers and random conditions, the translated condition holds
# for the stored answers exactly when the form showed (and so stored) the conditional field.

CONDITION_FIELDS = [
    field_spec(FieldType.RADIO, "A", choices="x\ny\nz", required=False),
    field_spec(FieldType.SINGLE_LINE, "T", required=False),
    field_spec(FieldType.NUMBER, "N", required=False),
    field_spec(FieldType.DATE, "D", required=False),
    field_spec(FieldType.CHECKBOX, "C", required=False),
    field_spec(FieldType.MULTI_SELECT, "MS", choices="p\nq\nr", required=False),
    field_spec(FieldType.MONEY, "M", choices="EUR\nKRW", required=False),
    field_spec(FieldType.SINGLE_LINE, "H", required=False, condition="c"),
    field_spec(FieldType.LINE_ITEMS, "LI", required=False),
]
NAMES = ["a", "t", "n", "d", "c", "ms", "m", "m.amount", "m.currency", "h", "li.total"]
STRINGS = ["x", "y", "p", "q", "", "EUR", "KRW", "2020-01-01", "hello"]
NUMBERS = ["0", "1", "1.5", "-3", "12.5", "100", "0.0"]
DATES = ["2019-12-31", "2020-01-01", "2020-01-02", "2020-10-01"]
SCALARS = st.one_of(
    st.sampled_from([f'"{text}"' for text in STRINGS]),
    st.sampled_from(NUMBERS),
    st.sampled_from(DATES),
    st.sampled_from(["true", "false", "null", "2020-01-01T00:00"]),
)
LISTS = st.lists(SCALARS, max_size=3).map(lambda items: "[" + ", ".join(items) + "]")
OPERATORS = ["==", "!=", "<", "<=", ">", ">="]


def conditions():
    name = st.sampled_from(NAMES)
    atom = st.one_of(
        name,
        st.tuples(name, st.sampled_from(OPERATORS), SCALARS).map(" ".join),
        st.tuples(SCALARS, st.sampled_from(OPERATORS), name).map(" ".join),
        st.tuples(name, st.sampled_from(["in", "not in"]), LISTS).map(" ".join),
        st.tuples(SCALARS, st.sampled_from(["in", "not in"]), st.just("ms")).map(" ".join),
        st.sampled_from(["true", "false"]),
    )
    return st.recursive(
        atom,
        lambda inner: st.one_of(
            inner.map(lambda source: f"not ({source})"),
            st.tuples(inner, st.sampled_from(["and", "or"]), inner).map(
                lambda parts: f"({parts[0]}) {parts[1]} ({parts[2]})"
            ),
        ),
        max_leaves=4,
    )


@st.composite
def condition_answers(draw):
    data = {
        "a": draw(st.sampled_from(["", "x", "y", "z"])),
        "t": draw(st.sampled_from(["", "x", "hello", "2020-01-01", "EUR"])),
        "n": draw(st.sampled_from(["", "0", "0.00", "-0", "1", "1.0", "1.50", "12.5", "-3"])),
        "d": draw(st.sampled_from(["", *DATES, "2019-01-15", "2021-06-30"])),
        "ms": draw(st.lists(st.sampled_from(["p", "q", "r"]), unique=True)),
        "h": draw(st.sampled_from(["", "x", "hello"])),
    }
    if draw(st.booleans()):
        data["c"] = "on"
    currency = draw(st.sampled_from(["EUR", "KRW"]))
    data["m_currency"] = currency
    amounts = ["", "0", "100", "12", *(["1.5"] if currency == "EUR" else [])]
    data["m_amount"] = draw(st.sampled_from(amounts))
    if draw(st.booleans()):
        data.update({"li-0-description": "Strap", "li-0-quantity": "1"})
        data["li-0-unit_price"] = draw(st.sampled_from(["0", "12.5", "100", "1.5"]))
    posted = MultiValueDict()
    for key, value in data.items():
        posted.setlist(key, value if isinstance(value, list) else [value])
    return posted


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(condition=conditions(), data=condition_answers())
def test_translated_conditions_agree_with_the_rule_language(condition, data):
    target = field_spec(FieldType.SINGLE_LINE, "Target", required=False, condition=condition)
    form = build_form([*CONDITION_FIELDS, target], data=data)
    assert form.is_valid(), form.errors
    stored = json.loads(json.dumps(form.get_data_for_storage()))
    shown = "target" in stored
    earlier = {spec["clean_name"]: spec for spec in CONDITION_FIELDS}
    translated = condition_schema(condition, earlier)
    if translated is None:
        event("not translatable")
        return
    event(f"translated, condition {'holds' if shown else 'does not hold'}")
    stored.pop("target", None)
    note(f"stored: {stored!r}\nschema: {json.dumps(translated)}")
    assert AnswersValidator(translated).is_valid(stored) == shown


@pytest.mark.parametrize(
    "condition",
    [
        'a == "x"',
        'a != "x"',
        'a in ["x", "y"]',
        't not in ["hello"]',
        "t",
        "n == 1.5",
        "n",
        "d < 2020-01-01",
        'd >= "2020-01-02"',
        "c and not h",
        '"p" in ms',
        'ms == ["p", "q"]',
        "m.amount == 100",
        'm.currency == "EUR"',
        "li.total == 12.5",
        "a == null",
        "n > 1.5",
        "-3 <= n",
        "m.amount >= 100",
        "li.total < 12.5",
    ],
)
def test_the_usual_conditions_are_translated(condition):
    earlier = {spec["clean_name"]: spec for spec in CONDITION_FIELDS}

    assert condition_schema(condition, earlier) is not None


# --- A published version --------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_published_version_has_its_schema_with_a_title():
    form = FormDefinitionFactory(name="Repair request")
    FormFieldFactory(form=form, label="Serial", sort_order=1)
    FormFieldFactory(
        form=form, label="Photos", field_type=FieldType.IMAGE, choices="Front\nBack", sort_order=2
    )
    version = form_publish(form=form, actor=UserFactory(is_superuser=True))

    schema = version_json_schema(version)

    assert schema["title"] == "Repair request v1"
    assert schema["required"] == ["serial", "photos"]
    assert schema["properties"]["photos"]["required"] == ["front", "back"]
    assert version_json_schema(version) is schema  # cached: versions never change
