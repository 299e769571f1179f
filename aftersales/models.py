"""Catalogues (spare parts, service items) and quotations: the typed models after-sales needs for
real arithmetic. Amounts are Decimal and computed by ``aftersales.pricing``; services that change
them are in ``aftersales.services``.

Catalogues are edited in the admin (Catalogues menu) and, later, filled by the ERP bridge: a part
or service has a description per language and a price per currency, each as a child row.
A quotation copies what it quotes (code, description, price) so that later catalogue edits never
change a quotation a customer saw; a revision is a new version of it, never an edit.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.models import Orderable

from aftersales.choices import LineKind, QuotationStatus
from project.core.limits import (
    LINE_CODE_MAX_LENGTH,
    LINE_DESCRIPTION_MAX_LENGTH,
    PERSON_NAME_MAX_LENGTH,
    REFUSAL_REASON_MAX_LENGTH,
)
from project.core.money import currency_decimals, round_money
from project.stores.choices import Currency
from project.stores.scoping import StoreScopedQuerySet

MONEY_DIGITS = 14
LANGUAGE_CHOICES = settings.LANGUAGES


class _CatalogueEntry(ClusterableModel):
    """What spare parts and service items share: a default (English) description, one per
    language as child rows, prices per currency as child rows, and an active flag."""

    description = models.CharField(
        _("description (English)"),
        max_length=255,
        help_text=_("Used when there is no description in the customer's language."),
    )
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive entries cannot be quoted any more.")
    )

    class Meta:
        abstract = True

    def description_in(self, language: str) -> str:
        """The description in ``language`` (e.g. ``"ko"``), else the English one."""
        for text in self.texts.all():
            if text.language == language and text.description:
                return text.description
        return self.description

    def price_in(self, currency: str):
        """The price in ``currency``, or None when there is none."""
        return next((p.amount for p in self.prices.all() if p.currency == currency), None)


class _Text(Orderable):
    language = models.CharField(_("language"), max_length=10, choices=LANGUAGE_CHOICES)
    description = models.CharField(_("description"), max_length=255)

    class Meta(Orderable.Meta):
        abstract = True

    def __str__(self):
        return f"{self.language}: {self.description}"


class _Price(Orderable):
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    amount = models.DecimalField(
        _("price"),
        max_digits=MONEY_DIGITS,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )

    class Meta(Orderable.Meta):
        abstract = True

    def __str__(self):
        return f"{self.amount} {self.currency}"

    def clean(self):
        """A price has no more decimals than its currency (no cents in won or yen), so what the
        catalogue says can be quoted as is."""
        super().clean()
        if self.amount is None or not self.currency:
            return
        if self.amount != round_money(self.amount, self.currency):
            decimals = currency_decimals(self.currency)
            if decimals == 0:
                message = _("Prices in %(currency)s have no decimals.")
            else:
                message = _("Prices in %(currency)s have at most %(decimals)s decimals.")
            params = {"currency": self.currency, "decimals": decimals}
            raise ValidationError(
                {"amount": ValidationError(message, code="minor_units", params=params)}
            )


class SparePart(_CatalogueEntry):
    part_number = models.CharField(_("part number"), max_length=40, unique=True)
    brand = models.CharField(_("brand"), max_length=80, blank=True)

    class Meta:
        db_table = "workflows_sparepart"  # the table from before the app existed
        ordering = ["part_number"]
        verbose_name = _("spare part")
        verbose_name_plural = _("spare parts")

    def __str__(self):
        return f"{self.part_number} {self.description}"


class SparePartText(_Text):
    part = ParentalKey(SparePart, on_delete=models.CASCADE, related_name="texts")

    class Meta(_Text.Meta):
        db_table = "workflows_spareparttext"  # the table from before the app existed
        constraints = [
            models.UniqueConstraint(fields=["part", "language"], name="workflows_part_text_once")
        ]


class SparePartPrice(_Price):
    part = ParentalKey(SparePart, on_delete=models.CASCADE, related_name="prices")

    class Meta(_Price.Meta):
        db_table = "workflows_sparepartprice"  # the table from before the app existed
        constraints = [
            models.UniqueConstraint(fields=["part", "currency"], name="workflows_part_price_once")
        ]


class ServiceItem(_CatalogueEntry):
    code = models.CharField(_("code"), max_length=40, unique=True)
    light_intervention = models.BooleanField(
        _("light intervention"),
        default=False,
        help_text=_("Done at the counter and invoiced directly (a strap change, a battery)."),
    )

    class Meta:
        db_table = "workflows_serviceitem"  # the table from before the app existed
        ordering = ["code"]
        verbose_name = _("service item")
        verbose_name_plural = _("service items")

    def __str__(self):
        return f"{self.code} {self.description}"


class ServiceItemText(_Text):
    item = ParentalKey(ServiceItem, on_delete=models.CASCADE, related_name="texts")

    class Meta(_Text.Meta):
        db_table = "workflows_serviceitemtext"  # the table from before the app existed
        constraints = [
            models.UniqueConstraint(fields=["item", "language"], name="workflows_service_text_once")
        ]


class ServiceItemPrice(_Price):
    item = ParentalKey(ServiceItem, on_delete=models.CASCADE, related_name="prices")

    class Meta(_Price.Meta):
        db_table = "workflows_serviceitemprice"  # the table from before the app existed
        constraints = [
            models.UniqueConstraint(
                fields=["item", "currency"], name="workflows_service_price_once"
            )
        ]


# --- Quotations -----------------------------------------------------------------------------------


class Quotation(ConcurrentTransitionMixin, models.Model):
    """One version of a case's quotation. Only a draft changes; the customer decides on one
    exact version."""

    case = models.ForeignKey("workflows.Case", on_delete=models.PROTECT, related_name="quotations")
    number = models.PositiveIntegerField(_("version"))
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    valid_until = models.DateField(_("valid until"))
    status = FSMField(
        _("status"),
        max_length=12,
        choices=QuotationStatus.choices,
        default=QuotationStatus.DRAFT,
        protected=True,
    )
    subtotal = models.DecimalField(_("subtotal"), max_digits=MONEY_DIGITS, decimal_places=2)
    tax = models.DecimalField(_("tax"), max_digits=MONEY_DIGITS, decimal_places=2)
    total = models.DecimalField(_("total"), max_digits=MONEY_DIGITS, decimal_places=2)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # Set when sent: the secret in the customer's decision link (aftersales.services.decisions).
    decision_nonce = models.CharField(max_length=64, blank=True, default="", editable=False)
    # The customer's decision (the decision page and the counter record it).
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_name = models.CharField(
        _("name typed as signature"), max_length=PERSON_NAME_MAX_LENGTH, blank=True
    )
    refusal_reason = models.TextField(
        _("reason for refusing"),
        blank=True,
        max_length=REFUSAL_REASON_MAX_LENGTH,
        validators=[MaxLengthValidator(REFUSAL_REASON_MAX_LENGTH)],
    )

    store_field = "case__store"
    objects = StoreScopedQuerySet.as_manager()

    class Meta:
        db_table = "workflows_quotation"  # the table from before the app existed
        ordering = ["case", "number"]
        verbose_name = _("quotation")
        verbose_name_plural = _("quotations")
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="workflows_quotation_version"),
            models.UniqueConstraint(
                fields=["decision_nonce"],
                condition=~models.Q(decision_nonce=""),
                name="workflows_quotation_nonce",
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("refusal_reason"), REFUSAL_REASON_MAX_LENGTH),
                name="workflows_quotation_reason_length",
                violation_error_message=_("The reason for refusing is too long."),
            ),
        ]

    def __str__(self):
        return f"{self.case.reference} v{self.number}"

    @property
    def is_draft(self) -> bool:
        return self.status == QuotationStatus.DRAFT

    def validity_ended(self, *, now=None) -> bool:
        """Whether the valid-until date is past in the store's time zone (at ``now``, by default
        the present): from then on the customer can no longer accept it, whatever its status
        says until it is marked expired."""
        now = now or timezone.now()
        return now.astimezone(self.case.store.zoneinfo).date() > self.valid_until

    # Transitions change the quotation in memory; the services in aftersales.services save it.

    @transition(status, source=QuotationStatus.DRAFT, target=QuotationStatus.SENT)
    def send(self, *, at, nonce: str) -> None:
        """Sent to the customer, with the secret of their decision link."""
        self.sent_at = at
        self.decision_nonce = nonce

    @transition(status, source=QuotationStatus.SENT, target=QuotationStatus.ACCEPTED)
    def accept(self, *, at, name: str) -> None:
        """Accepted by the customer, who typed ``name`` as a signature."""
        self.decided_at = at
        self.decision_name = name[:PERSON_NAME_MAX_LENGTH]
        self.refusal_reason = ""

    @transition(status, source=QuotationStatus.SENT, target=QuotationStatus.REFUSED)
    def refuse(self, *, at, reason: str = "") -> None:
        """Refused by the customer, with their reason if they gave one."""
        self.decided_at = at
        self.decision_name = ""
        self.refusal_reason = reason

    @transition(
        status,
        source=[QuotationStatus.DRAFT, QuotationStatus.SENT, QuotationStatus.EXPIRED],
        target=QuotationStatus.SUPERSEDED,
    )
    def supersede(self) -> None:
        """Replaced by a newer version (a revision)."""

    @transition(status, source=QuotationStatus.SENT, target=QuotationStatus.EXPIRED)
    def expire(self) -> None:
        """Its validity ended before the customer answered."""


class QuotationLine(models.Model):
    quotation = models.ForeignKey(Quotation, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField()
    kind = models.CharField(_("kind"), max_length=10, choices=LineKind.choices)
    spare_part = models.ForeignKey(
        SparePart, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    service_item = models.ForeignKey(
        ServiceItem, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    code = models.CharField(_("code"), max_length=LINE_CODE_MAX_LENGTH, blank=True)
    description = models.CharField(_("description"), max_length=LINE_DESCRIPTION_MAX_LENGTH)
    quantity = models.DecimalField(
        _("quantity"),
        max_digits=10,
        decimal_places=3,
        validators=[MinValueValidator(0)],
    )
    unit_price = models.DecimalField(
        _("unit price"),
        max_digits=MONEY_DIGITS,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    discount_percent = models.DecimalField(
        _("discount %"),
        max_digits=5,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    tax_rate = models.DecimalField(
        _("tax rate %"),
        max_digits=5,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    net = models.DecimalField(_("amount"), max_digits=MONEY_DIGITS, decimal_places=2)

    class Meta:
        db_table = "workflows_quotationline"  # the table from before the app existed
        ordering = ["quotation", "position"]
        verbose_name = _("quotation line")
        verbose_name_plural = _("quotation lines")

    def __str__(self):
        return f"{self.quantity} x {self.description}"


# --- Invoices for light interventions -------------------------------------------------------------


class Invoice(models.Model):
    """An invoice for a light intervention, made from the quotation the customer accepted and
    identical to it (``aftersales.services.invoice_create`` refuses any difference). Numbered
    per store and year without gaps: ``INV-SEL-01-2026-000042``."""

    case = models.ForeignKey("workflows.Case", on_delete=models.PROTECT, related_name="invoices")
    quotation = models.OneToOneField(Quotation, on_delete=models.PROTECT, related_name="invoice")
    store = models.ForeignKey("stores.Store", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    number = models.PositiveIntegerField()
    reference = models.CharField(_("invoice number"), max_length=40, unique=True)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    subtotal = models.DecimalField(_("subtotal"), max_digits=MONEY_DIGITS, decimal_places=2)
    tax = models.DecimalField(_("tax"), max_digits=MONEY_DIGITS, decimal_places=2)
    total = models.DecimalField(_("total"), max_digits=MONEY_DIGITS, decimal_places=2)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(default=timezone.now)

    store_field = "store"
    objects = StoreScopedQuerySet.as_manager()

    class Meta:
        db_table = "workflows_invoice"  # the table from before the app existed
        ordering = ["store", "year", "number"]
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        constraints = [
            models.UniqueConstraint(
                fields=["store", "year", "number"], name="workflows_invoice_number"
            )
        ]

    def __str__(self):
        return self.reference


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField()
    code = models.CharField(_("code"), max_length=LINE_CODE_MAX_LENGTH, blank=True)
    description = models.CharField(_("description"), max_length=LINE_DESCRIPTION_MAX_LENGTH)
    quantity = models.DecimalField(_("quantity"), max_digits=10, decimal_places=3)
    unit_price = models.DecimalField(_("unit price"), max_digits=MONEY_DIGITS, decimal_places=2)
    discount_percent = models.DecimalField(_("discount %"), max_digits=5, decimal_places=2)
    tax_rate = models.DecimalField(_("tax rate %"), max_digits=5, decimal_places=2)
    net = models.DecimalField(_("amount"), max_digits=MONEY_DIGITS, decimal_places=2)

    class Meta:
        db_table = "workflows_invoiceline"  # the table from before the app existed
        ordering = ["invoice", "position"]
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")

    def __str__(self):
        return f"{self.quantity} x {self.description}"
