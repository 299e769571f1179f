"""Line items: a table of rows posted as indexed inputs, cleaned row by row, totals computed on
the server and stored with decimals as strings."""

import json

import pytest

from forms.builder import build_form
from forms.choices import FieldType
from forms.schema_form import known_rule_names
from tests.forms.factories import field_spec

pytestmark = pytest.mark.django_db


def items(**attributes):
    return field_spec(FieldType.LINE_ITEMS, "Items", **attributes)


def rows(*posted, start=0):
    """Posted inputs of rows given as (code, description, quantity, unit price)."""
    columns = ("code", "description", "quantity", "unit_price")
    data = {}
    for index, row in enumerate(posted, start=start):
        for column, value in zip(columns, row, strict=True):
            data[f"items-{index}-{column}"] = value
    return data


def submit(data, spec=None, schema=()):
    form = build_form([*schema, spec or items()], data=data)
    form.is_valid()
    return form


def stored(data, spec=None):
    form = submit(data, spec)
    assert form.is_valid(), form.errors
    answers = form.get_data_for_storage()
    assert json.loads(json.dumps(answers)) == answers
    return answers["items"]


def errors(data, spec=None) -> list[str]:
    form = submit(data, spec)
    assert not form.is_valid()
    return form.errors["items"]


def test_rows_are_stored_with_line_totals_and_a_total_as_decimal_text():
    data = rows(("STR-20", "Leather strap", "2", "12.5"), ("", "Crystal", "1", "80"))

    assert stored(data, items(default_value="EUR")) == {
        "rows": [
            {
                "code": "STR-20",
                "description": "Leather strap",
                "quantity": "2",
                "unit_price": "12.50",
                "total": "25.00",
            },
            {
                "code": "",
                "description": "Crystal",
                "quantity": "1",
                "unit_price": "80.00",
                "total": "80.00",
            },
        ],
        "total": "105.00",
        "currency": "EUR",
    }


def test_without_a_currency_amounts_have_two_decimals_and_no_currency():
    answer = stored(rows(("", "Service", "1.5", "10")))

    assert answer["rows"][0]["total"] == "15.00"
    assert answer["currency"] is None


def test_line_totals_are_rounded_half_up_and_the_total_adds_the_rounded_lines():
    answer = stored(rows(("", "Screw", "0.5", "0.05"), ("", "Screw", "0.5", "0.05")))

    assert [row["total"] for row in answer["rows"]] == ["0.03", "0.03"]
    assert answer["total"] == "0.06"


def test_a_currency_without_decimals_gives_whole_amounts_and_refuses_decimal_prices():
    spec = items(default_value="KRW")

    assert stored(rows(("", "Polish", "3", "15000")), spec)["total"] == "45000"
    assert errors(rows(("", "Polish", "1", "1.5")), spec) == [
        "Row 1: South Korean won prices have no decimals."
    ]


def test_blank_rows_are_skipped_and_rows_are_read_in_index_order():
    data = {
        **rows(("", "Tenth", "1", "1"), start=10),
        **rows(("", "", "", "")),
        **rows(("", "Second", "1", "2"), start=2),
    }

    assert [row["description"] for row in stored(data)["rows"]] == ["Second", "Tenth"]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (("A-1", "", "1", "10"), "Row 1: enter a description."),
        (("", "Strap", "", "10"), "Row 1: enter a quantity."),
        (("", "Strap", "two", "10"), "Row 1: enter a quantity such as 1 or 2.5."),
        (("", "Strap", "1e3", "10"), "Row 1: enter a quantity such as 1 or 2.5."),
        (("", "Strap", "NaN", "10"), "Row 1: enter a quantity such as 1 or 2.5."),
        (("", "Strap", "0", "10"), "Row 1: the quantity must be more than 0."),
        (("", "Strap", "-1", "10"), "Row 1: the quantity must be more than 0."),
        (("", "Strap", "0.0000001", "10"), "Row 1: use at most 6 decimals for the quantity."),
        (("", "Strap", "1", ""), "Row 1: enter a unit price."),
        (("", "Strap", "1", "ten"), "Row 1: enter a unit price such as 12.50."),
        (("", "Strap", "1", "-5"), "Row 1: the unit price cannot be negative."),
        (("", "Strap", "1", "9.999"), "Row 1: use at most 2 decimals for the unit price."),
        (("", "Strap", "1", "9" * 19), "Row 1: enter a unit price such as 12.50."),
        (("X" * 65, "Strap", "1", "1"), "Row 1: use at most 64 characters for the code."),
        (("", "x" * 501, "1", "1"), "Row 1: use at most 500 characters for the description."),
    ],
)
def test_each_invalid_row_is_refused_naming_the_row(row, message):
    assert errors(rows(row)) == [message]


def test_every_problem_of_every_row_is_reported_with_the_row_number_shown_in_the_table():
    data = rows(("", "Strap", "1", "10"), ("", "", "", ""), ("", "", "0", "-1"))

    assert errors(data) == [
        "Row 3: enter a description.",
        "Row 3: the quantity must be more than 0.",
        "Row 3: the unit price cannot be negative.",
    ]


def test_amounts_too_large_to_store_are_refused():
    assert errors(rows(("", "Gold", "999999999999", "999999999999"))) == [
        "Row 1: the amounts are too large."
    ]


def test_a_free_row_is_allowed():
    assert stored(rows(("", "Goodwill check", "1", "0")))["total"] == "0.00"
    assert stored(rows(("", "Goodwill check", "1", "-0")))["rows"][0]["unit_price"] == "0.00"


def test_a_required_table_needs_a_row_and_an_optional_one_left_empty_is_stored_as_null():
    assert errors(rows(("", "", "", ""))) == ["Add at least one line."]
    assert stored({}, items(required=False)) is None


def test_the_row_limits_count_filled_in_rows():
    spec = items(min_length=2, max_length=3)

    assert errors(rows(("", "A", "1", "1")), spec) == ["Add at least 2 lines (you filled in 1)."]
    four = rows(*[("", "A", "1", "1")] * 4)
    assert errors(four, spec) == ["Use at most 3 lines (you filled in 4)."]
    assert len(stored(rows(*[("", "A", "1", "1")] * 3), spec)["rows"]) == 3


def test_a_hostile_number_of_rows_is_refused():
    data = rows(*[("", "", "", "")] * 401)

    assert errors(data, items(required=False)) == ["Use at most 200 lines (you filled in 401)."]


def test_conditions_can_use_the_total():
    schema = [
        items(),
        field_spec(FieldType.SINGLE_LINE, "Approval code", condition="items.total > 500"),
    ]
    assert "items.total" in known_rule_names(schema)

    cheap = build_form(schema, data=rows(("", "Strap", "1", "100")))
    dear = build_form(schema, data=rows(("", "Gold case", "1", "900")))

    assert cheap.is_valid()
    assert not dear.is_valid()
    assert dear.errors == {"approval_code": ["This field is required."]}


def test_without_javascript_the_table_offers_blank_rows_to_fill_in():
    form = build_form([items(default_value="EUR")])
    html = str(form["items"])

    for index in range(3):
        assert f'name="items-{index}-description"' in html
    assert 'name="items-3-description"' not in html
    assert "Unit price (EUR)" in html
    assert "<template data-line-items-template>" in html
    assert 'name="items-__index__-code"' in html
    assert "hidden data-line-items-add" in html
    assert "forms/line_items.js" in str(form.media)
    assert "<script" not in html


def test_each_cell_is_labelled_by_its_column_and_row():
    html = str(build_form([items()])["items"])

    assert 'aria-labelledby="id_items-head-quantity id_items-1-number"' in html
    assert '<th scope="row" class="atelier-line-items__number" id="id_items-1-number"' in html


def test_a_refused_table_shows_the_posted_rows_again_escaped():
    data = rows(("<b>", "Strap", "1", "10"), ("", "", "", ""), ("", "Crystal", "x", "1"))
    form = submit(data)
    html = str(form["items"])

    assert 'value="&lt;b&gt;"' in html
    assert 'name="items-2-quantity" id="id_items-2-quantity" value="x"' in html


def test_a_stored_answer_fills_the_table_again():
    answer = stored(rows(("A-1", "Strap", "2", "12.5")))

    html = str(build_form([items()], initial={"items": answer})["items"])

    assert 'name="items-0-unit_price" id="id_items-0-unit_price" value="12.50"' in html
    assert 'name="items-2-code"' in html  # blank rows to add more
