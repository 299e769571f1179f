"""``{{ amount|money:currency }}``: an amount with exactly its currency's decimals (12 500 won,
12.50 dollars), as the quotation arithmetic rounds it."""

from decimal import Decimal, InvalidOperation

from django import template

from workflows.money import round_money

register = template.Library()


@register.filter
def money(value, currency: str) -> str:
    try:
        return str(round_money(Decimal(value), currency))
    except (InvalidOperation, TypeError, ValueError):
        return "" if value is None else str(value)
