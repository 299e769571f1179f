"""The events after-sales announces to the workflow engine; a process maps each to a transition
with a trigger (``workflows.models.ProcessTrigger``)."""

from django.utils.translation import gettext_lazy as _

from workflows.hooks import TriggerEvent

QUOTATION_SENT = "quotation.sent"
QUOTATION_ACCEPTED = "quotation.accepted"
QUOTATION_REFUSED = "quotation.refused"

EVENTS = [
    # ``spec_key``: how versions published before triggers existed named these transitions.
    TriggerEvent(
        QUOTATION_SENT,
        _("Sending a quotation to the customer"),
        spec_key="quotation_send_transition",
    ),
    TriggerEvent(
        QUOTATION_ACCEPTED,
        _("The customer's acceptance of a quotation"),
        spec_key="quotation_accept_transition",
    ),
    TriggerEvent(
        QUOTATION_REFUSED,
        _("The customer's refusal of a quotation"),
        spec_key="quotation_refuse_transition",
    ),
]
