"""Publishing validates the process graph and freezes it; running cases keep their version."""

import pytest

from project.accounts.roles import Role
from tests.factories import StoreFactory, UserFactory
from tests.workflows.factories import make_process, published_process
from workflows.choices import StateKind
from workflows.errors import PublishRefused
from workflows.models import ProcessState, ProcessTransition, ProcessVersion
from workflows.services import case_open, process_publish

pytestmark = pytest.mark.django_db

INITIAL, A, W, T = StateKind.INITIAL, StateKind.ACTIVE, StateKind.WAITING, StateKind.TERMINAL


def refusal(**kwargs) -> str:
    process = make_process(**kwargs)
    with pytest.raises(PublishRefused) as caught:
        process_publish(process=process, actor=UserFactory(is_superuser=True))
    assert not ProcessVersion.objects.filter(process=process).exists()
    return " ".join(caught.value.errors)


def test_a_valid_process_publishes_version_1():
    process = published_process()

    assert process.live_version.number == 1
    assert [s.code for s in process.live_version.definition.states] == [
        "intake",
        "diagnosis",
        "waiting_customer",
        "closed",
    ]


def test_publish_refuses_no_initial_state():
    message = refusal(
        states=[("a", "A", A), ("b", "B", T)],
        transitions=[("go", "Go", ["a"], "b", [], "")],
    )
    assert "no initial state" in message


def test_publish_refuses_several_initial_states():
    message = refusal(
        states=[("a", "A", INITIAL), ("b", "B", INITIAL), ("c", "C", T)],
        transitions=[("go", "Go", ["a", "b"], "c", [], "")],
    )
    assert "2 initial states (a, b)" in message


def test_publish_refuses_an_unreachable_state():
    message = refusal(
        states=[("a", "A", INITIAL), ("lost", "Lost", A), ("z", "Z", T)],
        transitions=[("go", "Go", ["a"], "z", [], ""), ("out", "Out", ["lost"], "z", [], "")],
    )
    assert "State “lost” cannot be reached from the initial state “a”." in message


def test_publish_refuses_a_state_that_can_never_close():
    message = refusal(
        states=[("a", "A", INITIAL), ("stuck", "Stuck", W), ("z", "Z", T)],
        transitions=[("go", "Go", ["a"], "z", [], ""), ("park", "Park", ["a"], "stuck", [], "")],
    )
    assert "No terminal state can be reached from “stuck”" in message


def test_publish_refuses_duplicate_transition_codes():
    message = refusal(
        states=[("a", "A", INITIAL), ("b", "B", A), ("z", "Z", T)],
        transitions=[
            ("go", "Go", ["a"], "b", [], ""),
            ("go", "Go again", ["b"], "z", [], ""),
        ],
    )
    assert "Transition code “go” is used by more than one transition." in message


def test_publish_refuses_a_transition_into_a_missing_state():
    message = refusal(
        states=[("a", "A", INITIAL), ("z", "Z", T)],
        transitions=[("go", "Go", ["a"], "z", [], ""), ("ship", "Ship", ["a"], "shipped", [], "")],
    )
    assert "Transition “ship” goes to “shipped”, which is not a state of this process." in message


def test_publish_refuses_an_invalid_condition_naming_the_transition():
    message = refusal(
        states=[("a", "A", INITIAL), ("z", "Z", T)],
        transitions=[("go", "Go", ["a"], "z", [], "quote.total >")],
    )
    assert "Transition “go” has an invalid condition" in message


def test_publish_refuses_a_condition_on_unknown_names():
    message = refusal(
        states=[("a", "A", INITIAL), ("z", "Z", T)],
        transitions=[("go", "Go", ["a"], "z", [], "secret.value == 1")],
    )
    assert "secret" in message


def test_publish_refuses_a_way_out_of_a_terminal_state():
    message = refusal(
        states=[("a", "A", INITIAL), ("z", "Z", T)],
        transitions=[("go", "Go", ["a"], "z", [], ""), ("reopen", "Reopen", ["z"], "a", [], "")],
    )
    assert "leaves the terminal state “z”" in message


def test_publishing_an_unchanged_process_keeps_the_live_version():
    process = published_process()

    again = process_publish(process=process, actor=UserFactory(is_superuser=True))

    assert again == process.live_version
    assert process.versions.count() == 1


def test_running_cases_keep_their_version_when_the_process_changes():
    store = StoreFactory()
    staff = UserFactory(role=Role.STORE_STAFF, stores=[store])
    process = published_process()
    case = case_open(process=process, store=store, actor=staff)

    ProcessState.objects.filter(process=process, code="diagnosis").update(label="Workshop check")
    ProcessTransition.objects.filter(process=process, code="send_quote").update(
        label="Send the quotation"
    )
    version_2 = process_publish(process=process, actor=UserFactory(is_superuser=True))

    case.refresh_from_db()
    assert version_2.number == 2
    assert case.version.number == 1
    assert case.definition.transition("send_quote").label == "Send quote"
    assert version_2.definition.transition("send_quote").label == "Send the quotation"
    assert case.definition.state("diagnosis").label == "Diagnosis"


def test_versions_are_immutable():
    version = published_process().live_version

    with pytest.raises(TypeError):
        version.save()
    with pytest.raises(TypeError):
        ProcessVersion.objects.filter(pk=version.pk).update(number=9)
