"""Reads of cases for the staff UI and the API: always scoped to the stores the user sees.

Every function takes the acting ``user`` and returns only the cases of their stores (see
``project.stores.scoping``); a case of another store is simply not found.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from project.stores.scoping import scope_to_user_stores
from workflows.definition import ProcessDefinition
from workflows.models import Case, CaseEvent, ProcessVersion

DASHBOARD_LIMIT = 10


# Everything a listing or a case page shows comes through these joins: no query per row.
CASE_RELATED = ("process", "version", "store", "assignee")


def _scoped(user) -> QuerySet[Case]:
    return Case.objects.for_user(user).select_related(*CASE_RELATED)


def _due_first(queryset: QuerySet[Case]) -> QuerySet[Case]:
    return queryset.order_by(F("due_at").asc(nulls_last=True), "opened_at", "pk")


# --- Lists ----------------------------------------------------------------------------------------


def case_list(
    *, user, filters: Mapping | None = None, search: str = "", now=None
) -> QuerySet[Case]:
    """The cases ``user`` may see, narrowed by ``filters`` (the names of ``cases_filter``'s
    arguments) and a free-text ``search``."""
    queryset = cases_filter(_scoped(user), now=now, **dict(filters or {}))
    return cases_search(queryset, search)


def cases_filter(
    queryset: QuerySet[Case],
    *,
    process=None,
    state: str = "",
    store=None,
    assignee=None,
    overdue: bool | None = None,
    status: str = "",
    opened: slice | None = None,
    now: datetime.datetime | None = None,
) -> QuerySet[Case]:
    """Narrow a case queryset. ``status`` is "open" or "closed"; ``overdue`` True keeps the open
    cases past their deadline, False the others; ``opened`` is a slice of datetimes (either end
    may be None)."""
    now = now or timezone.now()
    if process:
        queryset = queryset.filter(process=process)
    if state:
        queryset = queryset.filter(state=state.strip())
    if store:
        queryset = queryset.filter(store=store)
    if assignee:
        queryset = queryset.filter(assignee=assignee)
    if overdue is True:
        queryset = queryset.filter(closed_at__isnull=True, due_at__lt=now)
    elif overdue is False:
        queryset = queryset.exclude(closed_at__isnull=True, due_at__lt=now)
    if status == "open":
        queryset = queryset.filter(closed_at__isnull=True)
    elif status == "closed":
        queryset = queryset.filter(closed_at__isnull=False)
    if opened is not None:
        if opened.start is not None:
            queryset = queryset.filter(opened_at__gte=opened.start)
        if opened.stop is not None:
            queryset = queryset.filter(opened_at__lte=opened.stop)
    return queryset


def cases_search(queryset: QuerySet[Case], text: str) -> QuerySet[Case]:
    """Cases whose reference or customer name, e-mail or phone contains ``text`` (any case).
    Plain ``icontains``, so it behaves the same on SQLite and PostgreSQL."""
    text = (text or "").strip()
    if not text:
        return queryset
    return queryset.filter(
        Q(reference__icontains=text)
        | Q(customer_name__icontains=text)
        | Q(customer_email__icontains=text)
        | Q(customer_phone__icontains=text)
    )


def case_get(*, user, pk, related: tuple[str, ...] = CASE_RELATED) -> Case:
    """One case ``user`` may see, or ``Case.DoesNotExist`` (also for another store's case),
    with the ``related`` rows it is shown with. Every case page and action asks it: the user's
    stores are read once per request and given as a list (``scope_to_user_stores(by_ids=True)``).
    """
    queryset = scope_to_user_stores(Case.objects.all(), user, by_ids=True)
    return queryset.select_related(*related).get(pk=pk)


def case_events(*, case: Case) -> QuerySet[CaseEvent]:
    return case.events.select_related("actor").order_by("created_at", "pk")


# --- Dashboard ------------------------------------------------------------------------------------


def cases_assigned_to(user, *, limit: int = DASHBOARD_LIMIT) -> list[Case]:
    """Open cases assigned to ``user``, the most urgent first."""
    return list(_due_first(_scoped(user).open().filter(assignee=user))[:limit])


def cases_overdue(user, *, limit: int = DASHBOARD_LIMIT, now=None) -> list[Case]:
    """Open cases past their deadline in ``user``'s stores, the most overdue first."""
    return list(_scoped(user).overdue(now).order_by("due_at", "pk")[:limit])


def states_actionable_by(definition: ProcessDefinition, user) -> set[str]:
    """States of ``definition`` with at least one transition ``user``'s groups may fire
    (a transition without allowed groups is open to anyone)."""
    return {
        source
        for transition in definition.transitions
        if transition.allows_user(user)
        for source in transition.sources
    }


def cases_waiting_for(user, *, limit: int = DASHBOARD_LIMIT) -> list[Case]:
    """Open cases in ``user``'s stores whose current state offers a transition to one of the
    user's groups.

    Versions are few and their parsed definitions are cached, so the states are worked out in
    Python from each version that has open cases; the cases then come in one query filtering
    (version, state) pairs.
    """
    open_cases = Case.objects.for_user(user).open()
    versions = ProcessVersion.objects.filter(
        pk__in=open_cases.order_by().values("version_id").distinct()
    ).order_by()
    pairs = Q()
    for version in versions:
        states = states_actionable_by(version.definition, user)
        if states:
            pairs |= Q(version_id=version.pk, state__in=sorted(states))
    if not pairs:
        return []
    return list(_due_first(_scoped(user).open().filter(pairs))[:limit])


# --- Monthly review -------------------------------------------------------------------------------


def cases_of_month(*, user, process, year: int, month: int) -> list[Case]:
    """The cases of ``process`` opened in ``month`` that ``user`` may see, each with its events
    (``case.review_events``: decisions and notes, oldest first), for the auditor's monthly
    review of, e.g., price exceptions. Months are counted in UTC, the same for every store.
    Two queries, whatever the number of cases."""
    from django.db.models import Prefetch

    start = datetime.datetime(year, month, 1, tzinfo=datetime.UTC)
    end = (start + datetime.timedelta(days=32)).replace(day=1)
    events = CaseEvent.objects.select_related("actor").order_by("created_at", "pk")
    return list(
        _scoped(user)
        .filter(process=process, opened_at__gte=start, opened_at__lt=end)
        .select_related("opened_by")
        .prefetch_related(Prefetch("events", queryset=events, to_attr="review_events"))
        .order_by("opened_at", "pk")
    )
