"""Moving open cases to a newer process version: the service and the designer's admin page."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from django_fsm.signals import post_transition

from project.accounts.roles import Role
from tests.factories import StoreFactory, UserFactory
from tests.workflows.factories import published_process
from workflows.choices import EventKind, StateKind
from workflows.errors import CaseChanged, InvalidInput
from workflows.models import Case, ProcessState, ProcessTransition
from workflows.services import case_open, case_transition, process_move_cases, process_publish
from workflows.services import processes as services

pytestmark = pytest.mark.django_db

INITIAL, ACTIVE, WAITING, TERMINAL = (
    StateKind.INITIAL,
    StateKind.ACTIVE,
    StateKind.WAITING,
    StateKind.TERMINAL,
)
HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def store():
    return StoreFactory(code="SEL-01", name="Seoul")


@pytest.fixture
def staff(store):
    return UserFactory(role=Role.STORE_STAFF, stores=[store])


@pytest.fixture
def designer():
    return UserFactory(role=Role.PROCESS_DESIGNER)


@pytest.fixture
def process():
    return published_process(
        name="Care",
        prefix="CARE",
        states=[
            ("intake", "Intake", INITIAL, 4),
            ("diagnosis", "Diagnosis", ACTIVE, 8),
            ("waiting_customer", "Waiting for the customer", WAITING),
            ("closed", "Closed", TERMINAL),
        ],
        transitions=[
            ("start_diagnosis", "Start diagnosis", ["intake"], "diagnosis", [], ""),
            ("send_quote", "Send quote", ["diagnosis"], "waiting_customer", [], ""),
            ("close", "Close", ["intake", "diagnosis", "waiting_customer"], "closed", [], ""),
        ],
    )


def publish_version_2(process):
    """Version 2: "diagnosis" becomes "inspection" (10 hours), intake's SLA becomes 6 hours."""
    ProcessState.objects.filter(process=process, code="intake").update(sla_hours=6)
    ProcessState.objects.filter(process=process, code="diagnosis").update(
        code="inspection", label="Inspection", sla_hours=10
    )
    transitions = ProcessTransition.objects.filter(process=process)
    transitions.filter(code="start_diagnosis").update(target="inspection")
    transitions.filter(code="send_quote").update(sources="inspection")
    transitions.filter(code="close").update(sources="intake, inspection, waiting_customer")
    version = process_publish(process=process, actor=UserFactory(is_superuser=True))
    assert version.number == 2
    return version


@pytest.fixture
def cases(process, store, staff):
    """On version 1: one case in intake (kept), one in diagnosis (to map), one closed."""
    start = timezone.now() - 10 * HOUR
    waiting = case_open(process=process, store=store, actor=staff, now=start)
    examined = case_open(process=process, store=store, actor=staff, now=start)
    case_transition(case=examined, transition="start_diagnosis", actor=staff, now=start + HOUR)
    closed = case_open(process=process, store=store, actor=staff, now=start)
    case_transition(case=closed, transition="close", actor=staff, now=start + HOUR)
    return {"intake": waiting, "diagnosis": examined, "closed": closed, "start": start}


def reread(case) -> Case:
    return Case.objects.select_related("version").get(pk=case.pk)


# --- the service ----------------------------------------------------------------------------------


def test_dry_run_lists_what_would_move_and_changes_nothing(process, cases, designer):
    version_2 = publish_version_2(process)

    rows = process_move_cases(
        process=process,
        to_version=version_2,
        mapping={"diagnosis": "inspection"},
        actor=designer,
    )

    assert [(row.case.pk, row.from_state, row.to_state, row.problem) for row in rows] == [
        (cases["intake"].pk, "intake", "intake", ""),
        (cases["diagnosis"].pk, "diagnosis", "inspection", ""),
    ]
    for name in ("intake", "diagnosis"):
        case = reread(cases[name])
        assert (case.version.number, case.state) == (1, name)
        assert not case.events.filter(kind=EventKind.MIGRATED).exists()


def test_applying_moves_open_cases_to_the_new_version_with_the_mapping(process, cases, designer):
    version_2 = publish_version_2(process)
    now = cases["start"] + 10 * HOUR
    fired = []

    def record(sender, instance, name, source, target, **kwargs):
        fired.append((instance.pk, name, source, target))

    post_transition.connect(record, sender=Case)
    try:
        rows = process_move_cases(
            process=process,
            to_version=version_2,
            mapping={"diagnosis": "inspection"},
            actor=designer,
            dry_run=False,
            now=now,
        )
    finally:
        post_transition.disconnect(record, sender=Case)

    assert [row.problem for row in rows] == ["", ""]
    examined, waiting = reread(cases["diagnosis"]), reread(cases["intake"])
    assert (examined.version, examined.state) == (version_2, "inspection")
    assert (waiting.version, waiting.state) == (version_2, "intake")
    # Through django-fsm's transition, not by writing the protected field.
    assert sorted(fired) == sorted(
        [
            (waiting.pk, "fire", "intake", "intake"),
            (examined.pk, "fire", "diagnosis", "inspection"),
        ]
    )
    event = examined.events.get(kind=EventKind.MIGRATED)
    assert (event.actor, event.created_at, event.transition) == (designer, now, "move_version")
    assert (event.from_state, event.to_state) == ("diagnosis", "inspection")
    assert event.data == {"from_version": 1, "version": 2}
    assert event.seconds_in_state == Decimal(9 * 3600)  # in diagnosis since start + 1 hour
    assert waiting.events.get(kind=EventKind.MIGRATED).to_state == "intake"


def test_the_state_clock_restarts_only_for_a_mapped_state(process, cases, designer, staff):
    version_2 = publish_version_2(process)
    start, now = cases["start"], cases["start"] + 10 * HOUR

    process_move_cases(
        process=process,
        to_version=version_2,
        mapping={"diagnosis": "inspection"},
        actor=designer,
        dry_run=False,
        now=now,
    )

    examined, waiting = reread(cases["diagnosis"]), reread(cases["intake"])
    # A new state: its clock and its (new) SLA start now.
    assert examined.state_entered_at == now
    assert examined.due_at == now + 10 * HOUR
    # The same state: still counted from when the case entered it, with the new version's SLA,
    # so an overdue case gets no fresh deadline by changing versions.
    assert waiting.state_entered_at == start
    assert waiting.due_at == start + 6 * HOUR
    assert waiting.events.get(kind=EventKind.MIGRATED).seconds_in_state == 0
    # Either way the durations still add up to the age of the case at close.
    for case in (examined, waiting):
        case_transition(case=case, transition="close", actor=staff, now=now + 2 * HOUR)
        case.refresh_from_db()
        total = sum(event.seconds_in_state for event in case.events.all())
        assert total == Decimal((case.closed_at - case.opened_at).total_seconds())


def test_a_mapping_into_a_state_missing_from_the_new_version_is_refused_naming_it(
    process, cases, designer
):
    version_2 = publish_version_2(process)

    rows = process_move_cases(
        process=process,
        to_version=version_2,
        mapping={"diagnosis": "repair"},
        actor=designer,
        dry_run=False,
    )

    [refused] = [row for row in rows if row.problem]
    assert refused.case == cases["diagnosis"]
    assert refused.problem == "“repair” is not a state of version 2."
    assert refused.to_state is None
    for name in ("intake", "diagnosis"):  # nothing moved, not even the case that could
        case = reread(cases[name])
        assert (case.version.number, case.state) == (1, name)
        assert not case.events.filter(kind=EventKind.MIGRATED).exists()


def test_an_unmapped_state_the_new_version_lacks_blocks_the_move(process, cases, designer):
    version_2 = publish_version_2(process)

    rows = process_move_cases(
        process=process, to_version=version_2, mapping={}, actor=designer, dry_run=False
    )

    assert [row.problem for row in rows if row.problem] == [
        "No state of version 2 is mapped to “diagnosis”."
    ]
    assert reread(cases["intake"]).version.number == 1


def test_closed_cases_are_not_moved(process, cases, designer):
    version_2 = publish_version_2(process)

    rows = process_move_cases(
        process=process,
        to_version=version_2,
        mapping={"diagnosis": "inspection"},
        actor=designer,
        dry_run=False,
    )

    assert cases["closed"].pk not in {row.case.pk for row in rows}
    closed = reread(cases["closed"])
    assert (closed.version.number, closed.state) == (1, "closed")
    assert not closed.events.filter(kind=EventKind.MIGRATED).exists()


def test_a_mapping_into_a_terminal_state_closes_the_case(process, cases, designer):
    version_2 = publish_version_2(process)
    now = cases["start"] + 10 * HOUR

    process_move_cases(
        process=process,
        to_version=version_2,
        mapping={"diagnosis": "closed", "intake": "closed"},
        actor=designer,
        dry_run=False,
        now=now,
    )

    examined = reread(cases["diagnosis"])
    assert (examined.state, examined.closed_at, examined.due_at) == ("closed", now, None)


@pytest.mark.parametrize("role", [Role.STORE_STAFF, Role.AUDITOR, Role.APPROVER])
def test_a_non_designer_cannot_move_cases(process, cases, store, role):
    version_2 = publish_version_2(process)
    user = UserFactory(role=role, stores=[store])

    with pytest.raises(InvalidInput, match="Only process designers"):
        process_move_cases(
            process=process,
            to_version=version_2,
            mapping={"diagnosis": "inspection"},
            actor=user,
            dry_run=False,
        )

    assert reread(cases["diagnosis"]).version.number == 1


def test_an_inactive_designer_cannot_move_cases(process, cases):
    version_2 = publish_version_2(process)
    gone = UserFactory(role=Role.PROCESS_DESIGNER, is_active=False)

    with pytest.raises(InvalidInput, match="Only process designers"):
        process_move_cases(process=process, to_version=version_2, mapping={}, actor=gone)


def test_a_version_of_another_process_is_refused(process, cases, designer):
    other = published_process()

    with pytest.raises(InvalidInput, match="does not belong to Care"):
        process_move_cases(
            process=process, to_version=other.live_version, mapping={}, actor=designer
        )


def test_a_failure_midway_moves_no_case(process, cases, designer, monkeypatch):
    version_2 = publish_version_2(process)
    real_deadline, calls = services._deadline, []

    def fail_on_the_second_case(*args):
        calls.append(args)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real_deadline(*args)

    monkeypatch.setattr(services, "_deadline", fail_on_the_second_case)

    with pytest.raises(RuntimeError):
        process_move_cases(
            process=process,
            to_version=version_2,
            mapping={"diagnosis": "inspection"},
            actor=designer,
            dry_run=False,
        )

    assert len(calls) == 2
    for name in ("intake", "diagnosis"):
        case = reread(cases[name])
        assert (case.version.number, case.state) == (1, name)
        assert not case.events.filter(kind=EventKind.MIGRATED).exists()


def test_a_case_changed_by_someone_else_during_the_move_stops_it(
    process, cases, designer, monkeypatch
):
    """django-fsm's ConcurrentTransitionMixin refuses to save a case whose state changed since
    it was read; the service says so and moves nothing."""
    version_2 = publish_version_2(process)
    real_move_row = services._move_row

    def someone_else_moves_it_meanwhile(case, *args):
        row = real_move_row(case, *args)
        if case.pk == cases["diagnosis"].pk:
            Case.objects.filter(pk=case.pk).update(state="waiting_customer")
        return row

    monkeypatch.setattr(services, "_move_row", someone_else_moves_it_meanwhile)

    with pytest.raises(CaseChanged, match="none was moved"):
        process_move_cases(
            process=process,
            to_version=version_2,
            mapping={"diagnosis": "inspection"},
            actor=designer,
            dry_run=False,
        )

    waiting = reread(cases["intake"])
    assert (waiting.version.number, waiting.state) == (1, "intake")
    assert not waiting.events.filter(kind=EventKind.MIGRATED).exists()


# --- the admin page -------------------------------------------------------------------------------


def move_url(process) -> str:
    return reverse("processes:move_cases", args=[process.pk])


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_the_page_offers_the_versions_and_a_mapping_for_each_old_state(
    login_client, process, cases, designer
):
    version_2 = publish_version_2(process)

    response = login_client(designer).get(move_url(process))

    assert response.status_code == 200
    content = response.content.decode()
    assert f'<option value="{version_2.pk}" selected>2</option>' in content
    assert 'name="map_diagnosis"' in content
    assert 'name="map_intake"' in content
    assert 'name="map_closed"' not in content  # closed cases do not move
    assert '<option value="inspection">Inspection (inspection)</option>' in content
    assert cases["diagnosis"].reference in content  # the preview lists what would move


def test_the_page_previews_a_dry_run_without_changing_anything(
    login_client, process, cases, designer
):
    version_2 = publish_version_2(process)

    response = login_client(designer).post(
        move_url(process),
        {"version": version_2.pk, "map_diagnosis": "inspection", "confirm": "0"},
    )

    assert response.status_code == 200
    rows = {row.case.pk: row.to_state for row in response.context["rows"]}
    assert rows == {cases["intake"].pk: "intake", cases["diagnosis"].pk: "inspection"}
    assert response.context["applied"] is False
    assert "What would move" in response.content.decode()
    assert reread(cases["diagnosis"]).version.number == 1


def test_the_page_moves_the_cases_on_confirm(login_client, process, cases, designer):
    version_2 = publish_version_2(process)

    response = login_client(designer).post(
        move_url(process),
        {"version": version_2.pk, "map_diagnosis": "inspection", "confirm": "1"},
    )

    assert response.status_code == 200
    assert messages_of(response) == ["2 cases moved to version 2."]
    assert response.context["applied"] is True
    examined = reread(cases["diagnosis"])
    assert (examined.version, examined.state) == (version_2, "inspection")
    assert examined.events.get(kind=EventKind.MIGRATED).actor == designer
    assert reread(cases["intake"]).version == version_2
    assert reread(cases["closed"]).version.number == 1


def test_the_page_refuses_a_mapping_into_a_missing_state_and_moves_nothing(
    login_client, process, cases, designer
):
    version_2 = publish_version_2(process)

    response = login_client(designer).post(
        move_url(process),
        {"version": version_2.pk, "map_diagnosis": "repair", "confirm": "1"},
    )

    assert response.status_code == 200
    assert messages_of(response) == ["Nothing was moved: map every state first."]
    assert "“repair” is not a state of version 2." in response.content.decode()
    assert reread(cases["diagnosis"]).version.number == 1
    assert reread(cases["intake"]).version.number == 1


@pytest.mark.parametrize("role", [Role.STORE_STAFF, Role.AUDITOR])
def test_a_non_designer_cannot_use_the_page(login_client, process, cases, store, role):
    """The view raises PermissionDenied; Wagtail's admin answers it by sending the user home."""
    version_2 = publish_version_2(process)
    client = login_client(UserFactory(role=role, stores=[store]))

    page = client.get(move_url(process))
    assert (page.status_code, page.url) == (302, reverse("wagtailadmin_home"))
    assert "not have permission" in " ".join(messages_of(page))
    response = client.post(
        move_url(process),
        {"version": version_2.pk, "map_diagnosis": "inspection", "confirm": "1"},
    )
    assert (response.status_code, response.url) == (302, reverse("wagtailadmin_home"))
    assert reread(cases["diagnosis"]).version.number == 1
    assert not cases["diagnosis"].events.filter(kind=EventKind.MIGRATED).exists()
