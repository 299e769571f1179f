"""The builder, one field type at a time: what is accepted, how it is stored, what is refused."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from forms.builder import FormBuilder, UnsupportedFieldType, build_form
from forms.choices import FieldType
from tests.forms.factories import FormDefinitionFactory, field_spec

pytestmark = pytest.mark.django_db


def submit(spec: dict, value=None, *, data=None, files=None):
    """Validate one field's answer; ``value`` is posted under the field's clean_name."""
    if data is None:
        data = {} if value is None else {spec["clean_name"]: value}
    form = build_form([spec], data=data, files=files)
    form.is_valid()
    return form


def stored(spec: dict, value=None, **kwargs):
    form = submit(spec, value, **kwargs)
    assert form.is_valid(), form.errors
    data = form.get_data_for_storage()
    assert json.loads(json.dumps(data)) == data, "stored data must be JSON-native"
    return data[spec["clean_name"]]


def errors(spec: dict, value=None, **kwargs) -> list[str]:
    form = submit(spec, value, **kwargs)
    assert not form.is_valid()
    return form.errors[spec["clean_name"]]


# --- Text -----------------------------------------------------------------------------------------


def test_single_line_is_stored_stripped():
    assert stored(field_spec(FieldType.SINGLE_LINE, "Name"), "  Jane Doe ") == "Jane Doe"


def test_optional_single_line_left_empty_is_stored_as_empty_text():
    assert stored(field_spec(FieldType.SINGLE_LINE, "Name", required=False), "") == ""


def test_required_single_line_left_empty_is_refused():
    assert errors(field_spec(FieldType.SINGLE_LINE, "Name"), "") == ["This field is required."]


def test_single_line_length_limits_explain_the_count():
    spec = field_spec(FieldType.SINGLE_LINE, "Code", min_length=3, max_length=5)

    assert errors(spec, "ab") == ["Use at least 3 characters (you entered 2)."]
    assert errors(spec, "abcdef") == ["Use at most 5 characters (you entered 6)."]
    assert stored(spec, "abcd") == "abcd"


def test_single_line_is_limited_to_255_characters_by_default():
    spec = field_spec(FieldType.SINGLE_LINE, "Name")

    assert errors(spec, "x" * 256) == ["Use at most 255 characters (you entered 256)."]


def test_pattern_must_match_the_whole_answer_and_shows_the_designers_message():
    spec = field_spec(
        FieldType.SINGLE_LINE,
        "Serial",
        regex=r"[A-Z]{2}\d{6}",
        regex_message="Two capital letters and six digits, e.g. AB123456.",
    )

    assert stored(spec, "AB123456") == "AB123456"
    for partial in ("xAB123456", "AB1234567", "ab123456"):
        assert errors(spec, partial) == ["Two capital letters and six digits, e.g. AB123456."]


def test_pattern_without_message_has_a_generic_one():
    spec = field_spec(FieldType.SINGLE_LINE, "Serial", regex=r"\d+")

    assert errors(spec, "12a") == ["Enter a value in the expected format."]


def test_multi_line_keeps_line_breaks():
    spec = field_spec(FieldType.MULTI_LINE, "Description of the damage")

    assert stored(spec, "Scratch on the bezel.\nCrown loose.") == (
        "Scratch on the bezel.\nCrown loose."
    )


def test_multi_line_respects_its_maximum_length():
    spec = field_spec(FieldType.MULTI_LINE, "Notes", max_length=20)

    assert errors(spec, "x" * 21) == ["Use at most 20 characters (you entered 21)."]


def test_script_in_text_is_stored_as_text_and_rendered_escaped():
    spec = field_spec(FieldType.SINGLE_LINE, "Name", help_text="<b>as on your ID</b>")
    script = "<script>alert(1)</script>"

    assert stored(spec, script) == script
    html = build_form([spec], initial={"name": script}).as_div()
    assert "<script>" not in html
    assert "&lt;b&gt;as on your ID&lt;/b&gt;" in html


# --- E-mail and phone -----------------------------------------------------------------------------


def test_email_is_accepted():
    assert stored(field_spec(FieldType.EMAIL, "E-mail"), "jane@example.com") == "jane@example.com"


@pytest.mark.parametrize("value", ["jane", "jane@", "jane@example", "@example.com"])
def test_invalid_email_is_refused_with_an_example(value):
    assert errors(field_spec(FieldType.EMAIL, "E-mail"), value) == [
        "Enter an e-mail address such as name@example.com."
    ]


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("+82 2 3456 7890", "+82234567890"),
        ("+82 10-1234-5678", "+821012345678"),
        ("0082 10 1234 5678", "+821012345678"),
        ("+380 44 123 4567", "+380441234567"),
        ("+33 (0)1 23 45 67 89", "+33123456789"),
    ],
)
def test_phone_is_stored_in_e164(typed, e164):
    assert stored(field_spec(FieldType.PHONE, "Phone"), typed) == e164


@pytest.mark.parametrize("value", ["02 3456 7890", "+82 2 345", "+999 123 456", "call me"])
def test_phone_without_country_code_or_invalid_is_refused(value):
    assert errors(field_spec(FieldType.PHONE, "Phone"), value) == [
        "Enter a phone number in international form, e.g. +82 2 3456 7890."
    ]


def test_optional_phone_left_empty_is_stored_as_empty_text():
    assert stored(field_spec(FieldType.PHONE, "Phone", required=False), "") == ""


# --- Numbers and money ----------------------------------------------------------------------------


def test_number_is_stored_as_decimal_text():
    spec = field_spec(FieldType.NUMBER, "Quantity")

    assert stored(spec, "12.50") == "12.50"
    assert stored(spec, "-3") == "-3"


def test_optional_number_left_empty_is_stored_as_null():
    assert stored(field_spec(FieldType.NUMBER, "Quantity", required=False), "") is None


def test_number_limits_are_explained():
    spec = field_spec(FieldType.NUMBER, "Quantity", min_value=1, max_value=10)

    assert errors(spec, "0") == ["Enter a number of at least 1."]
    assert errors(spec, "10.5") == ["Enter a number of at most 10."]
    assert stored(spec, "10") == "10"


@pytest.mark.parametrize("value", ["twelve", "12,5,0", "NaN", "Infinity"])
def test_number_that_is_not_a_number_is_refused(value):
    assert errors(field_spec(FieldType.NUMBER, "Quantity"), value) == [
        "Enter a number such as 12 or 12.5."
    ]


def test_huge_number_is_refused_rather_than_stored():
    assert errors(field_spec(FieldType.NUMBER, "Quantity"), "1e999999") == [
        "Enter a number with at most 18 digits."
    ]


def money(spec, amount, currency=None):
    data = {f"{spec['clean_name']}_amount": amount}
    if currency is not None:
        data[f"{spec['clean_name']}_currency"] = currency
    return {"data": data}


def test_money_is_stored_as_amount_text_with_the_currencys_decimals():
    spec = field_spec(FieldType.MONEY, "Price")

    assert stored(spec, **money(spec, "12.5", "EUR")) == {"amount": "12.50", "currency": "EUR"}
    assert stored(spec, **money(spec, "15000", "KRW")) == {"amount": "15000", "currency": "KRW"}


def test_money_refuses_more_decimals_than_the_currency_has():
    spec = field_spec(FieldType.MONEY, "Price")

    assert errors(spec, **money(spec, "1.234", "EUR")) == ["Euro amounts have at most 2 decimals."]
    assert errors(spec, **money(spec, "15000.5", "KRW")) == [
        "South Korean won amounts have no decimals."
    ]


def test_money_offers_only_the_designers_currencies_and_preselects_the_default():
    spec = field_spec(FieldType.MONEY, "Price", choices="EUR\nUSD", default_value="USD")

    assert errors(spec, **money(spec, "10", "KRW")) == ["Choose one of the currencies offered."]
    html = build_form([spec]).as_div()
    assert 'name="price_amount"' in html
    assert '<option value="USD" selected>' in html
    assert 'value="KRW"' not in html


def test_money_needs_a_currency_when_there_is_no_default():
    spec = field_spec(FieldType.MONEY, "Price", choices="EUR\nUSD")

    assert errors(spec, **money(spec, "10", "")) == ["Choose the currency of the amount."]


def test_money_with_a_single_currency_needs_no_choice():
    spec = field_spec(FieldType.MONEY, "Price", choices="CHF")

    assert stored(spec, **money(spec, "99")) == {"amount": "99.00", "currency": "CHF"}


def test_required_money_without_amount_is_refused_even_with_a_currency():
    spec = field_spec(FieldType.MONEY, "Price", default_value="EUR")

    assert errors(spec, **money(spec, "", "EUR")) == ["This field is required."]


def test_optional_money_without_amount_is_stored_as_null():
    spec = field_spec(FieldType.MONEY, "Price", required=False, default_value="EUR")

    assert stored(spec, **money(spec, "", "EUR")) is None


def test_money_limits_and_bad_amounts_are_explained():
    spec = field_spec(FieldType.MONEY, "Price", min_value=100, max_value="5000.5")

    assert errors(spec, **money(spec, "99.99", "EUR")) == ["Enter an amount of at least 100 EUR."]
    assert errors(spec, **money(spec, "5000.51", "EUR")) == [
        "Enter an amount of at most 5000.5 EUR."
    ]
    assert errors(spec, **money(spec, "lots", "EUR")) == ["Enter an amount such as 12.50."]


# --- Dates ----------------------------------------------------------------------------------------


def test_date_is_stored_in_iso_form():
    assert stored(field_spec(FieldType.DATE, "Purchase date"), "2026-03-31") == "2026-03-31"


@pytest.mark.parametrize("value", ["2026-02-30", "yesterday", "31.31.2026"])
def test_invalid_date_is_refused_with_an_example(value):
    assert errors(field_spec(FieldType.DATE, "Purchase date"), value) == [
        "Enter a date such as 2026-03-31."
    ]


def test_datetime_is_stored_in_iso_form_with_its_time_zone():
    spec = field_spec(FieldType.DATETIME, "Collected at")

    assert stored(spec, "2026-03-31T14:30") == "2026-03-31T14:30:00Z"


def test_invalid_datetime_is_refused_with_an_example():
    assert errors(field_spec(FieldType.DATETIME, "Collected at"), "2026-03-31T25:00") == [
        "Enter a date and time such as 2026-03-31 14:30."
    ]


def test_date_within_its_limits_is_accepted_and_the_limits_are_included():
    spec = field_spec(FieldType.DATE, "Purchase date", min_date="2024-01-01", max_date="2024-12-31")

    assert stored(spec, "2024-01-01") == "2024-01-01"
    assert stored(spec, "2024-06-15") == "2024-06-15"
    assert stored(spec, "2024-12-31") == "2024-12-31"


def test_date_before_the_earliest_day_is_refused_naming_it():
    spec = field_spec(FieldType.DATE, "Purchase date", min_date="2024-01-01")

    assert errors(spec, "2023-12-31") == ["Enter a date on or after 2024-01-01."]


def test_date_after_the_latest_day_is_refused_naming_it():
    spec = field_spec(FieldType.DATE, "Purchase date", max_date="2024-12-31")

    assert errors(spec, "2025-01-01") == ["Enter a date on or before 2024-12-31."]


def test_datetime_within_its_limits_is_accepted_the_whole_of_both_days_included():
    spec = field_spec(
        FieldType.DATETIME, "Collected at", min_date="2024-01-01", max_date="2024-12-31"
    )

    assert stored(spec, "2024-01-01T00:00") == "2024-01-01T00:00:00Z"
    assert stored(spec, "2024-12-31T23:59") == "2024-12-31T23:59:00Z"


def test_datetime_before_the_earliest_day_is_refused_naming_it():
    spec = field_spec(FieldType.DATETIME, "Collected at", min_date="2024-01-01")

    assert errors(spec, "2023-12-31T23:59") == ["Enter a date and time on or after 2024-01-01."]


def test_datetime_after_the_latest_day_is_refused_naming_it():
    spec = field_spec(FieldType.DATETIME, "Collected at", max_date="2024-12-31")

    assert errors(spec, "2025-01-01T00:00") == ["Enter a date and time on or before 2024-12-31."]


def test_datetime_limits_read_the_day_as_written_in_its_own_offset():
    # 21:00 on 31 December in UTC, but written (and stored) as the first of January.
    spec = field_spec(FieldType.DATETIME, "Collected at", max_date="2024-12-31")

    assert errors(spec, "2025-01-01T02:00:00+05:00") == [
        "Enter a date and time on or before 2024-12-31."
    ]
    assert stored(spec, "2024-12-31T23:00:00-05:00") == "2024-12-31T23:00:00-05:00"


def test_date_inputs_tell_the_browser_their_limits():
    date_html = str(
        build_form(
            [field_spec(FieldType.DATE, "Day", min_date="2024-01-01", max_date="2024-12-31")]
        )["day"]
    )
    moment_html = str(
        build_form(
            [field_spec(FieldType.DATETIME, "At", min_date="2024-01-01", max_date="2024-12-31")]
        )["at"]
    )

    assert 'type="date"' in date_html
    assert 'min="2024-01-01"' in date_html
    assert 'max="2024-12-31"' in date_html
    assert 'min="2024-01-01T00:00"' in moment_html
    assert 'max="2024-12-31T23:59"' in moment_html


def test_a_version_published_before_date_limits_existed_has_none():
    spec = field_spec(FieldType.DATE, "Purchase date")
    del spec["min_date"], spec["max_date"]

    assert stored(spec, "1901-01-01") == "1901-01-01"


# --- Placeholders and default values as rendered --------------------------------------------------


def test_single_line_shows_its_placeholder_and_default_value():
    spec = field_spec(
        FieldType.SINGLE_LINE,
        "Product",
        placeholder="e.g. Tank Louis watch",
        default_value="Santos",
    )

    html = str(build_form([spec])["product"])

    assert 'type="text"' in html
    assert 'placeholder="e.g. Tank Louis watch"' in html
    assert 'value="Santos"' in html


def test_single_line_without_a_default_shows_an_empty_input_with_its_placeholder():
    spec = field_spec(FieldType.SINGLE_LINE, "Product", placeholder="e.g. Tank Louis watch")

    html = str(build_form([spec])["product"])

    assert 'placeholder="e.g. Tank Louis watch"' in html
    assert "value=" not in html


def test_single_line_placeholder_and_default_are_escaped():
    spec = field_spec(
        FieldType.SINGLE_LINE, "Product", placeholder='"><b>x</b>', default_value="<i>Tank</i>"
    )

    html = str(build_form([spec])["product"])

    assert 'placeholder="&quot;&gt;&lt;b&gt;x&lt;/b&gt;"' in html
    assert 'value="&lt;i&gt;Tank&lt;/i&gt;"' in html


def test_number_shows_its_placeholder_and_default_value():
    spec = field_spec(FieldType.NUMBER, "Quantity", placeholder="How many?", default_value="2.50")

    html = str(build_form([spec])["quantity"])

    assert 'type="number"' in html
    assert 'placeholder="How many?"' in html
    assert 'value="2.50"' in html


def test_date_shows_its_default_value():
    spec = field_spec(FieldType.DATE, "Purchase date", default_value="2024-05-01")

    html = str(build_form([spec])["purchase_date"])

    assert 'type="date"' in html
    assert 'value="2024-05-01"' in html


def test_a_posted_answer_replaces_the_default_when_the_form_is_shown_again():
    spec = field_spec(FieldType.SINGLE_LINE, "Product", default_value="Santos", min_length=3)

    html = str(submit(spec, "ab")["product"])

    assert 'value="ab"' in html
    assert "Santos" not in html


# --- Checkbox and choices -------------------------------------------------------------------------


def test_checkbox_is_stored_as_a_boolean():
    spec = field_spec(FieldType.CHECKBOX, "Gift wrapping", required=False)

    assert stored(spec, "on") is True
    assert stored(spec, data={}) is False


def test_required_checkbox_must_be_ticked():
    spec = field_spec(FieldType.CHECKBOX, "I accept the repair terms")

    assert errors(spec, data={}) == ["Tick this box to continue."]


def test_checkbox_default_ticks_it():
    spec = field_spec(FieldType.CHECKBOX, "Newsletter", required=False, default_value="yes")

    assert "checked" in build_form([spec]).as_div()


CHOICES = "Repair\nService\nEngraving"


@pytest.mark.parametrize("field_type", [FieldType.DROPDOWN, FieldType.RADIO])
def test_single_choice_is_stored_as_its_text(field_type):
    assert stored(field_spec(field_type, "Request", choices=CHOICES), "Service") == "Service"


@pytest.mark.parametrize("field_type", [FieldType.DROPDOWN, FieldType.RADIO])
def test_single_choice_outside_the_list_is_refused(field_type):
    assert errors(field_spec(field_type, "Request", choices=CHOICES), "Resale") == [
        "Choose one of the options listed."
    ]


def test_dropdown_starts_with_an_empty_prompt():
    spec = field_spec(FieldType.DROPDOWN, "Request", choices=CHOICES, placeholder="Pick one")

    assert '<option value="" selected>Pick one</option>' in build_form([spec]).as_div()
    assert errors(spec, "") == ["This field is required."]


def test_multi_select_is_stored_as_a_list():
    spec = field_spec(FieldType.MULTI_SELECT, "Services", choices=CHOICES)

    assert stored(spec, data={"services": ["Repair", "Engraving"]}) == ["Repair", "Engraving"]


def test_multi_select_outside_the_list_is_refused():
    spec = field_spec(FieldType.MULTI_SELECT, "Services", choices=CHOICES)

    assert errors(spec, data={"services": ["Repair", "Resale"]}) == [
        "Choose one of the options listed."
    ]


def test_optional_multi_select_left_empty_is_stored_as_empty_list():
    spec = field_spec(FieldType.MULTI_SELECT, "Services", choices=CHOICES, required=False)

    assert stored(spec, data={}) == []


def test_multi_select_default_ticks_its_choices():
    spec = field_spec(
        FieldType.MULTI_SELECT, "Services", choices=CHOICES, default_value="Repair\nEngraving"
    )

    assert build_form([spec])["services"].initial == ["Repair", "Engraving"]


# --- Files ----------------------------------------------------------------------------------------


def receipt_spec(**attributes):
    return field_spec(FieldType.FILE, "Receipt", allowed_extensions="pdf, .JPG", **attributes)


def test_file_of_an_allowed_type_is_accepted_and_described_for_storage():
    upload = SimpleUploadedFile("receipt.PDF", b"%PDF-1.7 test", content_type="application/pdf")

    assert stored(receipt_spec(), files={"receipt": upload}) == [
        {"name": "receipt.PDF", "size": 13, "content_type": "application/pdf"}
    ]


def test_file_of_another_type_is_refused_naming_the_allowed_ones():
    upload = SimpleUploadedFile("receipt.exe", b"MZ", content_type="application/octet-stream")

    assert errors(receipt_spec(), files={"receipt": upload}) == [
        "Files of type “exe” are not accepted here; upload one of: pdf, jpg."
    ]


def test_file_over_the_fields_size_limit_is_refused():
    upload = SimpleUploadedFile("scan.jpg", b"x" * (1024 * 1024 + 512 * 1024))

    assert errors(receipt_spec(max_upload_mb=1), files={"receipt": upload}) == [
        "The file is 1.5 MB; files may be at most 1 MB."
    ]


def test_required_file_missing_is_refused():
    assert errors(receipt_spec(), files={}) == ["This field is required."]


def test_file_input_tells_the_browser_which_types_to_offer():
    assert 'accept=".pdf,.jpg"' in build_form([receipt_spec()]).as_div()


# --- Layout, unsupported types, the form as a whole -----------------------------------------------


def test_heading_and_page_break_take_no_input_and_store_nothing():
    schema = [
        field_spec(FieldType.HEADING, "Your watch", help_text="As on the warranty card."),
        field_spec(FieldType.SINGLE_LINE, "Model"),
        field_spec(FieldType.PAGE_BREAK, "Step 2"),
        field_spec(FieldType.SINGLE_LINE, "Serial"),
    ]

    form = build_form(schema, data={"model": "Tank", "serial": "AB123456"})

    assert list(form.fields) == ["model", "serial"]
    assert form.is_valid()
    assert form.get_data_for_storage() == {"model": "Tank", "serial": "AB123456"}
    assert [(spec["clean_name"], bound is not None) for spec, bound in form.iter_items()] == [
        ("your_watch", False),
        ("model", True),
        ("step_2", False),
        ("serial", True),
    ]


def test_a_type_the_runtime_cannot_render_is_refused_by_the_builder():
    spec = {**field_spec(FieldType.SINGLE_LINE, "Video"), "field_type": "video"}

    assert not FormBuilder.supports("video")
    with pytest.raises(UnsupportedFieldType, match="Forms cannot show video fields yet"):
        build_form([spec])


def test_every_field_type_is_supported():
    assert all(FormBuilder.supports(field_type) for field_type in FieldType)


def test_stored_data_of_a_whole_form_is_json_and_keyed_by_clean_name():
    schema = [
        field_spec(FieldType.SINGLE_LINE, "Customer name"),
        field_spec(FieldType.PHONE, "Phone"),
        field_spec(FieldType.MONEY, "Estimate", default_value="KRW"),
        field_spec(FieldType.DATE, "Purchase date"),
        field_spec(FieldType.CHECKBOX, "Under warranty", required=False),
        field_spec(FieldType.MULTI_SELECT, "Services", choices=CHOICES),
    ]
    form = build_form(
        schema,
        data={
            "customer_name": "Kim Min-jun",
            "phone": "+82 10 1234 5678",
            "estimate_amount": "350000",
            "estimate_currency": "KRW",
            "purchase_date": "2024-12-24",
            "under_warranty": "on",
            "services": ["Repair"],
        },
    )

    assert form.is_valid(), form.errors
    assert json.loads(json.dumps(form.get_data_for_storage())) == {
        "customer_name": "Kim Min-jun",
        "phone": "+821012345678",
        "estimate": {"amount": "350000", "currency": "KRW"},
        "purchase_date": "2024-12-24",
        "under_warranty": True,
        "services": ["Repair"],
    }


def test_stored_data_fills_the_form_again():
    schema = [
        field_spec(FieldType.MONEY, "Estimate"),
        field_spec(FieldType.DATE, "Purchase date"),
    ]
    data = {"estimate": {"amount": "12.50", "currency": "EUR"}, "purchase_date": "2024-12-24"}

    html = build_form(schema, initial=data).as_div()

    assert 'name="estimate_amount" value="12.50"' in html
    assert '<option value="EUR" selected>' in html
    assert 'value="2024-12-24"' in html


def test_prefix_namespaces_the_posted_names():
    spec = field_spec(FieldType.SINGLE_LINE, "Name")

    form = build_form([spec], data={"step-name": "Jane"}, prefix="step")

    assert form.is_valid()
    assert form.get_data_for_storage() == {"name": "Jane"}


def test_invalid_form_refuses_to_give_data_for_storage():
    form = build_form([field_spec(FieldType.SINGLE_LINE, "Name")], data={})

    with pytest.raises(ValueError, match="valid, bound form"):
        form.get_data_for_storage()


def test_a_version_loaded_again_reuses_its_form_class(monkeypatch):
    from forms.builder import FormBuilder as Builder
    from forms.models import FormVersion

    version = FormVersion.objects.create(
        form=FormDefinitionFactory(), number=1, schema=[field_spec(FieldType.SINGLE_LINE, "Name")]
    )
    first = build_form(FormVersion.objects.get(pk=version.pk)).__class__
    monkeypatch.setattr(Builder, "get_form_class", lambda self: pytest.fail("built again"))

    assert build_form(FormVersion.objects.get(pk=version.pk)).__class__ is first


def test_stored_numbers_amounts_and_totals_are_read_by_rules_as_numbers():
    from forms.rules import parse_rule
    from forms.schema_form import answers_for_rules

    schema = [
        field_spec(FieldType.NUMBER, "Hours"),
        field_spec(FieldType.MONEY, "Discount", default_value="KRW"),
        field_spec(FieldType.LINE_ITEMS, "Parts", default_value="EUR"),
        field_spec(FieldType.SINGLE_LINE, "Serial"),
    ]
    form = build_form(
        schema,
        data={
            "hours": "2.5",
            "discount_amount": "150000",
            "discount_currency": "KRW",
            "parts-0-description": "Crown",
            "parts-0-quantity": "2",
            "parts-0-unit_price": "300",
            "serial": "600",
        },
    )
    assert form.is_valid(), form.errors
    stored = json.loads(json.dumps(form.get_data_for_storage()))
    rule = parse_rule(
        "hours > 2 and discount.amount >= 150000 and parts.total == 600 and serial > 500"
    )
    types = {spec["clean_name"]: spec["field_type"] for spec in schema}

    assert not rule.evaluate(stored)  # as stored, decimals are strings
    values = answers_for_rules(types, stored)
    assert values["serial"] == "600"  # text stays text
    assert not rule.evaluate(values)
    assert parse_rule("hours > 2 and discount.amount >= 150000 and parts.total == 600").evaluate(
        values
    )
    assert answers_for_rules(types, {"hours": None}) == {"hours": None}
