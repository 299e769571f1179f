from django.db import models
from django.utils.translation import gettext_lazy as _


class Currency(models.TextChoices):
    """ISO 4217 currencies the stores sell in."""

    KRW = "KRW", _("South Korean won")
    UAH = "UAH", _("Ukrainian hryvnia")
    USD = "USD", _("US dollar")
    CNY = "CNY", _("Chinese yuan")
    EUR = "EUR", _("Euro")
    JPY = "JPY", _("Japanese yen")
    GBP = "GBP", _("Pound sterling")
    CHF = "CHF", _("Swiss franc")


# Minor units per ISO 4217: amounts in these currencies are rounded to this many decimals.
CURRENCY_DECIMALS = {
    Currency.KRW: 0,
    Currency.JPY: 0,
    Currency.UAH: 2,
    Currency.USD: 2,
    Currency.CNY: 2,
    Currency.EUR: 2,
    Currency.GBP: 2,
    Currency.CHF: 2,
}


class Weekday(models.IntegerChoices):
    """Numbered as Python's ``date.weekday()``."""

    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")
