"""Form fields for what arrives in an address (``?month=2026-11``, ``?opened_after=…``,
``?id=…``): each refuses a malformed or out-of-range value with a message, so a view shows a
form error instead of failing on a date outside the calendar or an integer no column holds.
The ranges are in ``project.core.limits``."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable

import django.forms
import django_filters
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_filters.fields import DateRangeField, RangeField

from project.core.limits import EARLIEST_DAY, ID_MAX, LATEST_DAY


def validate_day(value: datetime.date | None) -> None:
    """Refuse a day outside ``EARLIEST_DAY`` … ``LATEST_DAY``."""
    if value is not None and not EARLIEST_DAY <= value <= LATEST_DAY:
        raise ValidationError(
            _("Choose a day from %(earliest)s to %(latest)s."),
            code="day_out_of_range",
            params={"earliest": EARLIEST_DAY.isoformat(), "latest": LATEST_DAY.isoformat()},
        )


class DayField(django.forms.DateField):
    """A day within ``EARLIEST_DAY`` … ``LATEST_DAY``."""

    default_validators = [validate_day]


class MonthField(django.forms.CharField):
    """A month written as ``<input type="month">`` sends it (``2026-11``), cleaned to
    ``(year, month)`` within the months of ``EARLIEST_DAY`` … ``LATEST_DAY``."""

    widget = django.forms.DateInput(attrs={"type": "month"})
    default_error_messages = {
        "invalid": _("Give a month as 2026-11."),
        "out_of_range": _("Give a month from %(earliest)s to %(latest)s."),
    }

    def to_python(self, value):
        text = super().to_python(value).strip()
        if not text:
            return None
        match = re.fullmatch(r"(\d{4})-(\d{2})", text)
        if match is None or not 1 <= int(match[2]) <= 12:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        year, month = int(match[1]), int(match[2])
        if (
            not (EARLIEST_DAY.year, EARLIEST_DAY.month)
            <= (year, month)
            <= (
                LATEST_DAY.year,
                LATEST_DAY.month,
            )
        ):
            raise ValidationError(
                self.error_messages["out_of_range"],
                code="out_of_range",
                params={
                    "earliest": f"{EARLIEST_DAY:%Y-%m}",
                    "latest": f"{LATEST_DAY:%Y-%m}",
                },
            )
        return year, month


class DayRangeField(DateRangeField):
    """django-filter's range of days, each end a ``DayField``."""

    def __init__(self, *args, **kwargs):
        RangeField.__init__(self, (DayField(), DayField()), *args, **kwargs)


class DayRangeFilter(django_filters.DateFromToRangeFilter):
    """``DateFromToRangeFilter`` whose days stay within ``EARLIEST_DAY`` … ``LATEST_DAY``: a
    day beyond them is a filter error, never a date out of the calendar once turned into the
    first or last moment of the day in some time zone."""

    field_class = DayRangeField


_ID_FIELD = django.forms.IntegerField(min_value=1, max_value=ID_MAX)


def valid_ids(values: Iterable) -> list[int]:
    """The values that are primary keys a column can hold (``?id=7&id=abc&id=1e99`` → ``[7]``);
    the others are left out, as ids of nothing."""
    ids = []
    for value in values:
        try:
            ids.append(_ID_FIELD.clean(value))
        except ValidationError:
            continue
    return ids
