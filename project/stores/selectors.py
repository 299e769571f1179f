"""Reads of the stores app: the exchange rate valid on a day, and amounts converted with it."""

from __future__ import annotations

import datetime
from decimal import Decimal

from project.stores.models import ExchangeRate


def exchange_rate_get(
    *, currency: str, store_currency: str, on: datetime.date
) -> ExchangeRate | None:
    """The rate converting ``currency`` into ``store_currency`` on the day ``on``: the one with
    the latest ``valid_from`` not after it; None when the pair has no rate yet on that day."""
    return (
        ExchangeRate.objects.filter(
            currency=currency, store_currency=store_currency, valid_from__lte=on
        )
        .order_by("-valid_from")
        .first()
    )


def amount_in_currency(
    *,
    amount: Decimal | None,
    currency: str | None,
    into: str,
    on: datetime.date,
    rates: dict | None = None,
) -> Decimal | None:
    """``amount`` of ``currency`` expressed in ``into`` with the rate valid on ``on``: the amount
    itself when the currencies are the same, None when there is no amount, no currency or no rate.

    Not rounded: a threshold compares the exact value, so a fraction of a won above it is above
    it. ``rates`` is an optional cache (``{(currency, into, on): rate or None}``) for a caller
    converting several amounts."""
    if amount is None or not currency:
        return None
    if currency == into:
        return amount
    key = (currency, into, on)
    if rates is not None and key in rates:
        rate = rates[key]
    else:
        found = exchange_rate_get(currency=currency, store_currency=into, on=on)
        rate = found.rate if found is not None else None
        if rates is not None:
            rates[key] = rate
    return None if rate is None else amount * rate
