"""After-sales reads."""

from __future__ import annotations

from aftersales.models import Quotation


def quotation_latest_values(*, case) -> dict | None:
    """The case's latest quotation version as plain values (``number``, ``status``,
    ``valid_until``, ``total``, ``currency``), or None. Read once per case instance."""
    if not hasattr(case, "_latest_quotation"):
        case._latest_quotation = (
            Quotation.objects.filter(case=case)
            .order_by("-number")
            .values("number", "status", "valid_until", "total", "currency")
            .first()
        )
    return case._latest_quotation
