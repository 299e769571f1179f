"""Quotation services: create, change while a draft, revise into a new version, send, expire.

A line is a dict: ``part`` or ``service`` (a catalogue object or its part number / code; the unit
price is its price in the quotation's currency and the description the one in the customer's
language, unless given) or a free ``description`` with a ``unit_price``; then ``quantity``
(default 1), ``discount_percent`` and ``tax_rate`` (default 0). Numbers may be given as text.
Bad lines raise ``InvalidInput`` naming each line and field, and change nothing. Amounts are
computed by ``workflows.money``, never typed.
"""

from __future__ import annotations

import contextlib
import datetime
import secrets
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext

from project.stores.choices import Currency
from project.stores.models import Store
from workflows.errors import InvalidInput, TransitionRefused, WorkflowError
from workflows.models import Case
from workflows.money import LineAmounts, currency_decimals, round_money, totals
from workflows.quotation_models import (
    Invoice,
    InvoiceLine,
    LineKind,
    Quotation,
    QuotationLine,
    QuotationStatus,
    ServiceItem,
    SparePart,
)
from workflows.services import case_transition, may_act_on


def quotation_create(
    *,
    case: Case,
    actor,
    lines: Iterable[Mapping[str, Any]],
    currency: str | None = None,
    valid_until: datetime.date | None = None,
) -> Quotation:
    """A new draft version of ``case``'s quotation (version 1, or the next one)."""
    _check_actor(case, actor)
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
    _check_actor(quotation.case, actor)
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
    _check_actor(quotation.case, actor)
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
        Quotation.objects.filter(case=quotation.case, number__lt=revised.number).exclude(
            status__in=[QuotationStatus.ACCEPTED, QuotationStatus.REFUSED]
        ).update(status=QuotationStatus.SUPERSEDED)
    return revised


def quotation_send(*, quotation: Quotation, actor, now=None) -> Quotation:
    """Mark the latest draft as sent to the customer and, when the case is in a source state of
    the transition the process fires on sending (``quotation_send_transition``), fire it as
    ``actor`` in the same transaction: all or nothing. When that transition is refused, the
    send is refused saying why, and nothing changes."""
    _check_actor(quotation.case, actor)
    now = now or timezone.now()
    with transaction.atomic():
        locked = Quotation.objects.select_for_update().get(pk=quotation.pk)
        if not locked.is_draft:
            raise InvalidInput(
                f"Version {locked.number} is “{locked.get_status_display()}”: only a draft is sent."
            )
        locked.status = QuotationStatus.SENT
        locked.sent_at = now
        locked.decision_nonce = secrets.token_urlsafe(32)
        locked.save(update_fields=["status", "sent_at", "decision_nonce"])
        _fire_send_transition(locked, actor, now)
        transaction.on_commit(lambda: _email_quotation(locked), robust=True)
    return locked


def _fire_send_transition(quotation: Quotation, actor, now) -> None:
    """Move the case on as the process says sending a quotation does (e.g. the care file's
    "quotation in preparation" to "quotation sent"); nothing when the process names no such
    transition or the case is not in one of its sources (a revision sent while the case
    already waits for the customer)."""
    case = quotation.case
    code = case.definition.quotation_send_transition
    transition = case.definition.transition(code) if code else None
    if transition is None or case.state not in transition.sources:
        return
    try:
        case_transition(
            case=case,
            transition=code,
            actor=actor,
            comment=f"Quotation v{quotation.number} sent to the customer.",
            now=now,
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
        if quotation.valid_until >= now.astimezone(quotation.case.store.zoneinfo).date():
            continue
        # Only while still sent: a decision recorded meanwhile stands.
        if Quotation.objects.filter(pk=quotation.pk, status=QuotationStatus.SENT).update(
            status=QuotationStatus.EXPIRED
        ):
            quotation.status = QuotationStatus.EXPIRED
            expired.append(quotation)
    return expired


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


def decision_url(quotation: Quotation) -> str:
    """The absolute address of the customer's decision page for a sent quotation."""
    return settings.ATELIER_BASE_URL.rstrip("/") + reverse(
        "quotation_decision", args=[decision_token(quotation)]
    )


def _email_quotation(quotation: Quotation) -> None:
    """The link to the decision page, in the customer's language, when they gave an address."""
    from workflows.tasks import send_case_email

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
    send_case_email(to=case.customer_email, subject=subject, body=body)


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


# --- The customer's decision ----------------------------------------------------------------------

DECISION_SALT = "atelier.workflows.quotation-decision"


class DecisionRefused(InvalidInput):
    """The decision cannot be taken. ``reason``: invalid (a forged or unknown link), superseded
    (a newer version was sent), decided (already answered), not_sent, expired, no_decision (the
    process takes none), case_moved (the case is no longer waiting for it), name (acceptance
    without a typed name)."""

    def __init__(self, message: str, *, reason: str, field_errors: dict | None = None):
        super().__init__(message, field_errors=field_errors)
        self.reason = reason


def decision_token(quotation: Quotation) -> str:
    """The signed secret of the customer's link for a sent quotation."""
    if not quotation.decision_nonce:
        raise ValueError("Only a sent quotation has a decision link.")
    # No timestamp in it: the same quotation always has the same link (it expires with the
    # quotation's validity, checked on every use).
    return signing.Signer(salt=DECISION_SALT).sign_object(quotation.decision_nonce)


def quotation_for_token(token: str) -> Quotation:
    """The quotation of a decision link, or DecisionRefused("invalid") for anything forged,
    altered or unknown: a link never shows another quotation than its own."""
    try:
        nonce = signing.Signer(salt=DECISION_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError):  # a forged signature, or garbage around one
        nonce = None
    quotation = (
        Quotation.objects.select_related("case__store", "case__version", "case__process")
        .filter(decision_nonce=nonce)
        .first()
        if isinstance(nonce, str) and nonce
        else None
    )
    if quotation is None:
        raise DecisionRefused(
            gettext(
                "This link is not valid. Please use the link of the latest e-mail, or contact "
                "the store."
            ),
            reason="invalid",
        )
    return quotation


def decision_problem(quotation: Quotation, *, today: datetime.date | None = None):
    """Why the customer cannot decide on ``quotation`` now, as a DecisionRefused, or None (in
    the active language: the decision page shows it to the customer)."""
    case = quotation.case
    if quotation.status == QuotationStatus.SUPERSEDED:
        return DecisionRefused(
            gettext(
                "This quotation was replaced by a newer version: please use the link of the "
                "latest e-mail."
            ),
            reason="superseded",
        )
    if quotation.status == QuotationStatus.ACCEPTED:
        return DecisionRefused(
            gettext("This quotation was already answered: it was accepted."), reason="decided"
        )
    if quotation.status == QuotationStatus.REFUSED:
        return DecisionRefused(
            gettext("This quotation was already answered: it was refused."), reason="decided"
        )
    if quotation.status not in (QuotationStatus.SENT, QuotationStatus.EXPIRED):
        return DecisionRefused(
            gettext("This quotation is not open for a decision."), reason="not_sent"
        )
    today = today or timezone.now().astimezone(case.store.zoneinfo).date()
    if quotation.status == QuotationStatus.EXPIRED or today > quotation.valid_until:
        return DecisionRefused(
            gettext(
                "This quotation was valid until %(date)s. Please contact %(store)s for a new one."
            )
            % {
                "date": formats.date_format(quotation.valid_until, "DATE_FORMAT"),
                "store": case.store.name,
            },
            reason="expired",
        )
    return None


def quotation_decide(
    *,
    quotation: Quotation,
    accept: bool,
    actor,
    name: str = "",
    reason: str = "",
    channel: str = "online",
) -> Quotation:
    """Record the customer's acceptance (with their typed name) or refusal (with an optional
    reason) of a sent quotation, and fire the case transition the process names for it, all
    or nothing. ``actor``: ``public_web_user()`` for the decision page, the staff member for a
    decision given at the counter (``channel="counter"``)."""
    name, reason = name.strip(), reason.strip()
    if accept and not name:
        message = gettext("Type your full name to accept.")
        raise DecisionRefused(message, reason="name", field_errors={"name": [message]})
    with transaction.atomic():
        locked = (
            Quotation.objects.select_for_update(of=("self",))
            .select_related("case__store", "case__version")
            .get(pk=quotation.pk)
        )
        problem = decision_problem(locked)
        if problem is not None:
            raise problem
        definition = locked.case.definition
        code = (
            definition.quotation_accept_transition
            if accept
            else definition.quotation_refuse_transition
        )
        if not code:
            raise DecisionRefused(
                f"{locked.case.process} takes no quotation decisions.", reason="no_decision"
            )
        locked.status = QuotationStatus.ACCEPTED if accept else QuotationStatus.REFUSED
        locked.decided_at = timezone.now()
        locked.decision_name = name[:200]
        locked.refusal_reason = "" if accept else reason
        locked.save(update_fields=["status", "decided_at", "decision_name", "refusal_reason"])
        where = "at the counter" if channel == "counter" else "online"
        if accept:
            comment = f"Quotation v{locked.number} accepted {where}, signed “{name}”."
        else:
            comment = f"Quotation v{locked.number} refused {where}." + (
                f" Reason: {reason}" if reason else ""
            )
        try:
            case_transition(case=locked.case, transition=code, actor=actor, comment=comment)
        except TransitionRefused as exc:
            message = gettext(
                "%(reference)s is no longer waiting for this decision. Please contact %(store)s."
            ) % {"reference": locked.case.reference, "store": locked.case.store.name}
            if channel == "counter":  # staff are told why; the customer needs no process details
                message += f" ({exc.message})"
            raise DecisionRefused(message, reason="case_moved") from exc
    return locked


# --- Lines ----------------------------------------------------------------------------------------


def _check_actor(case: Case, actor) -> None:
    if not may_act_on(case, actor):
        raise InvalidInput(
            f"You can look at {case.reference} but not quote it: that needs a role that works on "
            f"cases and membership of {case.store.name}."
        )


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
        code=(part.part_number if part else service.code if service else line.get("code", ""))[:40],
        description=description[:255],
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


# --- Invoices for light interventions -------------------------------------------------------------

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
    _check_actor(case, actor)
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
