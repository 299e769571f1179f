"""Quotation services: create, change while a draft, revise into a new version, send, expire.

A line is a dict: ``part`` or ``service`` (a catalogue object or its part number / code; the unit
price is its price in the quotation's currency and the description the one in the customer's
language, unless given) or a free ``description`` with a ``unit_price``; then ``quantity``
(default 1), ``discount_percent`` and ``tax_rate`` (default 0). Numbers may be given as text.
Bad lines raise ``InvalidInput`` naming each line and field, and change nothing. Amounts are
computed by ``aftersales.pricing``, never typed.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import formats, timezone, translation
from django.utils.translation import gettext

from aftersales.choices import LineKind, QuotationStatus
from aftersales.formatting import amount_text
from aftersales.models import Quotation, QuotationLine, ServiceItem, SparePart
from aftersales.permissions import check_may_quote
from aftersales.pricing import LineAmounts, totals
from aftersales.services.decisions import decision_url, quotation_expire
from aftersales.triggers import QUOTATION_SENT
from project.core.limits import (
    LINE_CODE_MAX_LENGTH,
    LINE_DESCRIPTION_MAX_LENGTH,
    QUOTATION_VALIDITY_MAX_DAYS,
    length_problem,
)
from project.core.money import currency_decimals, round_money
from project.core.tasks import send_email
from project.stores.choices import Currency
from workflows.errors import InvalidInput, WorkflowError
from workflows.models import Case
from workflows.services import case_fire_trigger


def quotation_create(
    *,
    case: Case,
    actor,
    lines: Iterable[Mapping[str, Any]],
    currency: str | None = None,
    valid_until: datetime.date | None = None,
) -> Quotation:
    """A new draft version of ``case``'s quotation (version 1, or the next one)."""
    check_may_quote(case, actor)
    if case.is_closed:
        raise InvalidInput(f"{case.reference} is closed: it takes no more quotations.")
    currency = currency or case.store.currency
    if currency not in Currency.values:
        raise InvalidInput(
            f"“{currency}” is not a currency Atelier quotes in.",
            field_errors={"currency": [f"Choose one of {', '.join(Currency.values)}."]},
        )
    valid_until = _valid_until(case, valid_until) or _default_valid_until(case)
    prepared = _prepare_lines(case, list(lines), currency)
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)  # versions are numbered in turn
        number = (locked.quotations.aggregate(last=Max("number"))["last"] or 0) + 1
        quotation = Quotation(
            case=locked,
            number=number,
            currency=currency,
            valid_until=valid_until,
            created_by=actor,
        )
        _save_with_lines(quotation, prepared)
    return quotation


def quotation_update(
    *,
    quotation: Quotation,
    actor,
    lines: Iterable[Mapping[str, Any]],
    valid_until: datetime.date | None = None,
) -> Quotation:
    """Replace the lines (and the validity) of a draft; anything else is a revision."""
    check_may_quote(quotation.case, actor)
    valid_until = _valid_until(quotation.case, valid_until)
    prepared = _prepare_lines(quotation.case, list(lines), quotation.currency)
    with transaction.atomic():
        locked = Quotation.objects.select_for_update().get(pk=quotation.pk)
        if not locked.is_draft:
            raise InvalidInput(
                f"Version {locked.number} of the quotation of {locked.case.reference} is "
                f"“{locked.get_status_display()}” and no longer changes: revise it instead."
            )
        locked.lines.all().delete()
        if valid_until is not None:
            locked.valid_until = valid_until
        _save_with_lines(locked, prepared)
    return locked


def quotation_revise(
    *,
    quotation: Quotation,
    actor,
    lines: Iterable[Mapping[str, Any]] | None = None,
    valid_until: datetime.date | None = None,
) -> Quotation:
    """The next version of the quotation, with ``lines`` (by default a copy of the current
    ones); the revised version is marked superseded. An accepted quotation is not revised."""
    check_may_quote(quotation.case, actor)
    if quotation.status == QuotationStatus.ACCEPTED:
        raise InvalidInput(
            f"Version {quotation.number} was accepted by the customer and is not revised."
        )
    if lines is None:
        lines = [_line_as_input(line) for line in quotation.lines.all()]
    with transaction.atomic():
        revised = quotation_create(
            case=quotation.case,
            actor=actor,
            lines=lines,
            currency=quotation.currency,
            valid_until=valid_until,
        )
        earlier = Quotation.objects.select_for_update().filter(
            case=quotation.case,
            number__lt=revised.number,
            status__in=[QuotationStatus.DRAFT, QuotationStatus.SENT, QuotationStatus.EXPIRED],
        )
        for version in earlier:
            version.supersede()
            version.save(update_fields=["status"])
    return revised


def quotation_send(*, quotation: Quotation, actor, now=None) -> Quotation:
    """Mark the latest draft as sent to the customer and, when the case is in a source state of
    the transition the process maps to ``quotation.sent`` (its triggers), fire it as
    ``actor`` in the same transaction: all or nothing. When that transition is refused, the
    send is refused saying why, and nothing changes."""
    check_may_quote(quotation.case, actor)
    now = now or timezone.now()
    with transaction.atomic():
        locked = Quotation.objects.select_for_update().get(pk=quotation.pk)
        if not locked.is_draft:
            raise InvalidInput(
                f"Version {locked.number} is “{locked.get_status_display()}”: only a draft is sent."
            )
        locked.send(at=now, nonce=secrets.token_urlsafe(32))
        locked.save(update_fields=["status", "sent_at", "decision_nonce"])
        _fire_send_transition(locked, actor, now)
        transaction.on_commit(lambda: _email_quotation(locked), robust=True)
    return locked


def _fire_send_transition(quotation: Quotation, actor, now) -> None:
    """Move the case on as the process says sending a quotation does (e.g. the care file's
    "quotation in preparation" to "quotation sent"); nothing when the process maps no
    transition to ``quotation.sent`` or the case is not in one of its sources (a revision sent
    while the case already waits for the customer)."""
    try:
        case_fire_trigger(
            case=quotation.case,
            event=QUOTATION_SENT,
            actor=actor,
            comment=f"Quotation v{quotation.number} sent to the customer.",
            now=now,
            only_from_sources=True,
        )
    except WorkflowError as exc:
        raise InvalidInput(
            f"Version {quotation.number} was not sent: {exc.message}",
            field_errors=exc.field_errors,
        ) from exc


def quotations_expire(*, now: datetime.datetime | None = None) -> list[Quotation]:
    """Mark "expired" every sent quotation whose validity has ended (its valid-until date is
    past in its store's time zone), so that the case page and the decision page say so. The
    periodic task runs it after the automatic transitions, which read the quotation while it is
    still "sent" (the care file's "no answer"). Returns the quotations it marked."""
    now = now or timezone.now()
    # No store's today is more than a day after UTC's: the candidates, then each store's today.
    horizon = now.astimezone(datetime.UTC).date() + datetime.timedelta(days=1)
    candidates = Quotation.objects.filter(
        status=QuotationStatus.SENT, valid_until__lt=horizon
    ).select_related("case__store")
    expired = []
    for quotation in candidates:
        marked = quotation_expire(quotation=quotation, now=now)
        if marked is not None:
            expired.append(marked)
    return expired


def _email_quotation(quotation: Quotation) -> None:
    """The link to the decision page, in the customer's language, when they gave an address."""
    case = quotation.case
    if not case.customer_email:
        return
    language = case.customer_language or (case.store.languages or ["en"])[0]
    with translation.override(language):
        subject = gettext("Your quotation for %(reference)s") % {"reference": case.reference}
        body = gettext(
            "Hello %(name)s,\n\nThe quotation for your %(store)s repair %(reference)s is ready: "
            "%(total)s %(currency)s, valid until %(date)s.\n\nSee it and give us your answer "
            "here:\n%(url)s\n\n%(store)s"
        ) % {
            "name": case.customer_name,
            "store": case.store.name,
            "reference": case.reference,
            "total": amount_text(quotation.total, quotation.currency),
            "currency": quotation.currency,
            "date": formats.date_format(quotation.valid_until, "DATE_FORMAT"),
            "url": decision_url(quotation),
        }
    send_email(to=case.customer_email, subject=subject, body=body)


def lines_from_case_data(case: Case, *, tax_rate: Decimal = Decimal(0)) -> list[dict]:
    """Quotation lines from the line items the case's forms collected (e.g. the diagnosis's
    "service items and parts"): a code of the catalogue quotes that service or part, at the
    price the workshop wrote; any other row is quoted as written."""
    lines = []
    for value in case.data.values():
        if not (isinstance(value, Mapping) and isinstance(value.get("rows"), list)):
            continue
        for row in value["rows"]:
            line: dict[str, Any] = {
                "description": row.get("description") or "",
                "quantity": row.get("quantity") or "1",
                "unit_price": row.get("unit_price"),
                "tax_rate": tax_rate,
            }
            code = (row.get("code") or "").strip()
            if code and ServiceItem.objects.filter(code=code).exists():
                line["service"] = code
            elif code and SparePart.objects.filter(part_number=code).exists():
                line["part"] = code
            else:
                line["code"] = code
            lines.append(line)
    return lines


def _store_today(case: Case) -> datetime.date:
    return timezone.now().astimezone(case.store.zoneinfo).date()


def _default_valid_until(case: Case) -> datetime.date:
    return _store_today(case) + datetime.timedelta(days=settings.QUOTATION_VALID_DAYS)


def _valid_until(case: Case, value) -> datetime.date | None:
    """``value`` when it is a date from today on (in the store's time zone), None when not
    given; a quotation the customer could never accept is refused."""
    if value is None:
        return None
    if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
        raise InvalidInput(
            f"valid_until “{value}” is not a date.",
            field_errors={"valid_until": ["Enter a date."]},
        )
    today = _store_today(case)
    if value < today:
        raise InvalidInput(
            f"A quotation cannot be valid until {value:%Y-%m-%d}: that day has passed in "
            f"{case.store.name}.",
            field_errors={"valid_until": [f"Choose {today:%Y-%m-%d} or later."]},
        )
    latest = today + datetime.timedelta(days=QUOTATION_VALIDITY_MAX_DAYS)
    if value > latest:
        message = gettext(
            "A quotation stays valid for at most %(days)d days: choose %(latest)s or earlier."
        ) % {"days": QUOTATION_VALIDITY_MAX_DAYS, "latest": latest.isoformat()}
        raise InvalidInput(message, field_errors={"valid_until": [message]})
    return value


def _column_limit(model, name: str) -> Decimal:
    """The first amount a DecimalField column can no longer store (10 ** its integer digits):
    refused as input rather than failing in the database."""
    field = model._meta.get_field(name)
    return Decimal(10) ** (field.max_digits - field.decimal_places)


_LINE_KEYS = {"part", "service", "description", "quantity", "unit_price", "discount_percent"}
_LINE_KEYS |= {"tax_rate", "code"}


def _prepare_lines(case: Case, lines: list, currency: str) -> list[QuotationLine]:
    """Unsaved lines with their amounts, or InvalidInput listing every problem."""
    if not lines:
        raise InvalidInput("A quotation needs at least one line.")
    errors: list[str] = []
    prepared = []
    for position, line in enumerate(lines, start=1):
        problems: list[str] = []
        if isinstance(line, Mapping):
            built = _prepare_line(case, line, currency, position, problems)
        else:
            problems.append(
                "give the line as fields (part, service or description; quantity, unit_price, "
                "discount_percent, tax_rate)."
            )
            built = None
        errors += [f"Line {position}: {problem}" for problem in problems]
        prepared.append(built)
    if errors:
        raise InvalidInput(
            "The quotation has errors: " + " ".join(errors),
            field_errors={"lines": errors},
        )
    return prepared


def _prepare_line(case, line, currency, position, problems) -> QuotationLine | None:
    unknown = sorted(set(line) - _LINE_KEYS)
    if unknown:
        problems.append(f"unknown field {', '.join(unknown)}.")
    part = _catalogue_entry(SparePart, "part_number", line.get("part"), "part", problems)
    service = _catalogue_entry(ServiceItem, "code", line.get("service"), "service", problems)
    if part and service:
        problems.append("choose a part or a service, not both.")
    entry = part or service
    language = case.customer_language or "en"
    description = str(line.get("description") or "").strip()
    if entry is not None:
        description = description or entry.description_in(language)
    elif not description and not (line.get("part") or line.get("service")):
        problems.append("choose a part or a service, or describe the line.")

    quantity = _number(line, "quantity", Decimal(1), problems)
    discount = _number(line, "discount_percent", Decimal(0), problems)
    tax_rate = _number(line, "tax_rate", Decimal(0), problems)
    unit_price = _number(line, "unit_price", None, problems)
    if unit_price is None and entry is not None:
        unit_price = entry.price_in(currency)
        if unit_price is None:
            label = "part" if part else "service"
            code = part.part_number if part else service.code
            problems.append(f"{label} “{code}” has no price in {currency}.")
    elif line.get("unit_price") in (None, "") and entry is None and description:
        problems.append("unit_price is missing.")

    code = part.part_number if part else service.code if service else str(line.get("code") or "")
    for name, value, limit in (
        ("code", code, LINE_CODE_MAX_LENGTH),
        ("description", description, LINE_DESCRIPTION_MAX_LENGTH),
    ):
        problem = length_problem(name, value, limit)
        if problem:
            problems.append(problem)
    if quantity is not None and quantity <= 0:
        problems.append("quantity must be more than 0.")
    for name, value in (("quantity", quantity), ("unit_price", unit_price)):
        limit = _column_limit(QuotationLine, name)
        if value is not None and value >= limit:
            problems.append(f"{name} must be less than {limit:f}.")
    for name, value in (("discount_percent", discount), ("tax_rate", tax_rate)):
        if value is not None and not Decimal(0) <= value <= Decimal(100):
            problems.append(f"{name} must be between 0 and 100.")
    # As many decimals as the columns keep, so that what is stored adds up to the totals.
    for name, value, places in (
        ("quantity", quantity, 3),
        ("discount_percent", discount, 2),
        ("tax_rate", tax_rate, 2),
    ):
        if value is not None and value != value.quantize(Decimal(1).scaleb(-places)):
            problems.append(f"{name} has at most {places} decimals.")
    if unit_price is not None:
        if unit_price < 0:
            problems.append("unit_price cannot be negative.")
        elif unit_price != round_money(unit_price, currency):
            decimals = currency_decimals(currency)
            problems.append(
                f"{currency} prices have no decimals."
                if decimals == 0
                else f"{currency} prices have at most {decimals} decimals."
            )
    if problems:
        return None
    return QuotationLine(
        position=position,
        kind=LineKind.PART if part else LineKind.SERVICE if service else LineKind.OTHER,
        spare_part=part,
        service_item=service,
        code=code,
        description=description,
        quantity=quantity,
        unit_price=unit_price,
        discount_percent=discount,
        tax_rate=tax_rate,
    )


def _catalogue_entry(model, key: str, value, label: str, problems):
    if value in (None, ""):
        return None
    # Read afresh (with its texts and prices), even when given as an object: what is quoted is
    # what the catalogue says now.
    lookup = {"pk": value.pk} if isinstance(value, model) else {key: value}
    entry = model.objects.prefetch_related("texts", "prices").filter(**lookup).first()
    if entry is None:
        problems.append(f"there is no {label} “{value}”.")
        return None
    if not entry.active:
        problems.append(f"{label} “{getattr(entry, key)}” is no longer active.")
        return None
    return entry


def _number(line: Mapping, name: str, default, problems) -> Decimal | None:
    value = line.get(name)
    if value in (None, ""):
        return default
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        problems.append(f"{name} “{value}” is not a number.")
        return None
    if not number.is_finite():
        problems.append(f"{name} “{value}” is not a number.")
        return None
    return number


def _save_with_lines(quotation: Quotation, lines: list[QuotationLine]) -> None:
    amounts = totals(
        (LineAmounts(ln.quantity, ln.unit_price, ln.discount_percent, ln.tax_rate) for ln in lines),
        quotation.currency,
    )
    limit = _column_limit(Quotation, "total")
    if amounts.total >= limit:
        raise InvalidInput(
            f"The total {amounts.total} {quotation.currency} is too large: a quotation stays "
            f"below {limit:f}.",
            field_errors={"lines": [f"The total must be less than {limit:f}."]},
        )
    quotation.subtotal, quotation.tax, quotation.total = (
        amounts.subtotal,
        amounts.tax,
        amounts.total,
    )
    quotation.save()
    for line, net in zip(lines, amounts.nets, strict=True):
        line.quotation = quotation
        line.net = net
    QuotationLine.objects.bulk_create(lines)


def _line_as_input(line: QuotationLine) -> dict:
    return {
        "part": line.spare_part,
        "service": line.service_item,
        "code": line.code,
        "description": line.description,
        "quantity": line.quantity,
        "unit_price": line.unit_price,
        "discount_percent": line.discount_percent,
        "tax_rate": line.tax_rate,
    }
