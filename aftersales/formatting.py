"""Amounts as customers read them on the quotation PDF, the decision page and e-mails."""

from __future__ import annotations

import contextlib
from decimal import Decimal

from django.utils import formats, translation

from project.core.money import round_money


def amount_text(amount: Decimal, currency: str) -> str:
    """``amount`` as the customer reads it: rounded to the currency's minor units like the
    quotation arithmetic, with thousands grouped in the active language's format ("450,000" won
    in Korean or English, "1 234,50" hryvnias in Ukrainian). Decimal throughout, never float.
    Templates write it with the ``customer_amount`` filter (``atelier_money``)."""
    rounded = round_money(amount, currency)
    # Django's Chinese formats group no digits; Chinese prices are written 1,234.50.
    grouped = formats.get_format("THOUSAND_SEPARATOR")
    with contextlib.nullcontext() if grouped else translation.override("en"):
        return formats.number_format(rounded, use_l10n=True, force_grouping=True)


def amount_with_currency(amount: Decimal, currency: str) -> str:
    """``amount_text`` followed by the currency code ("495,000 KRW"), as customer documents show
    amounts."""
    return f"{amount_text(amount, currency)} {currency}"
