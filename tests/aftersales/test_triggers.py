"""Quotation events move cases through the process's triggers, also on versions published
before triggers existed (their frozen spec names the transitions by the old keys)."""

import pytest

from aftersales.models import QuotationStatus
from aftersales.services import quotation_create, quotation_decide, quotation_send
from tests.aftersales.factories import DIAGNOSIS, move, open_care_file
from tests.factories import UserFactory
from workflows.models import ProcessTrigger, ProcessVersion
from workflows.services import case_fire_trigger, process_publish

pytestmark = pytest.mark.django_db

OLD_KEYS = {
    "quotation.sent": "quotation_send_transition",
    "quotation.accepted": "quotation_accept_transition",
    "quotation.refused": "quotation_refuse_transition",
}


def publish_as_before_triggers(process) -> ProcessVersion:
    """A version of ``process`` whose spec is what publishing wrote before triggers existed:
    the three ``quotation_*_transition`` keys and no ``triggers``."""
    live = process.live_version
    spec = {key: value for key, value in live.spec.items() if key != "triggers"}
    for event, code in live.definition.triggers:
        spec[OLD_KEYS[event]] = code
    old = ProcessVersion.objects.create(process=process, number=live.number + 1, spec=spec)
    process.live_version = old
    process.save(update_fields=["live_version"])
    return old


def test_publishing_freezes_the_process_triggers_into_the_version(care_file):
    assert dict(care_file.live_version.definition.triggers) == {
        "quotation.sent": "send_quotation",
        "quotation.accepted": "customer_accepts",
        "quotation.refused": "customer_refuses",
    }
    assert care_file.live_version.spec["triggers"] == [
        ["quotation.sent", "send_quotation"],
        ["quotation.accepted", "customer_accepts"],
        ["quotation.refused", "customer_refuses"],
    ]


def test_a_version_published_before_triggers_still_moves_its_cases(
    care_file, store, staff, service
):
    old = publish_as_before_triggers(care_file)
    assert "triggers" not in old.spec
    case = open_care_file(care_file, store, staff)
    assert case.version == old
    move(case, "send_to_diagnosis", staff)
    move(case, "record_diagnosis", staff, data=DIAGNOSIS)

    quotation = quotation_create(case=case, actor=staff, lines=[{"service": service}])
    quotation_send(quotation=quotation, actor=staff)
    case.refresh_from_db()
    assert case.state == "quotation"

    quotation_decide(quotation=quotation, accept=True, actor=staff, name="Ji-woo Lee")
    case.refresh_from_db()
    quotation.refresh_from_db()
    assert (quotation.status, case.state) == (QuotationStatus.ACCEPTED, "accepted")


def test_an_event_the_process_does_not_map_moves_nothing(care_file, store, staff):
    case = open_care_file(care_file, store, staff)

    assert case_fire_trigger(case=case, event="course.completed", actor=staff) is None
    case.refresh_from_db()
    assert case.state == care_file.live_version.definition.initial_state.code


def test_a_trigger_outside_its_transitions_sources_is_refused_or_skipped(care_file, store, staff):
    from workflows.errors import TransitionRefused

    case = open_care_file(care_file, store, staff)
    initial = case.state

    assert (
        case_fire_trigger(
            case=case, event="quotation.accepted", actor=staff, only_from_sources=True
        )
        is None
    )
    with pytest.raises(TransitionRefused):
        case_fire_trigger(case=case, event="quotation.accepted", actor=staff)
    case.refresh_from_db()
    assert case.state == initial


def test_publishing_refuses_a_trigger_for_an_unknown_event(care_file):
    from workflows.errors import PublishRefused

    ProcessTrigger.objects.create(process=care_file, event="nobody.knows", transition="accept")

    with pytest.raises(PublishRefused) as refused:
        process_publish(process=care_file, actor=UserFactory(is_superuser=True))

    assert "The trigger event “nobody.knows” is not known to Atelier." in refused.value.errors
