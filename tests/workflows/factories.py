"""Builders for processes as a designer would make them, published through the real service."""

from __future__ import annotations

from django.contrib.auth.models import Group

from tests.factories import UserFactory
from workflows.choices import StateKind
from workflows.models import Process, ProcessState, ProcessTransition
from workflows.services import process_publish

# A small repair process: intake -> diagnosis -> (quote) -> closed
REPAIR_STATES = [
    ("intake", "Intake", StateKind.INITIAL),
    ("diagnosis", "Diagnosis", StateKind.ACTIVE),
    ("waiting_customer", "Waiting for the customer", StateKind.WAITING),
    ("closed", "Closed", StateKind.TERMINAL),
]
REPAIR_TRANSITIONS = [
    # code, label, sources, target, groups, condition
    ("start_diagnosis", "Start diagnosis", ["intake"], "diagnosis", [], ""),
    ("send_quote", "Send quote", ["diagnosis"], "waiting_customer", [], ""),
    ("close", "Close", ["intake", "diagnosis", "waiting_customer"], "closed", [], ""),
]

_counter = iter(range(1, 1_000_000))


def make_process(
    *,
    name: str | None = None,
    states=REPAIR_STATES,
    transitions=REPAIR_TRANSITIONS,
    prefix: str | None = None,
    **fields,
) -> Process:
    """Process rows (not published). ``states``: (code, label, kind[, sla_hours]) tuples;
    ``transitions``: (code, label, sources, target, group names, condition[, options dict])."""
    n = next(_counter)
    process = Process.objects.create(
        name=name or f"Process {n}",
        code=f"process-{n}",
        reference_prefix=prefix or f"P{n}",
        **fields,
    )
    for index, (code, label, kind, *rest) in enumerate(states):
        ProcessState.objects.create(
            process=process,
            code=code,
            label=label,
            kind=kind,
            sla_hours=rest[0] if rest else None,
            sort_order=index,
        )
    for index, (code, label, sources, target, groups, condition, *rest) in enumerate(transitions):
        options = rest[0] if rest else {}
        row = ProcessTransition.objects.create(
            process=process,
            code=code,
            label=label,
            sources=", ".join(sources),
            target=target,
            condition=condition,
            sort_order=index,
            **options,
        )
        # A cluster's many-to-many changes are kept in memory until the row is saved.
        row.allowed_groups.set([Group.objects.get(name=group) for group in groups])
        row.save()
    return process


def published_process(**kwargs) -> Process:
    """``make_process(...)`` then publish it as a superuser; returns the process (live)."""
    process = make_process(**kwargs)
    process_publish(process=process, actor=UserFactory(is_superuser=True))
    process.refresh_from_db()
    return process
