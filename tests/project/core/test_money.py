"""Money in the shared kernel (project/core/money.py): amounts rounded to the currency's minor
units."""

from decimal import Decimal

import pytest

from project.core.money import round_money

D = Decimal


@pytest.mark.parametrize(
    ("amount", "currency", "rounded"),
    [
        ("1234.5", "KRW", "1235"),
        ("1234.49", "KRW", "1234"),
        ("99.5", "JPY", "100"),
        ("10.005", "USD", "10.01"),
        ("10.004", "EUR", "10.00"),
        ("0.125", "UAH", "0.13"),
        ("7.1449", "CNY", "7.14"),
        ("-2.5", "KRW", "-3"),  # half away from zero, as on a till
    ],
)
def test_amounts_round_half_up_to_the_currency_minor_units(amount, currency, rounded):
    result = round_money(D(amount), currency)

    assert result == D(rounded)
    assert str(result) == rounded  # exactly the currency's decimals
