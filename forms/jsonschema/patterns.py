"""Regular expressions a JSON Schema uses where JSON Schema's own keywords cannot reach: decimal
text (answers keep decimals as strings), its equality and ordering against a limit, and ISO dates
ordered against a day (see the package docstring for why these are patterns)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

DECIMAL_PATTERN = r"^-?\d+(\.\d+)?$"
E164_PATTERN = r"^\+[1-9]\d{1,14}$"
DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
DATE_TIME_PATTERN = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"
ZERO_PATTERN = r"^-?0+(\.0+)?$"
# Matches no text. Every pattern here is RE2 syntax (forms.jsonschema.validation checks answers
# with RE2), which has no lookaround, so not the usual empty lookahead.
NEVER_PATTERN = r"[^\s\S]"
# Decimal text greater than zero: a digit other than 0 before or after the point.
POSITIVE_DECIMAL_PATTERN = r"^(?:\d*[1-9]\d*(?:\.\d+)?|\d+\.\d*[1-9]\d*)$"


def decimal_equal_pattern(value: Decimal) -> str:
    """Decimal texts equal to ``value``: ``12.5`` matches ``12.5``, ``12.50`` … but not ``12``."""
    if not value.is_finite():
        return NEVER_PATTERN
    if value.is_zero():
        return ZERO_PATTERN
    text = format(abs(value), "f")
    whole, _dot, fraction = text.partition(".")
    fraction = fraction.rstrip("0")
    whole = whole.lstrip("0")
    sign = "-" if value < 0 else ""
    whole_pattern = f"0*{whole}" if whole else "0*"
    if fraction:
        return rf"^{sign}{whole_pattern}\.{fraction}0*$"
    return rf"^{sign}{whole_pattern}(\.0+)?$"


def decimal_order_pattern(op: str, limit: Decimal) -> str:
    """A pattern matching exactly the decimal texts (``DECIMAL_PATTERN``: ``-?\\d+(\\.\\d+)?``,
    leading and trailing zeros allowed, ``-0`` being zero) whose value is ``op`` (``<``, ``<=``,
    ``>``, ``>=``) ``limit``.

    Text without a sign is a magnitude ``m`` and holds when ``m op limit``; text with a minus is
    ``-m`` and holds when ``m op' -limit`` (the order reversed). Each side is then a comparison of
    magnitudes, digit by digit (see ``_magnitude_alternatives``)."""
    if not limit.is_finite():
        return NEVER_PATTERN
    branches = []
    positive = _magnitude_alternatives(op, limit)
    if positive:
        branches.append("(?:" + "|".join(positive) + ")")
    negative = _magnitude_alternatives(REVERSED_ORDER[op], -limit)
    if negative:
        branches.append("-(?:" + "|".join(negative) + ")")
    if not branches:
        return NEVER_PATTERN
    return "^(?:" + "|".join(branches) + ")$"


# ``a < b`` is ``b > a``: an ordering read from the other side.
REVERSED_ORDER = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}
_ANY_MAGNITUDE = r"\d+(?:\.\d+)?"
_ANY_FRACTION = r"(?:\.\d+)?"


def _magnitude_alternatives(op: str, limit: Decimal) -> list[str]:
    """Alternatives matching the unsigned decimal texts whose value is ``op`` ``limit``."""
    if limit < 0:  # every magnitude is above a negative limit
        return [_ANY_MAGNITUDE] if op in (">", ">=") else []
    alternatives = []
    if op in (">", ">="):
        alternatives += _greater_magnitudes(limit)
    else:
        alternatives += _smaller_magnitudes(limit)
    if op in (">=", "<="):
        alternatives.append(_equal_magnitude(limit))
    return alternatives


def _magnitude_digits(limit: Decimal) -> tuple[str, str]:
    """``Decimal("012.500")`` → ``("12", "5")``: the whole digits without leading zeros and the
    fraction without trailing zeros (both may be empty)."""
    whole, _dot, fraction = format(abs(limit), "f").partition(".")
    return whole.lstrip("0"), fraction.rstrip("0")


def _whole_equal(whole: str) -> str:
    return f"0*{whole}" if whole else "0+"


def _equal_magnitude(limit: Decimal) -> str:
    whole, fraction = _magnitude_digits(limit)
    if fraction:
        return rf"{_whole_equal(whole)}\.{fraction}0*"
    return rf"{_whole_equal(whole)}(?:\.0+)?"


def _greater_magnitudes(limit: Decimal) -> list[str]:
    whole, fraction = _magnitude_digits(limit)
    size = len(whole)
    # More whole digits (without leading zeros) than the limit has.
    alternatives = [rf"0*[1-9]{_digits(size)}\d*{_ANY_FRACTION}"]
    # As many whole digits, larger at the first place where they differ.
    for place, digit in enumerate(whole):
        if digit != "9":
            alternatives.append(
                rf"0*{whole[:place]}{_digit_range(int(digit) + 1, 9)}"
                rf"{_digits(size - place - 1)}{_ANY_FRACTION}"
            )
    # The same whole part and a larger fraction: larger at the first place where they differ,
    # or going on with a non-zero digit after the limit's last one.
    same = _whole_equal(whole)
    for place, digit in enumerate(fraction):
        if digit != "9":
            alternatives.append(rf"{same}\.{fraction[:place]}{_digit_range(int(digit) + 1, 9)}\d*")
    alternatives.append(rf"{same}\.{fraction}0*[1-9]\d*")
    return alternatives


def _smaller_magnitudes(limit: Decimal) -> list[str]:
    whole, fraction = _magnitude_digits(limit)
    size = len(whole)
    alternatives = []
    # Fewer whole digits (without leading zeros) than the limit has.
    if size >= 1:
        alternatives.append(rf"0+{_ANY_FRACTION}")
    if size == 2:
        alternatives.append(rf"0*[1-9]{_ANY_FRACTION}")
    elif size > 2:
        alternatives.append(rf"0*[1-9]\d{{0,{size - 2}}}{_ANY_FRACTION}")
    # As many whole digits, smaller at the first place where they differ (the first digit of a
    # number is never 0).
    for place, digit in enumerate(whole):
        lowest = 1 if place == 0 else 0
        if int(digit) > lowest:
            alternatives.append(
                rf"0*{whole[:place]}{_digit_range(lowest, int(digit) - 1)}"
                rf"{_digits(size - place - 1)}{_ANY_FRACTION}"
            )
    # The same whole part and a smaller fraction: none, one ending early (the limit's fraction
    # has no trailing zeros, so what it goes on with is more), or smaller where they differ.
    if fraction:
        same = _whole_equal(whole)
        alternatives.append(same)
        for place in range(1, len(fraction)):
            alternatives.append(rf"{same}\.{fraction[:place]}")
        for place, digit in enumerate(fraction):
            if digit != "0":
                alternatives.append(
                    rf"{same}\.{fraction[:place]}{_digit_range(0, int(digit) - 1)}\d*"
                )
    return alternatives


def _digits(count: int) -> str:
    """Exactly ``count`` digits."""
    return "" if count == 0 else r"\d" if count == 1 else rf"\d{{{count}}}"


def _digit_range(low: int, high: int) -> str:
    return str(low) if low == high else f"[{low}-{high}]"


def date_order_pattern(op: str, limit: date, after_day: str = "$") -> str:
    """ISO dates ``op`` the limit. They are fixed-width digits, so they order like text: a date is
    smaller when, at the first digit where they differ, its digit is smaller. ``after_day`` is
    what follows the day when it is the limit itself: ``$`` for a date, ``T`` for a date-time."""
    text = limit.isoformat()
    alternatives = []
    for position, char in enumerate(text):
        if not char.isdigit():
            continue
        digit = int(char)
        if op in ("<", "<="):
            if digit == 0:
                continue
            digits = f"[0-{digit - 1}]"
        else:
            if digit == 9:
                continue
            digits = f"[{digit + 1}-9]"
        alternatives.append(text[:position] + digits)  # digits and dashes need no escaping
    if op in ("<=", ">="):
        alternatives.append(text + after_day)
    if not alternatives:
        return NEVER_PATTERN
    return "^(?:" + "|".join(alternatives) + ")"
