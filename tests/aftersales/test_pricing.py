"""Quotation arithmetic (aftersales/pricing.py): lines rounded in their currency, discounts, tax
per rate."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from aftersales.pricing import LineAmounts, totals

D = Decimal


def test_a_discount_applies_before_rounding_the_line():
    result = totals([LineAmounts(D("3"), D("33.33"), discount_percent=D("15"))], "USD")

    assert result.nets == (D("84.99"),)  # 99.99 x 0.85 = 84.9915


def test_tax_is_charged_per_rate_on_the_sum_of_the_lines():
    lines = [
        LineAmounts(D("1"), D("0.05"), tax_rate=D("10")),
        LineAmounts(D("1"), D("0.05"), tax_rate=D("10")),
        LineAmounts(D("1"), D("100"), tax_rate=D("20")),
    ]

    result = totals(lines, "EUR")

    # 10 % of 0.10 = 0.01 (line by line it would be 0.01 + 0.01); 20 % of 100 = 20.00.
    assert (result.subtotal, result.tax, result.total) == (D("100.10"), D("20.01"), D("120.11"))


def test_a_won_quotation_has_no_decimals_anywhere():
    result = totals(
        [
            LineAmounts(D("1"), D("450000"), tax_rate=D("10")),
            LineAmounts(D("2"), D("12345"), discount_percent=D("7.5"), tax_rate=D("10")),
        ],
        "KRW",
    )

    assert result.nets == (D("450000"), D("22838"))  # 24690 x 0.925 = 22838.25
    assert (result.subtotal, result.tax, result.total) == (D("472838"), D("47284"), D("520122"))
    assert all(amount.as_tuple().exponent == 0 for amount in (*result.nets, result.total))


def test_no_lines_cost_nothing():
    result = totals([], "JPY")

    assert (result.subtotal, result.tax, result.total) == (D(0), D(0), D(0))


quantities = st.decimals(min_value=D("0.001"), max_value=D("500"), places=3)
prices = st.decimals(min_value=D("0"), max_value=D("100000"), places=2)
percents = st.decimals(min_value=D("0"), max_value=D("100"), places=2)
lines = st.lists(
    st.builds(LineAmounts, quantities, prices, percents, st.sampled_from([D(0), D(10), D("20")])),
    max_size=12,
)


@given(lines=lines, currency=st.sampled_from(["KRW", "JPY", "USD", "EUR", "UAH", "CNY"]))
def test_the_total_is_the_sum_of_the_rounded_lines_plus_tax(lines, currency):
    result = totals(lines, currency)

    decimals = 0 if currency in ("KRW", "JPY") else 2
    for amount in (*result.nets, result.subtotal, result.tax, result.total):
        assert amount.as_tuple().exponent == -decimals
    assert result.subtotal == sum(result.nets, D(0))
    assert result.total == sum(result.nets, D(0)) + result.tax
    assert 0 <= result.total - result.subtotal <= result.subtotal * D("0.2") + len(lines)
