"""Transitions per second through case_transition, against bare single-row UPDATEs.

8 worker processes on PostgreSQL, each moving its own case back and forth; the baseline is the
same 8 processes running ``UPDATE workflows_case ... WHERE id = %s`` on the same rows. Then the
case list: queries for 20 and 100 cases, and page 1 with 1,000 and with 100,000 cases. For
context it also prints the same transaction written as bare SQL (lock, UPDATE, event INSERT).
"""

from __future__ import annotations

import multiprocessing
import statistics
import sys
import time

from _django import bench_database, report

WORKERS = 8
TRANSITIONS_PER_WORKER = 250


def _run_workers(target, case_ids) -> float:
    """Run ``target(case_id, barrier, results)`` in one process per case; ops/second overall."""
    from django.db import connections

    connections.close_all()  # children open their own connections
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(len(case_ids))
    results = ctx.Queue()
    processes = [ctx.Process(target=target, args=(pk, barrier, results)) for pk in case_ids]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=600) for _ in processes]
    for process in processes:
        process.join()
    failures = [o for o in outcomes if isinstance(o, str)]
    if failures:
        raise RuntimeError(failures[0])
    operations = sum(ops for ops, _elapsed in outcomes)
    return operations / max(elapsed for _ops, elapsed in outcomes)


def _transition_worker(case_id, barrier, results):
    try:
        from django.contrib.auth import get_user_model

        from workflows.models import Case
        from workflows.services import case_transition

        actor = get_user_model().objects.get(username="bench")
        case = Case.objects.get(pk=case_id)
        barrier.wait()
        started = time.perf_counter()
        for index in range(TRANSITIONS_PER_WORKER):
            case_transition(case=case, transition="pong" if index % 2 else "ping", actor=actor)
        results.put((TRANSITIONS_PER_WORKER, time.perf_counter() - started))
    except Exception as exc:  # reported to the parent, which fails the run
        results.put(f"{type(exc).__name__}: {exc}")


def _update_worker(case_id, barrier, results):
    try:
        from django.db import connection
        from django.utils import timezone

        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            barrier.wait()
            started = time.perf_counter()
            for _ in range(TRANSITIONS_PER_WORKER):
                cursor.execute(
                    "UPDATE workflows_case SET due_at = %s WHERE id = %s",
                    [timezone.now(), case_id],
                )
        results.put((TRANSITIONS_PER_WORKER, time.perf_counter() - started))
    except Exception as exc:
        results.put(f"{type(exc).__name__}: {exc}")


def _raw_transaction_worker(case_id, barrier, results):
    """What a transition costs the database alone: the same transaction (row lock, UPDATE with
    the state check, event INSERT) written as bare SQL. Printed for context, not as a target."""
    try:
        from django.db import connection, transaction
        from django.utils import timezone

        with connection.cursor() as cursor:
            cursor.execute("SELECT id FROM accounts_user WHERE username = 'bench'")
            [(actor_id,)] = cursor.fetchall()
            barrier.wait()
            started = time.perf_counter()
            for index in range(TRANSITIONS_PER_WORKER):
                source, target = ("b", "a") if index % 2 else ("a", "b")
                with transaction.atomic():
                    cursor.execute(
                        "SELECT state FROM workflows_case WHERE id = %s FOR UPDATE", [case_id]
                    )
                    cursor.fetchall()
                    cursor.execute(
                        "UPDATE workflows_case SET state = %s, state_entered_at = %s "
                        "WHERE id = %s AND state = %s",
                        [target, timezone.now(), case_id, source],
                    )
                    cursor.execute(
                        "INSERT INTO workflows_caseevent (case_id, kind, actor_id, created_at, "
                        "transition, from_state, to_state, comment, data, seconds_in_state) "
                        "VALUES (%s, 'transition', %s, %s, 'raw', %s, %s, '', '{}', 0)",
                        [case_id, actor_id, timezone.now(), source, target],
                    )
        results.put((TRANSITIONS_PER_WORKER, time.perf_counter() - started))
    except Exception as exc:
        results.put(f"{type(exc).__name__}: {exc}")


def _setup():
    from tests.factories import StoreFactory, UserFactory
    from tests.workflows.factories import published_process
    from workflows.choices import StateKind

    store = StoreFactory(code="BENCH")
    actor = UserFactory(username="bench", is_superuser=True, stores=[store])
    process = published_process(
        prefix="BENCH",
        states=[
            ("a", "A", StateKind.INITIAL),
            ("b", "B", StateKind.ACTIVE, "8"),
            ("z", "Z", StateKind.TERMINAL),
        ],
        transitions=[
            ("ping", "Ping", ["a"], "b", [], ""),
            ("pong", "Pong", ["b"], "a", [], ""),
            ("close", "Close", ["a", "b"], "z", [], ""),
        ],
    )
    return store, actor, process


def _bulk_cases(process, store, actor, count: int, start: int):
    from django.utils import timezone

    from workflows.models import Case

    now = timezone.now()
    batch = [
        Case(
            process=process,
            version=process.live_version,
            reference=f"BENCH-{now.year}-{n:07d}",
            year=now.year,
            number=n,
            store=store,
            customer_name=f"Customer {n}",
            state="a",
            state_entered_at=now,
            opened_at=now,
            opened_by=actor,
        )
        for n in range(start, start + count)
    ]
    Case.objects.bulk_create(batch, batch_size=5000)


def _page_seconds(client, repeats=7) -> float:
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        response = client.get("/admin/cases/")
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
    return statistics.median(timings)


def _queries(client) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get("/admin/cases/").status_code == 200
    return len(captured.captured_queries)


def main() -> int:
    with bench_database("atelier_bench_transitions"):
        from django.test import Client

        from workflows.services import case_open

        store, actor, process = _setup()
        case_ids = [case_open(process=process, store=store, actor=actor).pk for _ in range(WORKERS)]
        baseline = _run_workers(_update_worker, case_ids)
        measured = _run_workers(_transition_worker, case_ids)
        raw_sql = _run_workers(_raw_transaction_worker, case_ids)
        ratio = measured / baseline

        client = Client()
        client.force_login(actor)
        _bulk_cases(process, store, actor, 20 - WORKERS, start=1000)
        queries_20 = _queries(client)
        _bulk_cases(process, store, actor, 80, start=2000)
        queries_100 = _queries(client)
        _bulk_cases(process, store, actor, 900, start=3000)
        page_1k = _page_seconds(client)
        _bulk_cases(process, store, actor, 99_000, start=10_000)
        page_100k = _page_seconds(client)

    return (
        0
        if report(
            "transitions",
            {
                "workers": WORKERS,
                "transitions_per_s": round(measured, 1),
                "baseline_updates_per_s": round(baseline, 1),
                "ratio": round(ratio, 3),
                "raw_sql_transaction_per_s": round(raw_sql, 1),
                "raw_sql_transaction_ratio": round(raw_sql / baseline, 3),
                "list_queries_20_cases": queries_20,
                "list_queries_100_cases": queries_100,
                "list_page_1k_ms": round(page_1k * 1000, 1),
                "list_page_100k_ms": round(page_100k * 1000, 1),
                "list_page_ratio": round(page_100k / page_1k, 2),
            },
            {
                "ratio": ("transitions/s >= 0.3 x bare UPDATEs/s", ratio >= 0.3),
                "list_queries": ("same queries for 20 and 100 cases", queries_20 == queries_100),
                "list_page": ("page 1 of 100k cases <= 2 x page 1 of 1k", page_100k <= 2 * page_1k),
            },
        )
        else 1
    )


if __name__ == "__main__":
    sys.exit(main())
