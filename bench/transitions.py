"""Transitions through ``case_transition`` against what a team would write by hand, then the case
list.

Four ways to move a row between two states, measured in one run with the same harness: 8 worker
processes, each moving its own row back and forth, started together; and one process alone for
the latency of a single transition.

- ``update``: a bare ``UPDATE workflows_case ... WHERE id = %s`` in autocommit (the floor);
- ``raw_sql``: the transaction a transition needs, written as bare SQL: a row lock, an UPDATE
  checking the state, an event INSERT;
- ``peer``: the hand-written django-fsm-2 peer (``bench/peer``): a ticket with a protected
  FSMField, ``ConcurrentTransitionMixin``, hard-coded ``@transition`` methods with a
  ``permission=`` check, a ``select_for_update()`` read in ``transaction.atomic()``, ``save()``
  and one django-fsm-log-like ``StateLog`` row;
- ``engine``: ``case_transition`` as a store-staff member with group permissions (not a
  superuser), on a published process whose transitions are reserved to that group and whose
  states have SLA targets in a store with opening hours and holidays.

``peer`` and ``engine`` are shaped like web requests: each transition loads the actor and the
object fresh by id, as a view does (the engine as ``CaseTransitionView`` does: ``case_or_404``,
which checks the user's permissions and stores, then ``case_transition``).
The rounds are interleaved, the order rotating, and ratios are taken within each round; the
figures are the medians over the rounds.

Targets: ``engine`` >= 0.9 x ``peer`` and >= 0.35 x ``raw_sql`` at 8 workers; one-worker latency
<= 1.3 x the peer's. The case list, for the same store-staff member (statistics gathered after
each bulk load, as autovacuum would): the same number of queries for 20 and 100 cases, and page
1 of 100,000 cases <= 2 x page 1 of 1,000.

``python bench/transitions.py [--rounds N] [--transitions N] [--no-list]``; the database is the
one ``DATABASE_URL`` names (see ``_django.py``).
"""

from __future__ import annotations

import argparse
import datetime
import multiprocessing
import statistics
import sys
import time

from _django import bench_database, report

WORKERS = 8
KINDS = ("update", "raw_sql", "peer", "engine")
TARGET_PEER = 0.9
TARGET_RAW_SQL = 0.35
TARGET_LATENCY = 1.3


# --- The four ways ----------------------------------------------------------------------------


def _update_op(ids):
    from django.db import connection
    from django.utils import timezone

    cursor = connection.cursor()

    def op(index):
        cursor.execute(
            "UPDATE workflows_case SET due_at = %s WHERE id = %s", [timezone.now(), ids["case"]]
        )

    return op


def _raw_sql_op(ids):
    from django.db import connection, transaction
    from django.utils import timezone

    cursor = connection.cursor()
    case_id, actor_id = ids["case"], ids["actor"]
    # SQLite has no row locks: its IMMEDIATE transactions take the database's write lock.
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""

    def op(index):
        source, target = ("b", "a") if index % 2 else ("a", "b")
        with transaction.atomic():
            cursor.execute(
                f"SELECT state FROM workflows_case WHERE id = %s{lock}",  # noqa: S608  # a constant
                [case_id],
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

    return op


def _peer_op(ids):
    from django.contrib.auth import get_user_model
    from django.shortcuts import get_object_or_404
    from peer.models import Ticket
    from peer.services import ticket_transition

    User = get_user_model()

    def op(index):
        actor = User.objects.get(pk=ids["actor"])
        ticket = get_object_or_404(Ticket, pk=ids["ticket"])
        ticket_transition(ticket=ticket, transition="pong" if index % 2 else "ping", actor=actor)

    return op


def _engine_op(ids):
    from django.contrib.auth import get_user_model
    from django.test import RequestFactory

    from workflows.services import case_transition
    from workflows.views.access import case_or_404
    from workflows.views.case_actions import CaseTransitionView

    User = get_user_model()
    request = RequestFactory().post(f"/admin/cases/{ids['case']}/transition/")

    def op(index):
        # What CaseTransitionView does with a POST: the case as the view loads it, then the
        # service (the session, the form and the redirect are left out, as for the peer).
        request.user = User.objects.get(pk=ids["actor"])
        case = case_or_404(request, ids["case"], related=CaseTransitionView.case_related)
        code = "pong" if index % 2 else "ping"
        case_transition(case=case, transition=code, actor=request.user)

    return op


_OPS = {"update": _update_op, "raw_sql": _raw_sql_op, "peer": _peer_op, "engine": _engine_op}


# --- The harness ------------------------------------------------------------------------------


def _worker(kind, ids, count, barrier, results):
    try:
        op = _OPS[kind](ids)
        op(0)  # warm: connection, caches, imports; then back to the first state
        op(1)
        barrier.wait()
        timings = []
        started = time.perf_counter()
        for index in range(count):
            begun = time.perf_counter()
            op(index)
            timings.append(time.perf_counter() - begun)
        results.put((count, time.perf_counter() - started, statistics.median(timings)))
    except Exception as exc:  # reported to the parent, which fails the run
        results.put(f"{kind}: {type(exc).__name__}: {exc}")


def _run(kind, rows, count) -> tuple[float, float]:
    """Run ``kind`` in one process per row of ``rows``: (operations/s overall, median seconds
    per operation)."""
    from django.db import connections

    connections.close_all()  # children open their own connections
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(len(rows))
    results = ctx.Queue()
    processes = [
        ctx.Process(target=_worker, args=(kind, ids, count, barrier, results)) for ids in rows
    ]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=900) for _ in processes]
    for process in processes:
        process.join()
    failures = [o for o in outcomes if isinstance(o, str)]
    if failures:
        raise RuntimeError(failures[0])
    operations = sum(ops for ops, _elapsed, _median in outcomes)
    rate = operations / max(elapsed for _ops, elapsed, _median in outcomes)
    return rate, statistics.median(median for _ops, _elapsed, median in outcomes)


# --- Set-up -----------------------------------------------------------------------------------


def _setup():
    from django.contrib.auth.models import Group, Permission
    from django.utils import timezone
    from peer.models import Ticket

    from project.accounts.roles import Role
    from project.stores.models import Holiday, OpeningHours
    from tests.factories import StoreFactory, UserFactory
    from tests.workflows.factories import published_process
    from workflows.choices import StateKind
    from workflows.services import case_open

    store = StoreFactory(code="BENCH")
    for weekday in range(6):  # Monday to Saturday, with a lunch break
        OpeningHours.objects.create(
            store=store, weekday=weekday, opens=datetime.time(10), closes=datetime.time(13)
        )
        OpeningHours.objects.create(
            store=store, weekday=weekday, opens=datetime.time(14), closes=datetime.time(19)
        )
    this_year = timezone.now().year
    for year in range(this_year - 8, this_year + 2):  # years of holidays, as a store keeps them
        for month, day in [(1, 1), (3, 1), (5, 5), (6, 6), (8, 15), (10, 3), (10, 9), (12, 25)]:
            Holiday.objects.create(store=store, date=datetime.date(year, month, day))
    staff_group = Group.objects.get(name=Role.STORE_STAFF)
    staff_group.permissions.add(Permission.objects.get(codename="change_ticket"))
    actor = UserFactory(username="bench", role=Role.STORE_STAFF, stores=[store])
    for n in range(20):  # the store's other people
        UserFactory(username=f"bench-colleague-{n}", role=Role.STORE_STAFF, stores=[store])
    assert not actor.is_superuser and actor.has_perm("workflows.change_case")
    assert actor.has_perm("peer.change_ticket")
    process = published_process(
        prefix="BENCH",
        states=[
            ("a", "A", StateKind.INITIAL, "24"),
            ("b", "B", StateKind.ACTIVE, "8"),
            ("z", "Z", StateKind.TERMINAL),
        ],
        transitions=[
            ("ping", "Ping", ["a"], "b", [Role.STORE_STAFF], ""),
            ("pong", "Pong", ["b"], "a", [Role.STORE_STAFF], ""),
            ("close", "Close", ["a", "b"], "z", [], ""),
        ],
    )
    rows = [
        {
            "actor": actor.pk,
            "case": case_open(process=process, store=store, actor=actor).pk,
            "ticket": Ticket.objects.create(store=store, reference=f"T-{n}").pk,
        }
        for n in range(WORKERS)
    ]
    return store, actor, process, rows


def _bulk_cases(process, store, actor, count: int, start: int):
    from django.db import connection
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
    with connection.cursor() as cursor:
        # Fresh statistics, as autovacuum gathers after such a load: without them PostgreSQL
        # plans the scoped page as if the table were still small.
        cursor.execute("ANALYZE")


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


# --- The run ----------------------------------------------------------------------------------


def _median(values) -> float:
    return statistics.median(values)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (3)")
    parser.add_argument(
        "--transitions", type=int, default=250, help="per worker and per round (250; even)"
    )
    parser.add_argument("--no-list", action="store_true", help="skip the case-list part")
    args = parser.parse_args()
    count = args.transitions + args.transitions % 2  # even: every row ends where it began

    with bench_database("transitions") as connection:
        from django.test import Client

        store, actor, process, rows = _setup()
        rates = {kind: [] for kind in KINDS}
        latencies = {kind: [] for kind in KINDS}
        ratios = {"peer": [], "raw_sql": [], "latency": []}
        for round_number in range(args.rounds):
            order = KINDS[round_number % len(KINDS) :] + KINDS[: round_number % len(KINDS)]
            for kind in order:
                rate, _median_seconds = _run(kind, rows, count)
                rates[kind].append(rate)
            for kind in order:
                _rate, seconds = _run(kind, rows[:1], count)
                latencies[kind].append(seconds * 1000)
            ratios["peer"].append(rates["engine"][-1] / rates["peer"][-1])
            ratios["raw_sql"].append(rates["engine"][-1] / rates["raw_sql"][-1])
            ratios["latency"].append(latencies["engine"][-1] / latencies["peer"][-1])
            print(
                f"round {round_number + 1}: "
                + ", ".join(f"{kind} {rates[kind][-1]:.0f}/s" for kind in KINDS)
                + "; one worker: "
                + ", ".join(f"{kind} {latencies[kind][-1]:.2f} ms" for kind in KINDS),
                flush=True,
            )

        figures = {
            "database": connection.vendor,
            "workers": WORKERS,
            "rounds": args.rounds,
            "transitions_per_worker": count,
            **{f"{kind}_per_s": round(_median(rates[kind]), 1) for kind in KINDS},
            **{f"{kind}_latency_ms": round(_median(latencies[kind]), 3) for kind in KINDS},
            "engine_vs_peer": round(_median(ratios["peer"]), 3),
            "engine_vs_raw_sql": round(_median(ratios["raw_sql"]), 3),
            "engine_vs_update": round(_median(rates["engine"]) / _median(rates["update"]), 3),
            "engine_latency_vs_peer": round(_median(ratios["latency"]), 3),
            "engine_vs_peer_rounds": [round(r, 3) for r in ratios["peer"]],
        }
        targets = {
            "engine_vs_peer": (
                f"case_transition/s >= {TARGET_PEER} x the hand-written peer's at {WORKERS} "
                "workers",
                figures["engine_vs_peer"] >= TARGET_PEER,
            ),
            "engine_vs_raw_sql": (
                f"case_transition/s >= {TARGET_RAW_SQL} x the raw SQL transaction's at "
                f"{WORKERS} workers",
                figures["engine_vs_raw_sql"] >= TARGET_RAW_SQL,
            ),
            "engine_latency": (
                f"one-worker latency of case_transition <= {TARGET_LATENCY} x the peer's",
                figures["engine_latency_vs_peer"] <= TARGET_LATENCY,
            ),
        }

        if not args.no_list:
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
            figures.update(
                {
                    "list_queries_20_cases": queries_20,
                    "list_queries_100_cases": queries_100,
                    "list_page_1k_ms": round(page_1k * 1000, 1),
                    "list_page_100k_ms": round(page_100k * 1000, 1),
                    "list_page_ratio": round(page_100k / page_1k, 2),
                }
            )
            targets["list_queries"] = (
                "same queries for 20 and 100 cases",
                queries_20 == queries_100,
            )
            targets["list_page"] = (
                "page 1 of 100k cases <= 2 x page 1 of 1k",
                page_100k <= 2 * page_1k,
            )

    return 0 if report("transitions", figures, targets) else 1


if __name__ == "__main__":
    sys.exit(main())
