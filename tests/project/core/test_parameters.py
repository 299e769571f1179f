"""Parameters of addresses (``project.core.parameters``): a month, a range of days and ids are
read through form fields that refuse what is malformed or out of range with a message."""

import datetime

import django.forms
import pytest

from project.core.parameters import DayField, MonthField, valid_ids


class MonthForm(django.forms.Form):
    month = MonthField()


class DayForm(django.forms.Form):
    day = DayField()


@pytest.mark.parametrize(
    ("text", "month"),
    [
        ("2026-11", (2026, 11)),
        ("2000-01", (2000, 1)),
        ("2100-12", (2100, 12)),
        (" 2026-02 ", (2026, 2)),
    ],
)
def test_a_month_within_the_range_is_read(text, month):
    form = MonthForm({"month": text})

    assert form.is_valid(), form.errors
    assert form.cleaned_data["month"] == month


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("9999-12", "Give a month from 2000-01 to 2100-12."),
        ("0000-01", "Give a month from 2000-01 to 2100-12."),
        ("1999-12", "Give a month from 2000-01 to 2100-12."),
        ("2026-13", "Give a month as 2026-11."),
        ("2026-00", "Give a month as 2026-11."),
        ("abc", "Give a month as 2026-11."),
        ("99999999999999999999-01", "Give a month as 2026-11."),
        ("2026-1", "Give a month as 2026-11."),
        ("-1", "Give a month as 2026-11."),
    ],
)
def test_a_month_out_of_range_or_malformed_is_a_form_error(text, message):
    form = MonthForm({"month": text})

    assert not form.is_valid()
    assert form.errors["month"] == [message]


@pytest.mark.parametrize("text", ["9999-12-31", "0001-01-01", "1999-12-31", "2101-01-01"])
def test_a_day_out_of_range_is_a_form_error(text):
    form = DayForm({"day": text})

    assert not form.is_valid()
    assert form.errors["day"] == ["Choose a day from 2000-01-01 to 2100-12-31."]


def test_the_first_and_last_days_of_the_range_are_accepted():
    assert DayForm({"day": "2000-01-01"}).is_valid()
    assert DayForm({"day": "2100-12-31"}).is_valid()
    form = DayForm({"day": "2026-02-28"})
    assert form.is_valid()
    assert form.cleaned_data == {"day": datetime.date(2026, 2, 28)}


def test_only_ids_a_column_can_hold_are_kept():
    values = ["7", "abc", "-1", "0", "99999999999999999999", str(2**63 - 1), "1e3", ""]

    assert valid_ids(values) == [7, 2**63 - 1]
