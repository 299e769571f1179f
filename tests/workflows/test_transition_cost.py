"""What a transition costs, and that every check still refuses what it must.

A transition is measured as ``CaseTransitionView`` makes it: the user and the case loaded for
the request, then ``case_transition``. The user's permissions, stores and groups are read once
per request; the store's opening hours and holidays come from a process-wide cache keyed by the
calendar version stored on the store, which the locked read of the case reads."""

import datetime
import os
import subprocess
import sys
import uuid
import zoneinfo
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from project.accounts.roles import Role
from project.stores import calendar
from project.stores.models import Holiday, OpeningHours, Store, StoreMembership
from tests.factories import OpeningHoursFactory, StoreFactory, UserFactory
from tests.workflows.factories import published_process
from workflows import rule_context as rule_context_module
from workflows import selectors
from workflows.choices import EventKind, StateKind
from workflows.errors import TransitionRefused
from workflows.models import Case, CaseEvent, ProcessTransition
from workflows.models import processes as process_models
from workflows.services import case_open, case_transition, process_move_cases, process_publish
from workflows.views.case_actions import CaseTransitionView

pytestmark = pytest.mark.django_db

SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")
T = datetime.time
INITIAL, ACTIVE, TERMINAL = StateKind.INITIAL, StateKind.ACTIVE, StateKind.TERMINAL

# Monday 23 November 2026, 09:00 in Seoul: before opening, so a deadline counts from 10:00.
MONDAY = datetime.datetime(2026, 11, 23, 9, tzinfo=SEOUL)


def seoul(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=SEOUL)


@pytest.fixture
def store():
    """Open Monday to Friday, 10:00 to 19:00, Seoul time."""
    store = StoreFactory(code="SEL-01", name="Seoul", time_zone="Asia/Seoul")
    for weekday in range(5):
        OpeningHoursFactory(store=store, weekday=weekday, opens=T(10), closes=T(19))
    return store


@pytest.fixture
def staff(store):
    return UserFactory(role=Role.STORE_STAFF, stores=[store])


@pytest.fixture
def process():
    """Both working states have an SLA target; moving between them is for store staff only."""
    return published_process(
        prefix="COST",
        states=[
            ("open", "Open", INITIAL, "4"),
            ("busy", "Busy", ACTIVE, "2"),
            ("done", "Done", TERMINAL),
        ],
        transitions=[
            ("start", "Start", ["open"], "busy", [Role.STORE_STAFF], ""),
            ("back", "Back", ["busy"], "open", [Role.STORE_STAFF], ""),
            ("finish", "Finish", ["open", "busy"], "done", [], ""),
        ],
    )


@pytest.fixture
def case(process, store, staff):
    return case_open(process=process, store=store, actor=staff, now=MONDAY)


def as_a_request(user, case):
    """The user and the case as ``CaseTransitionView`` has them for one request."""
    actor = type(user).objects.get(pk=user.pk)
    return actor, selectors.case_get(
        user=actor, pk=case.pk, related=CaseTransitionView.case_related
    )


def move(user, case, code, now) -> Case:
    """One request-shaped transition; the case as it was saved."""
    actor, loaded = as_a_request(user, case)
    case_transition(case=loaded, transition=code, actor=actor, now=now)
    return loaded


@pytest.fixture
def cold(monkeypatch):
    """A process that has not computed a deadline or read a definition yet."""
    monkeypatch.setattr(calendar, "_calendars", calendar._CalendarCache(maxsize=8))
    monkeypatch.setattr(
        process_models, "_parsed_definitions", process_models._DefinitionCache(maxsize=8)
    )


# --- Queries --------------------------------------------------------------------------------------

# The user (1), their permissions (2: their own and their groups'), their stores (1), the case with
# its version (1); then the savepoint (2, in a test's transaction), the locked read with the
# store as it is now (1), the user's groups (1, the transition is reserved to one), the UPDATE
# (1) and the event (1).
WARM_QUERIES = 11
# Cold, the store's opening hours (1) and the holidays of the year the deadline falls in (1).
COLD_QUERIES = WARM_QUERIES + 2


def test_a_warm_transition_takes_a_fixed_number_of_queries(
    case, staff, django_assert_max_num_queries
):
    move(staff, case, "start", MONDAY)  # the store's calendar is cached now

    with django_assert_max_num_queries(WARM_QUERIES):
        move(staff, case, "back", MONDAY + datetime.timedelta(hours=2))

    case.refresh_from_db()
    assert case.state == "open"


def test_a_cold_transition_reads_the_calendar_once(
    case, staff, cold, django_assert_max_num_queries
):
    with django_assert_max_num_queries(COLD_QUERIES):
        move(staff, case, "start", MONDAY)
    with django_assert_max_num_queries(WARM_QUERIES):
        move(staff, case, "back", MONDAY + datetime.timedelta(hours=1))


def test_the_locked_read_takes_only_the_columns_the_transition_needs(case, staff):
    actor, loaded = as_a_request(staff, case)

    with CaptureQueriesContext(connection) as captured:
        case_transition(case=loaded, transition="start", actor=actor, now=MONDAY)

    [locked_read] = [q["sql"] for q in captured if q["sql"].startswith('SELECT "workflows_case"')]
    for column in ("state", "state_entered_at", "closed_at", "version_id", "store_id"):
        assert f'"workflows_case"."{column}"' in locked_read
    for column in ("data", "customer_name", "customer_email", "assignee_id", "due_at"):
        assert f'"workflows_case"."{column}"' not in locked_read
    assert '"stores_store"."calendar_version"' in locked_read
    assert not [q for q in captured if "stores_openinghours" in q["sql"]]


def test_the_condition_is_read_and_evaluated_once(store, staff, monkeypatch):
    process = published_process(
        prefix="ONCE",
        states=[("open", "Open", INITIAL), ("done", "Done", TERMINAL)],
        transitions=[("finish", "Finish", ["open"], "done", [], 'customer.name == "Ji-woo"')],
    )
    case = case_open(process=process, store=store, actor=staff, customer={"name": "Ji-woo"})
    built = []
    real = rule_context_module.rule_context
    monkeypatch.setattr(
        rule_context_module, "rule_context", lambda *args: built.append(args) or real(*args)
    )

    case_transition(case=case, transition="finish", actor=staff)

    assert len(built) == 1
    assert case.state == "done"


# --- Membership and groups ------------------------------------------------------------------------


def test_a_member_removed_from_the_store_is_refused_from_the_next_request(case, store, staff):
    move(staff, case, "start", MONDAY)
    actor, loaded = as_a_request(staff, case)  # loaded while still a member
    StoreMembership.objects.filter(user=staff, store=store).delete()

    next_actor = type(staff).objects.get(pk=staff.pk)
    with pytest.raises(TransitionRefused) as refused:
        case_transition(case=loaded, transition="back", actor=next_actor)

    assert refused.value.reason == "permission"
    assert f"membership of {store.name}" in refused.value.message
    assert Case.objects.get(pk=case.pk).state == "busy"


def test_the_case_page_of_a_removed_member_answers_404_and_moves_nothing(
    case, store, staff, login_client
):
    client = login_client(staff)
    url = reverse("cases:transition", args=[case.pk, "start"])
    StoreMembership.objects.filter(user=staff, store=store).delete()

    response = client.post(url, {"transition-expected_state": "open"})

    assert response.status_code == 404
    assert Case.objects.get(pk=case.pk).state == "open"


def test_a_user_taken_out_of_the_allowed_group_is_refused_from_the_next_request(case, staff):
    move(staff, case, "start", MONDAY)
    staff.groups.remove(Group.objects.get(name=Role.STORE_STAFF))
    staff.groups.add(Group.objects.get(name=Role.APPROVER))  # still works on cases

    with pytest.raises(TransitionRefused) as refused:
        move(staff, case, "back", MONDAY + datetime.timedelta(hours=1))

    assert refused.value.reason == "permission"
    assert "reserved for" in refused.value.message
    assert not CaseEvent.objects.filter(case=case, transition="back").exists()


def test_a_member_of_another_store_only_is_refused(case):
    elsewhere = UserFactory(role=Role.STORE_STAFF, stores=[StoreFactory(code="KBP-01")])

    with pytest.raises(TransitionRefused) as refused:
        case_transition(case=case, transition="start", actor=elsewhere)

    assert refused.value.reason == "permission"


# --- The store's calendar -------------------------------------------------------------------------


def test_edited_opening_hours_change_the_next_deadline_at_once(case, store, staff):
    assert case.due_at == seoul(2026, 11, 23, 14)  # 4 business hours from 10:00
    moved = move(staff, case, "start", MONDAY)
    assert moved.due_at == seoul(2026, 11, 23, 12)  # 2 business hours

    monday = OpeningHours.objects.get(store=store, weekday=0)
    monday.opens = T(11)
    monday.save()

    moved = move(staff, case, "back", MONDAY)
    assert moved.due_at == seoul(2026, 11, 23, 15)  # 4 business hours from 11:00


def test_a_new_holiday_changes_the_next_deadline_at_once(case, store, staff):
    move(staff, case, "start", MONDAY)
    holiday = Holiday.objects.create(store=store, date=datetime.date(2026, 11, 23), name="Closed")

    moved = move(staff, case, "back", MONDAY)
    assert moved.due_at == seoul(2026, 11, 24, 14)  # Monday is closed: from Tuesday 10:00

    holiday.delete()
    moved = move(staff, case, "start", MONDAY)
    assert moved.due_at == seoul(2026, 11, 23, 12)


def test_hours_edited_in_the_admin_change_the_next_deadline_at_once(
    case, store, staff, login_client
):
    move(staff, case, "start", MONDAY)
    hours = list(OpeningHours.objects.filter(store=store).order_by("weekday"))
    form = {
        "code": store.code,
        "name": store.name,
        "country": store.country,
        "time_zone": store.time_zone,
        "currency": store.currency,
        "languages": store.languages,
        "is_active": "on",
        "opening_hours-TOTAL_FORMS": str(len(hours)),
        "opening_hours-INITIAL_FORMS": str(len(hours)),
        "opening_hours-MIN_NUM_FORMS": "0",
        "opening_hours-MAX_NUM_FORMS": "1000",
        "holidays-TOTAL_FORMS": "0",
        "holidays-INITIAL_FORMS": "0",
        "holidays-MIN_NUM_FORMS": "0",
        "holidays-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(hours):
        form.update(
            {
                f"opening_hours-{index}-id": str(row.pk),
                f"opening_hours-{index}-weekday": str(row.weekday),
                f"opening_hours-{index}-opens": "13:00" if row.weekday == 0 else "10:00",
                f"opening_hours-{index}-closes": "19:00",
                f"opening_hours-{index}-ORDER": str(index + 1),
            }
        )
    admin = login_client(UserFactory(is_superuser=True))

    response = admin.post(f"/admin/stores/edit/{store.pk}/", form)

    assert response.status_code == 302, response.context["form"].errors
    moved = move(staff, case, "back", MONDAY)
    assert moved.due_at == seoul(2026, 11, 23, 17)  # 4 business hours from 13:00


def test_the_calendar_is_cached_under_the_version_stored_on_the_store(case, store, staff):
    """What another process's edit looks like from here: the rows change and the store gets a
    new calendar version in the database, and nothing in this process is told."""
    move(staff, case, "start", MONDAY)
    OpeningHours.objects.filter(store=store, weekday=0).update(opens=T(11))  # no signal

    moved = move(staff, case, "back", MONDAY)
    assert moved.due_at == seoul(2026, 11, 23, 14)  # the cached hours: same version

    Store.objects.filter(pk=store.pk).update(calendar_version=uuid.uuid4())
    moved = move(staff, case, "start", MONDAY)
    assert moved.due_at == seoul(2026, 11, 23, 13)  # read again: from 11:00


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="another process needs a database it can reach (the PostgreSQL leg of .ci/run)",
)
def test_hours_edited_by_another_process_change_the_next_deadline_at_once(case, store, staff):
    move(staff, case, "start", MONDAY)
    database = connection.settings_dict
    url = (
        f"postgres://{database['USER']}:{database['PASSWORD'] or ''}@{database['HOST']}:"
        f"{database['PORT'] or 5432}/{database['NAME']}"
    )
    script = (
        "import datetime\n"
        "from project.stores.models import OpeningHours\n"
        f"row = OpeningHours.objects.get(store_id={store.pk}, weekday=0)\n"
        "row.opens = datetime.time(12)\n"
        "row.save()\n"
    )
    root = Path(settings.BASE_DIR)
    subprocess.run(  # noqa: S603  # this interpreter, this project's manage.py
        [sys.executable, str(root / "manage.py"), "shell", "-c", script],
        check=True,
        cwd=root,
        env={**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "project.settings.test"},
        timeout=120,
    )

    moved = move(staff, case, "back", MONDAY)
    assert moved.due_at == seoul(2026, 11, 23, 16)  # 4 business hours from 12:00


# --- A case moved to another version between the page and the transition --------------------------


def test_a_case_moved_meanwhile_loads_what_the_new_transition_reads_before_firing(
    case, process, store, staff
):
    actor, loaded = as_a_request(staff, case)  # the page was loaded on version 1
    ProcessTransition.objects.filter(process=process, code="start").update(
        condition='customer.name == ""'  # version 2 reads the customer's details
    )
    version_2 = process_publish(process=process, actor=UserFactory(is_superuser=True))
    process_move_cases(
        process=process,
        to_version=version_2,
        mapping={},
        actor=UserFactory(role=Role.PROCESS_DESIGNER),
        dry_run=False,
    )

    event = case_transition(case=loaded, transition="start", actor=actor, now=MONDAY)

    assert (event.kind, event.to_state) == (EventKind.TRANSITION, "busy")
    saved = Case.objects.get(pk=case.pk)
    assert (saved.state, saved.version_id) == ("busy", version_2.pk)


# --- Indexes --------------------------------------------------------------------------------------


@pytest.mark.skipif(connection.vendor != "postgresql", reason="index names are PostgreSQL's")
def test_cases_and_events_carry_no_index_that_no_query_reads():
    """Every index is written by each transition (its UPDATE changes indexed columns, so it is
    never a heap-only update): only those a query uses stay (docs/decisions.md)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, indexdef FROM pg_indexes "
            "WHERE tablename IN ('workflows_case', 'workflows_caseevent')"
        )
        columns = {
            (table, definition.split(" USING btree ", 1)[1])
            for table, definition in cursor.fetchall()
        }

    assert columns == {
        ("workflows_case", "(id)"),
        ("workflows_case", "(reference)"),  # unique; a case by its reference
        ("workflows_case", "(process_id, year, number)"),  # unique; the next number
        ("workflows_case", "(opened_at DESC, id DESC)"),  # the case list's order
        ("workflows_case", "(process_id, state)"),  # cases of a process, in a state
        ("workflows_case", "(store_id, state)"),  # a store's cases, in a state
        ("workflows_case", "(assignee_id, closed_at)"),  # my open cases
        ("workflows_case", "(due_at) WHERE (closed_at IS NULL)"),  # overdue, due first
        ("workflows_case", "(version_id)"),  # cases of a version (moves, deletion)
        ("workflows_case", "(opened_by_id)"),  # a user's deletion
        ("workflows_caseevent", "(id)"),
        ("workflows_caseevent", "(case_id, created_at)"),  # a case's history
        ("workflows_caseevent", "(actor_id)"),  # a user's deletion
    }
