"""After-sales writes: quotations (create, change, revise, send, expire), the customer's
decision, and invoices. Each service takes keyword arguments and the acting user."""

from aftersales.services.decisions import (
    DECISION_SALT,
    DecisionRefused,
    decision_problem,
    decision_token,
    decision_url,
    quotation_decide,
    quotation_expire,
    quotation_for_token,
)
from aftersales.services.invoices import invoice_create
from aftersales.services.quotations import (
    lines_from_case_data,
    quotation_create,
    quotation_revise,
    quotation_send,
    quotation_update,
    quotations_expire,
)

__all__ = [
    "DECISION_SALT",
    "DecisionRefused",
    "decision_problem",
    "decision_token",
    "decision_url",
    "invoice_create",
    "lines_from_case_data",
    "quotation_create",
    "quotation_decide",
    "quotation_expire",
    "quotation_for_token",
    "quotation_revise",
    "quotation_send",
    "quotation_update",
    "quotations_expire",
]
