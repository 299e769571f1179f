"""The customer's decision on a sent quotation: the signed link, what stands in its way (its
validity, checked on every use of the link, which marks it expired once it has ended), and
recording it (online or at the counter), which fires the process's trigger for it."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext

from aftersales.choices import QuotationStatus
from aftersales.models import Quotation
from aftersales.permissions import check_may_quote
from aftersales.triggers import QUOTATION_ACCEPTED, QUOTATION_REFUSED
from project.core.limits import PERSON_NAME_MAX_LENGTH, REFUSAL_REASON_MAX_LENGTH, length_problem
from workflows.errors import InvalidInput, TransitionRefused
from workflows.services import case_fire_trigger


def decision_url(quotation: Quotation) -> str:
    """The absolute address of the customer's decision page for a sent quotation."""
    return settings.ATELIER_BASE_URL.rstrip("/") + reverse(
        "quotation_decision", args=[decision_token(quotation)]
    )


# Kept from before the app existed: links already e-mailed stay valid.
DECISION_SALT = "atelier.workflows.quotation-decision"


class DecisionRefused(InvalidInput):
    """The decision cannot be taken. ``reason``: invalid (a forged or unknown link), superseded
    (a newer version was sent), decided (already answered), not_sent, expired, no_decision (the
    process takes none), case_moved (the case is no longer waiting for it), name (acceptance
    without a typed name), too_long (a name or reason longer than a quotation keeps)."""

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


def quotation_expire(
    *, quotation: Quotation, now: datetime.datetime | None = None
) -> Quotation | None:
    """Mark ``quotation`` "expired" when it is still sent and its validity has ended; returns it
    when this call marked it, else None (still valid, already answered, replaced or expired).

    The customer's link calls it on every use, so that a quotation past its validity is expired
    at once rather than at the next periodic run; it is safe from any request: it changes only
    what is already due, and the row is locked and read again first, so a decision recorded
    meanwhile stands and two callers at once mark it once. No actor: nobody decides an expiry,
    the calendar does (the periodic task calls it too)."""
    now = now or timezone.now()
    if quotation.status != QuotationStatus.SENT or not quotation.validity_ended(now=now):
        return None
    with transaction.atomic():
        locked = (
            Quotation.objects.select_for_update(of=("self",))
            .select_related("case__store")
            .filter(pk=quotation.pk)
            .first()
        )
        if (
            locked is None
            or locked.status != QuotationStatus.SENT
            or not locked.validity_ended(now=now)  # the date may have been moved meanwhile
        ):
            return None
        locked.expire()
        locked.save(update_fields=["status"])
    return locked


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
    if channel == "counter":  # online, the signed link is the customer's authority
        check_may_quote(quotation.case, actor)
    name, reason = name.strip(), reason.strip()
    if accept and not name:
        message = gettext("Type your full name to accept.")
        raise DecisionRefused(message, reason="name", field_errors={"name": [message]})
    for field, label, value, limit in (
        ("name", gettext("name typed as signature"), name, PERSON_NAME_MAX_LENGTH),
        ("reason", gettext("Reason for refusing"), reason, REFUSAL_REASON_MAX_LENGTH),
    ):
        overlong = length_problem(label, value, limit)
        if overlong:
            raise DecisionRefused(overlong, reason="too_long", field_errors={field: [overlong]})
    # Past its validity but not yet marked: marked now, in its own transaction, so that it stays
    # marked although the decision below is refused.
    quotation_expire(quotation=quotation)
    with transaction.atomic():
        locked = (
            Quotation.objects.select_for_update(of=("self",))
            .select_related("case__store", "case__version")
            .get(pk=quotation.pk)
        )
        problem = decision_problem(locked)
        if problem is not None:
            raise problem
        now = timezone.now()
        if accept:
            locked.accept(at=now, name=name)
        else:
            locked.refuse(at=now, reason=reason)
        locked.save(update_fields=["status", "decided_at", "decision_name", "refusal_reason"])
        where = "at the counter" if channel == "counter" else "online"
        if accept:
            comment = f"Quotation v{locked.number} accepted {where}, signed “{name}”."
        else:
            comment = f"Quotation v{locked.number} refused {where}." + (
                f" Reason: {reason}" if reason else ""
            )
        event = QUOTATION_ACCEPTED if accept else QUOTATION_REFUSED
        try:
            fired = case_fire_trigger(case=locked.case, event=event, actor=actor, comment=comment)
        except TransitionRefused as exc:
            message = gettext(
                "%(reference)s is no longer waiting for this decision. Please contact %(store)s."
            ) % {"reference": locked.case.reference, "store": locked.case.store.name}
            if channel == "counter":  # staff are told why; the customer needs no process details
                message += f" ({exc.message})"
            raise DecisionRefused(message, reason="case_moved") from exc
        if fired is None:
            raise DecisionRefused(
                f"{locked.case.process} takes no quotation decisions.", reason="no_decision"
            )
    return locked
