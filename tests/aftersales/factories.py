"""Builders for the after-sales tests: the shipped processes published as the loader publishes
them, the cases they open as staff would open them, and the steps that walk a case."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from aftersales.services import decision_token, quotation_create, quotation_send
from tests.factories import UserFactory
from tests.forms.samples import PNG, data_url, drawing
from workflows.errors import TransitionRefused
from workflows.models import Process
from workflows.services import available_transitions, case_open, case_transition
from workflows.shipped import SHIPPED_DIR, load_process_file

SIGNATURE = data_url(drawing())

# The care file's diagnosis step: findings and one line, the complete service.
DIAGNOSIS = {
    "findings_for_the_customer": "The mainspring is broken and the crystal is scratched.",
    "service_items_and_parts-0-code": "SRV-COMPLETE",
    "service_items_and_parts-0-description": "Complete service",
    "service_items_and_parts-0-quantity": "1",
    "service_items_and_parts-0-unit_price": "450000",
}


# --- The shipped processes ------------------------------------------------------------------------


def shipped_process(code: str, *, actor=None) -> Process:
    """The shipped process ``code``, loaded from fixtures/processes/ (``care-file`` from
    care_file.toml) and published by ``actor``, a superuser unless given."""
    file_name = f"{code.replace('-', '_')}.toml"
    load_process_file(SHIPPED_DIR / file_name, actor=actor or UserFactory(is_superuser=True))
    return Process.objects.get(code=code)


def photos():
    return {
        f"photos_{side}": SimpleUploadedFile(f"{side}.png", PNG, content_type="image/png")
        for side in ("front", "back", "serial_number")
    }


def open_care_file(process, store, staff, warranty="Out of warranty"):
    """A care file opened at the counter of ``store``: condition report, photos, signature."""
    return case_open(
        process=process,
        store=store,
        actor=staff,
        customer={"name": "Ji-woo Lee", "phone": "+82 2 3456 7890", "language": "ko"},
        data={
            "product": "Santos de Cartier",
            "serial_number": "SA-20931",
            "warranty_status": warranty,
            "condition_report": "Scratch on the bezel; the crown does not wind.",
            "customer_signature": SIGNATURE,
        },
        files=photos(),
    )


def quoted_care_file(process, store, staff, service, customer_name="Ji-woo Lee"):
    """A care file diagnosed and quoted ``service`` (10 % tax), the quotation sent: the case
    waits for the customer's decision. Returns the case and the sent quotation."""
    case = open_care_file(process, store, staff)
    case.customer_name = customer_name
    case.save(update_fields=["customer_name"])
    move(case, "send_to_diagnosis", staff)
    move(case, "record_diagnosis", staff, data=DIAGNOSIS)
    quotation = quotation_create(
        case=case, actor=staff, lines=[{"service": service, "tax_rate": "10"}]
    )
    return case, quotation_send(quotation=quotation, actor=staff)


def request_exception(process, store, actor, amount="300", currency="USD"):
    """A price exception (a discount on a display item) requested by ``actor``."""
    return case_open(
        process=process,
        store=store,
        actor=actor,
        data={
            "kind_of_exception": "Discount",
            "reason": "Display item",
            "sale_reference": "POS-2026-0042",
            "sale_amount_amount": "4200",
            "sale_amount_currency": currency,
            "amount_amount": amount,
            "amount_currency": currency,
        },
    )


def decision_path(quotation) -> str:
    """The path of the customer's decision link of ``quotation``."""
    return f"/quotation/{decision_token(quotation)}/"


# --- Walking a case -------------------------------------------------------------------------------


def move(case, code, actor, **kwargs):
    """Fire ``code`` and check the case landed where the event says."""
    event = case_transition(case=case, transition=code, actor=actor, **kwargs)
    assert case.state == event.to_state
    return event


def offered(case, actor) -> list[str]:
    """The codes of the transitions ``actor`` is offered on ``case``."""
    return [transition.code for transition in available_transitions(case, actor)]


def refusal(case, code, actor, **kwargs) -> TransitionRefused:
    """The refusal of ``code`` fired by ``actor`` (the test fails if it is not refused)."""
    with pytest.raises(TransitionRefused) as refused:
        case_transition(case=case, transition=code, actor=actor, **kwargs)
    return refused.value
