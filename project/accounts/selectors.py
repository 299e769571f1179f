"""Reads about accounts."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.utils import timezone


@dataclass(frozen=True)
class Lockout:
    """A user name refused from one address until ``locked_until`` (or an unlock)."""

    username: str
    ip_address: str | None
    failures: int
    last_attempt: datetime.datetime
    locked_until: datetime.datetime


def lockout_list(*, now: datetime.datetime | None = None) -> list[Lockout]:
    """Current sign-in lockouts, latest first: the user name and address pairs whose failures
    within the cool-off period reached the limit (counted as django-axes counts them, over every
    browser the attempts came from)."""
    now = now or timezone.now()
    cooloff = settings.AXES_COOLOFF_TIME
    rows = (
        AccessAttempt.objects.filter(attempt_time__gte=now - cooloff)
        .values("username", "ip_address")
        .annotate(failures=Sum("failures_since_start"), last_attempt=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .order_by("-last_attempt", "username")
    )
    return [
        Lockout(
            username=row["username"] or "",
            ip_address=row["ip_address"],
            failures=row["failures"],
            last_attempt=row["last_attempt"],
            locked_until=row["last_attempt"] + cooloff,
        )
        for row in rows
    ]
