"""Money shared by every app: a currency's minor units and rounding to them, Decimal only.

``CURRENCY_DECIMALS`` (``project.stores.choices``) says how many decimals each currency has
(KRW and JPY 0; USD, EUR, UAH, CNY 2). Every app asks ``currency_decimals`` rather than reading
that table, so a currency Atelier does not list gets the same answer everywhere.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from project.stores.choices import CURRENCY_DECIMALS


def currency_decimals(currency: str | None) -> int:
    """Minor units of ``currency``; 2 for a currency Atelier does not list (or none)."""
    return CURRENCY_DECIMALS.get(currency, 2) if currency else 2


def round_money(amount: Decimal, currency: str) -> Decimal:
    """``amount`` rounded half up to the minor units of ``currency`` (``Decimal("12.35")``)."""
    exponent = Decimal(1).scaleb(-currency_decimals(currency))
    return Decimal(amount).quantize(exponent, rounding=ROUND_HALF_UP)
