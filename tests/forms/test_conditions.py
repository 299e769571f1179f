"""Conditional fields: a hidden field is neither validated, required nor stored."""

import pytest

from forms.builder import build_form
from forms.choices import FieldType
from tests.forms.factories import field_spec

pytestmark = pytest.mark.django_db


@pytest.fixture
def warranty_form():
    return [
        field_spec(FieldType.RADIO, "Warranty", choices="yes\nno"),
        field_spec(FieldType.SINGLE_LINE, "Warranty card number", condition='warranty == "yes"'),
        field_spec(FieldType.MULTI_LINE, "Reason", condition='warranty == "no"'),
        field_spec(
            FieldType.EMAIL, "Send the quote to", required=False, condition='warranty == "no"'
        ),
    ]


def test_hidden_required_field_does_not_block_the_submission(warranty_form):
    form = build_form(warranty_form, data={"warranty": "yes", "warranty_card_number": "WC-1"})

    assert form.is_valid(), form.errors
    assert form.hidden_names == {"reason", "send_the_quote_to"}


def test_shown_required_field_blocks_the_submission(warranty_form):
    form = build_form(warranty_form, data={"warranty": "no"})

    assert not form.is_valid()
    assert form.errors == {"reason": ["This field is required."]}


def test_hidden_fields_values_are_not_stored(warranty_form):
    form = build_form(
        warranty_form,
        data={
            "warranty": "yes",
            "warranty_card_number": "WC-1",
            "reason": "left over from before the customer changed their answer",
        },
    )

    assert form.is_valid()
    assert "reason" not in form.cleaned_data
    assert form.get_data_for_storage() == {"warranty": "yes", "warranty_card_number": "WC-1"}


def test_invalid_value_in_a_hidden_field_is_ignored(warranty_form):
    form = build_form(
        warranty_form,
        data={"warranty": "yes", "warranty_card_number": "WC-1", "send_the_quote_to": "not-mail"},
    )

    assert form.is_valid(), form.errors


def test_invalid_value_in_a_shown_field_is_refused(warranty_form):
    form = build_form(
        warranty_form,
        data={"warranty": "no", "reason": "Dropped it", "send_the_quote_to": "not-mail"},
    )

    assert form.errors == {
        "send_the_quote_to": ["Enter an e-mail address such as name@example.com."]
    }


def test_shown_optional_field_is_stored_even_when_empty(warranty_form):
    form = build_form(warranty_form, data={"warranty": "no", "reason": "Dropped it"})

    assert form.is_valid()
    assert form.get_data_for_storage() == {
        "warranty": "no",
        "reason": "Dropped it",
        "send_the_quote_to": "",
    }


def test_without_an_answer_to_depend_on_the_conditional_fields_stay_hidden(warranty_form):
    form = build_form(warranty_form, data={})

    assert not form.is_valid()
    assert form.errors == {"warranty": ["This field is required."]}
    assert form.hidden_names == {"warranty_card_number", "reason", "send_the_quote_to"}


def test_a_field_depending_on_a_hidden_field_is_hidden_too():
    schema = [
        field_spec(FieldType.CHECKBOX, "Damaged", required=False),
        field_spec(FieldType.DROPDOWN, "Part", choices="Crown\nStrap", condition="damaged"),
        field_spec(FieldType.SINGLE_LINE, "Strap size", condition='part == "Strap"'),
    ]

    form = build_form(schema, data={"part": "Strap"})

    assert form.is_valid(), form.errors
    assert form.get_data_for_storage() == {"damaged": False}
    assert form.hidden_names == {"part", "strap_size"}


def test_conditions_compare_numbers_money_dates_and_lists():
    schema = [
        field_spec(FieldType.NUMBER, "Age of the watch"),
        field_spec(FieldType.MONEY, "Estimate", default_value="EUR"),
        field_spec(FieldType.DATE, "Purchase date"),
        field_spec(FieldType.MULTI_SELECT, "Services", choices="Repair\nPolish"),
        field_spec(FieldType.SINGLE_LINE, "Old", condition="age_of_the_watch >= 10"),
        field_spec(FieldType.SINGLE_LINE, "Approval", condition="estimate.amount > 500"),
        field_spec(FieldType.SINGLE_LINE, "Pre 2020", condition="purchase_date < 2020-01-01"),
        field_spec(FieldType.SINGLE_LINE, "Polish note", condition='"Polish" in services'),
    ]
    answers = {
        "age_of_the_watch": "12",
        "estimate_amount": "400",
        "estimate_currency": "EUR",
        "purchase_date": "2019-06-30",
        "services": ["Repair"],
    }

    form = build_form(schema, data=answers)

    assert not form.is_valid()
    assert set(form.errors) == {"old", "pre_2020"}
    assert form.hidden_names == {"approval", "polish_note"}


def test_conditional_required_field_carries_no_html_required_attribute():
    schema = [
        field_spec(FieldType.CHECKBOX, "Damaged", required=False),
        field_spec(FieldType.SINGLE_LINE, "Damage", condition="damaged"),
    ]

    html = str(build_form(schema)["damage"])

    assert "required" not in html


def test_a_heading_can_be_hidden_by_a_condition():
    schema = [
        field_spec(FieldType.CHECKBOX, "Damaged", required=False),
        field_spec(FieldType.HEADING, "About the damage", condition="damaged"),
    ]

    form = build_form(schema, data={})

    assert form.is_valid()
    assert not form.is_shown("about_the_damage")
    assert form.is_shown("damaged")
