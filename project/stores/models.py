import uuid
import zoneinfo

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.models import Orderable

from project.core.limits import ADDRESS_MAX_LENGTH
from project.stores.choices import Currency, Weekday
from project.stores.scoping import StoreScopedQuerySet


def _time_zone_choices():
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


class Store(ClusterableModel):
    """A boutique or workshop: its data is seen only by its members (see ``scoping``)."""

    code = models.CharField(
        _("code"),
        max_length=12,
        unique=True,
        validators=[
            RegexValidator(
                r"^[A-Z0-9][A-Z0-9-]*$",
                _("Use capital letters, digits and dashes, e.g. SEL-01."),
            )
        ],
        help_text=_("Short code used in references and ERP exchanges, e.g. SEL-01."),
    )
    name = models.CharField(_("name"), max_length=120)
    country = models.CharField(
        _("country"),
        max_length=2,
        validators=[RegexValidator(r"^[A-Z]{2}$", _("Use the two-letter ISO code, e.g. KR."))],
        help_text=_("ISO 3166 two-letter code, e.g. KR, UA, US."),
    )
    time_zone = models.CharField(_("time zone"), max_length=64, choices=_time_zone_choices)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    languages = models.JSONField(
        _("languages"),
        default=list,
        blank=True,
        help_text=_("Languages customers are served in, the first one being the default."),
    )
    address = models.TextField(
        _("address"),
        blank=True,
        max_length=ADDRESS_MAX_LENGTH,
        validators=[MaxLengthValidator(ADDRESS_MAX_LENGTH)],
        help_text=_(
            "Postal address as customers read it on quotations, on as many lines as needed."
        ),
    )
    phone = models.CharField(
        _("phone"),
        max_length=16,
        blank=True,
        validators=[
            RegexValidator(
                r"^\+[1-9][0-9]{6,14}$",
                _("Use the international format (E.164), e.g. +12125550100."),
            )
        ],
        help_text=_("International format (E.164), e.g. +12125550100."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    # A new random value whenever the opening hours or holidays change: the key under which
    # every process caches the store's calendar (``project.stores.calendar``).
    calendar_version = models.UUIDField(default=uuid.uuid4, editable=False)

    store_field = "pk"
    objects = StoreScopedQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("store")
        verbose_name_plural = _("stores")
        permissions = [("access_all_stores", _("Can see the data of every store"))]

    def __str__(self):
        return f"{self.name} ({self.code})"

    def clean(self):
        super().clean()
        known = {code for code, _name in settings.LANGUAGES}
        unknown = [code for code in self.languages or [] if code not in known]
        if unknown:
            raise ValidationError(
                {"languages": _("Unknown language code(s): %s.") % ", ".join(unknown)}
            )

    @property
    def zoneinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def phone_display(self) -> str:
        """The phone number as people write it internationally ("+1 212-555-0100"); the stored
        E.164 form when it cannot be parsed."""
        try:
            number = phonenumbers.parse(self.phone)
        except phonenumbers.NumberParseException:
            return self.phone
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


class OpeningHours(Orderable):
    """One opening interval on a weekday; a day with a lunch break has two rows."""

    store = ParentalKey(Store, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta(Orderable.Meta):
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes__gt=models.F("opens")),
                name="stores_openinghours_closes_after_opens",
                violation_error_message=_("Closing time must be after opening time."),
            ),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}-{self.closes:%H:%M}"


class Holiday(Orderable):
    """A day the store is closed: SLA clocks do not run on it."""

    # Indexed by "stores_holiday_unique_date" (store, date), which it leads.
    store = ParentalKey(Store, on_delete=models.CASCADE, related_name="holidays", db_index=False)
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=120, blank=True)

    class Meta(Orderable.Meta):
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        constraints = [
            models.UniqueConstraint(fields=["store", "date"], name="stores_holiday_unique_date"),
        ]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.name}".strip()


class StoreMembership(models.Model):
    """Makes a user one of a store's people: they see that store's data."""

    # Indexed by "stores_membership_unique" (user, store), which it leads.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="store_memberships",
        db_index=False,
    )
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="memberships")
    created_at = models.DateTimeField(auto_now_add=True)

    store_field = "store"
    objects = StoreScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("store membership")
        verbose_name_plural = _("store memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "store"], name="stores_membership_unique"),
        ]

    def __str__(self):
        return f"{self.user} @ {self.store.code}"


class ExchangeRate(models.Model):
    """What one unit of ``currency`` is worth in ``store_currency`` from ``valid_from`` on, until
    the day before the next rate of the same two currencies.

    Money rules compare like with like: an amount asked in another currency than the store's is
    converted with the rate valid on the day of the request before it is held against a threshold
    in the store's currency (``data.<field>.in_store_currency`` in transition conditions). The
    table is kept by hand by an administrator (Settings > Exchange rates); a pair without a rate on
    the day converts to nothing, so a threshold reading it does not hold."""

    currency = models.CharField(
        _("currency"),
        max_length=3,
        choices=Currency.choices,
        help_text=_("The currency amounts are asked in, e.g. GBP."),
    )
    store_currency = models.CharField(
        _("store currency"),
        max_length=3,
        choices=Currency.choices,
        help_text=_("The currency of the stores that convert with this rate, e.g. KRW."),
    )
    rate = models.DecimalField(
        _("rate"),
        max_digits=20,
        decimal_places=10,
        help_text=_(
            "What one unit of the currency is worth in the store currency, e.g. 1712.35 when "
            "1 GBP is worth 1,712.35 KRW."
        ),
    )
    valid_from = models.DateField(
        _("valid from"),
        help_text=_(
            "The first day the rate applies, in the store's time zone; it applies until the day "
            "before the next rate of the same two currencies."
        ),
    )

    class Meta:
        ordering = ["store_currency", "currency", "-valid_from"]
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        constraints = [
            models.UniqueConstraint(
                fields=["currency", "store_currency", "valid_from"],
                name="stores_exchangerate_one_per_day",
                violation_error_message=_(
                    "These two currencies already have a rate from that day: change that one."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(rate__gt=0),
                name="stores_exchangerate_rate_positive",
                violation_error_message=_("A rate is more than zero."),
            ),
            models.CheckConstraint(
                condition=~models.Q(currency=models.F("store_currency")),
                name="stores_exchangerate_two_currencies",
                violation_error_message=_(
                    "A rate converts between two different currencies: an amount in the store's "
                    "own currency needs none."
                ),
            ),
        ]

    def __str__(self):
        return f"1 {self.currency} = {self.rate_text()} {self.store_currency} ({self.valid_from})"

    def rate_text(self) -> str:
        """The rate without the trailing zeros of its ten stored decimals ("1712.35")."""
        return f"{self.rate.normalize():f}" if self.rate is not None else ""

    rate_text.short_description = _("rate")
