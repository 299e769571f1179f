"""Writes about accounts."""

from __future__ import annotations

import logging

from axes.models import AccessAttempt

logger = logging.getLogger(__name__)


def lockout_release(*, username: str, ip_address: str | None, actor) -> int:
    """Forget the failed sign-ins of ``username`` from ``ip_address`` so that they may sign in
    again at once; returns how many attempt records (one per browser) were removed. Other
    addresses of the same user keep their count."""
    deleted, _detail = AccessAttempt.objects.filter(
        username=username, ip_address=ip_address or None
    ).delete()
    logger.warning(
        "Sign-in lockout of %r from %s released by %s (%d records).",
        username,
        ip_address or "an unknown address",
        actor.get_username(),
        deleted,
    )
    return deleted
