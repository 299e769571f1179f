"""``{{ amount|money:currency }}``: an amount with exactly its currency's decimals (12 500 won,
12.50 dollars), as the quotation arithmetic rounds it. ``{{ amount|customer_amount:currency }}``:
the same as a customer reads it, grouped in the active language, with the currency code."""

from decimal import Decimal, InvalidOperation

from django import template

from aftersales.formatting import amount_with_currency
from project.core.money import round_money

register = template.Library()


@register.filter
def money(value, currency: str) -> str:
    try:
        return str(round_money(Decimal(value), currency))
    except (InvalidOperation, TypeError, ValueError):
        return "" if value is None else str(value)


@register.filter
def customer_amount(value, currency: str) -> str:
    """``value`` as ``workflows.quotations.amount_with_currency`` writes it."""
    return amount_with_currency(Decimal(value), currency)
