"""Invoices for light interventions, made from the quotation the customer accepted."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from aftersales.choices import LineKind, QuotationStatus
from aftersales.models import Invoice, InvoiceLine, Quotation
from aftersales.permissions import check_may_quote
from aftersales.pricing import LineAmounts, totals
from project.core.money import round_money
from project.stores.models import Store
from workflows.errors import InvalidInput

_COMPARED = ("code", "description", "quantity", "unit_price", "discount_percent", "tax_rate")


def invoice_create(
    *,
    quotation: Quotation,
    actor,
    lines: list[Mapping[str, Any]] | None = None,
    total=None,
) -> Invoice:
    """The invoice of an accepted quotation of light interventions only. ``lines`` (as the till
    would send them: code, description, quantity, unit_price, discount_percent, tax_rate) must
    be exactly the accepted ones, and ``total`` (when the till sends one) the accepted total;
    without them the accepted lines are invoiced. Any difference in the lines or the total is
    refused, naming it, and nothing is written."""
    case = quotation.case
    check_may_quote(case, actor)
    accepted = list(quotation.lines.select_related("service_item").order_by("position"))
    if quotation.status != QuotationStatus.ACCEPTED:
        raise InvalidInput(
            f"Version {quotation.number} is “{quotation.get_status_display()}”: only a quotation "
            "the customer accepted is invoiced."
        )
    heavy = [
        line.code
        for line in accepted
        if line.kind != LineKind.PART
        and not (line.service_item and line.service_item.light_intervention)
    ]
    if heavy:
        raise InvalidInput(
            "Only light interventions are invoiced here; not: " + ", ".join(heavy) + "."
        )
    if lines is not None or total is not None:
        _refuse_differences(quotation, accepted, lines, total)
    with transaction.atomic():
        if Invoice.objects.filter(quotation=quotation).exists():
            raise InvalidInput(f"Version {quotation.number} is already invoiced.")
        store = Store.objects.select_for_update().get(pk=case.store_id)  # numbers in turn
        year = timezone.now().astimezone(store.zoneinfo).year
        number = (
            Invoice.objects.filter(store=store, year=year).aggregate(last=Max("number"))["last"]
            or 0
        ) + 1
        invoice = Invoice.objects.create(
            case=case,
            quotation=quotation,
            store=store,
            year=year,
            number=number,
            reference=f"INV-{store.code}-{year}-{number:06d}",
            currency=quotation.currency,
            subtotal=quotation.subtotal,
            tax=quotation.tax,
            total=quotation.total,
            issued_by=actor,
        )
        InvoiceLine.objects.bulk_create(
            InvoiceLine(
                invoice=invoice,
                position=line.position,
                net=line.net,
                **{name: getattr(line, name) for name in _COMPARED},
            )
            for line in accepted
        )
    return invoice


def _refuse_differences(quotation: Quotation, accepted: list, lines, total) -> None:
    problems = []
    if lines is None:
        lines = [{name: getattr(line, name) for name in _COMPARED} for line in accepted]
    if total is not None and _decimal_or_zero(total) != quotation.total:
        problems.append(
            f"the total is {total}, the customer accepted "
            f"{round_money(quotation.total, quotation.currency)}."
        )
    if len(lines) != len(accepted):
        problems.append(
            f"the customer accepted {len(accepted)} lines, the invoice has {len(lines)}."
        )
    for position, (given, line) in enumerate(zip(lines, accepted, strict=False), start=1):
        for name in _COMPARED:
            expected = getattr(line, name)
            value = given.get(name, "" if name in ("code", "description") else None)
            if isinstance(expected, Decimal):
                try:
                    same = value is not None and Decimal(str(value)) == expected
                except InvalidOperation:
                    same = False
            else:
                same = str(value or "") == expected
            if not same:
                problems.append(
                    f"line {position} {name} is “{value}”, the customer accepted “{expected}”."
                )
    given_total = totals(
        (
            LineAmounts(
                _decimal_or_zero(g.get("quantity")),
                _decimal_or_zero(g.get("unit_price")),
                _decimal_or_zero(g.get("discount_percent")),
                _decimal_or_zero(g.get("tax_rate")),
            )
            for g in lines
        ),
        quotation.currency,
    ).total
    if given_total != quotation.total and not problems:
        problems.append(
            f"the total is {given_total}, the customer accepted "
            f"{round_money(quotation.total, quotation.currency)}."
        )
    if problems:
        raise InvalidInput(
            f"This invoice differs from version {quotation.number} the customer accepted: "
            + " ".join(problems),
            field_errors={"lines": problems},
        )


def _decimal_or_zero(value) -> Decimal:
    try:
        return Decimal(str(value)) if value not in (None, "") else Decimal(0)
    except InvalidOperation:
        return Decimal(0)
