"""Quotation and invoice arithmetic: Decimal only, rounded half up to the currency's minor units.

For a quotation in a currency with ``d`` decimals (KRW and JPY 0; USD, EUR, UAH, CNY 2, see
``project.stores.choices.CURRENCY_DECIMALS``):

- each line's net = round(quantity x unit price x (1 - discount % / 100), d);
- subtotal = the sum of the rounded line nets;
- tax = for each tax rate, round(sum of the nets at that rate x rate / 100, d), summed: tax is
  charged on the total per rate, as on an invoice, not line by line;
- total = subtotal + tax.

So the total is always the sum of what the customer sees on the lines plus the tax, and every
amount has exactly the currency's decimals.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from project.core.money import round_money

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class LineAmounts:
    quantity: Decimal
    unit_price: Decimal
    discount_percent: Decimal = Decimal(0)
    tax_rate: Decimal = Decimal(0)


def line_net(line: LineAmounts, currency: str) -> Decimal:
    gross = line.quantity * line.unit_price
    return round_money(gross * (HUNDRED - line.discount_percent) / HUNDRED, currency)


@dataclass(frozen=True)
class Totals:
    nets: tuple[Decimal, ...]
    subtotal: Decimal
    tax: Decimal
    total: Decimal


def totals(lines: Iterable[LineAmounts], currency: str) -> Totals:
    """Each line's net, the subtotal, the tax and the total of ``lines`` in ``currency``."""
    lines = list(lines)
    nets = tuple(line_net(line, currency) for line in lines)
    by_rate: dict[Decimal, Decimal] = defaultdict(Decimal)
    for line, net in zip(lines, nets, strict=True):
        by_rate[line.tax_rate] += net
    zero = round_money(Decimal(0), currency)
    tax = sum(
        (round_money(base * rate / HUNDRED, currency) for rate, base in by_rate.items()), zero
    )
    subtotal = sum(nets, zero)
    return Totals(nets=nets, subtotal=subtotal, tax=tax, total=subtotal + tax)
