"""Concurrent use on PostgreSQL: row locks and counters hold under real parallel transactions."""

import threading

import pytest
from django.db import close_old_connections, connection, connections

from project.accounts.roles import Role
from tests.factories import StoreFactory, UserFactory
from tests.workflows.factories import published_process
from workflows.choices import EventKind
from workflows.errors import CaseChanged, TransitionRefused
from workflows.models import Case, CaseEvent
from workflows.services import case_open, case_transition

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locking is tested on PostgreSQL (the second leg of .ci/run)",
    ),
]


def run_in_threads(count: int, target) -> list:
    """Start ``count`` threads that call ``target()`` at the same moment; return their
    outcomes (a value or the exception raised)."""
    barrier = threading.Barrier(count)
    outcomes = [None] * count

    def worker(index):
        try:
            barrier.wait(timeout=30)
            outcomes[index] = target()
        except Exception as exc:  # the outcome under test
            outcomes[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    close_old_connections()
    return outcomes


def test_twenty_simultaneous_attempts_make_exactly_one_event():
    store = StoreFactory()
    staff = UserFactory(role=Role.STORE_STAFF, stores=[store])
    case = case_open(process=published_process(), store=store, actor=staff)

    outcomes = run_in_threads(
        20,
        lambda: case_transition(
            case=Case.objects.get(pk=case.pk),
            transition="start_diagnosis",
            actor=staff,
            expected_state="intake",
        ),
    )

    winners = [o for o in outcomes if isinstance(o, CaseEvent)]
    losers = [o for o in outcomes if isinstance(o, CaseChanged | TransitionRefused)]
    assert len(winners) == 1
    assert len(losers) == 19, [o for o in outcomes if not isinstance(o, CaseEvent)]
    assert all("Reload" in loser.message for loser in losers)
    assert CaseEvent.objects.filter(case=case, kind=EventKind.TRANSITION).count() == 1
    case.refresh_from_db()
    assert case.state == "diagnosis"


def test_parallel_openers_get_unique_gap_free_references():
    store = StoreFactory()
    staff = UserFactory(role=Role.STORE_STAFF, stores=[store])
    process = published_process(prefix="CARE")

    def open_five():
        return [case_open(process=process, store=store, actor=staff).number for _ in range(5)]

    outcomes = run_in_threads(8, open_five)

    numbers = sorted(n for outcome in outcomes for n in outcome)
    assert numbers == list(range(1, 41))
    assert Case.objects.filter(process=process).values("reference").distinct().count() == 40
