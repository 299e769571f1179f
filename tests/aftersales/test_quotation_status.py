"""A quotation's status changes only through its transitions (send, accept, refuse, supersede,
expire), each from its own statuses; the field cannot be written directly."""

import datetime

import pytest
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from aftersales.models import Quotation, QuotationStatus
from aftersales.services import quotation_create, quotations_expire
from tests.aftersales.factories import open_care_file
from workflows.errors import InvalidInput

pytestmark = pytest.mark.django_db

NOW = timezone.now()


@pytest.fixture
def draft(care_file, store, staff, service):
    case = open_care_file(care_file, store, staff)
    return quotation_create(case=case, actor=staff, lines=[{"service": service}])


def test_the_status_is_not_written_directly(draft):
    with pytest.raises(AttributeError):
        draft.status = QuotationStatus.ACCEPTED


def test_a_draft_is_sent_once(draft):
    draft.send(at=NOW, nonce="n1")
    assert (draft.status, draft.sent_at, draft.decision_nonce) == (QuotationStatus.SENT, NOW, "n1")

    with pytest.raises(TransitionNotAllowed):
        draft.send(at=NOW, nonce="n2")


@pytest.mark.parametrize("verb", ["accept", "refuse", "expire"])
def test_only_a_sent_quotation_is_answered_or_expires(draft, verb):
    kwargs = {"accept": {"at": NOW, "name": "Ji-woo Lee"}, "refuse": {"at": NOW}}.get(verb, {})
    with pytest.raises(TransitionNotAllowed):
        getattr(draft, verb)(**kwargs)

    draft.send(at=NOW, nonce="n1")
    getattr(draft, verb)(**kwargs)
    assert (
        draft.status
        == {
            "accept": QuotationStatus.ACCEPTED,
            "refuse": QuotationStatus.REFUSED,
            "expire": QuotationStatus.EXPIRED,
        }[verb]
    )


def test_an_answered_quotation_is_not_superseded(draft):
    draft.send(at=NOW, nonce="n1")
    draft.accept(at=NOW, name="Ji-woo Lee")

    with pytest.raises(TransitionNotAllowed):
        draft.supersede()


def test_the_saved_status_is_checked_against_the_database(draft):
    """Two writers: the second save of a transition from a stale status is refused."""
    from django_fsm import ConcurrentTransition

    other = Quotation.objects.get(pk=draft.pk)
    draft.send(at=NOW, nonce="n1")
    draft.save()
    other.supersede()

    with pytest.raises(ConcurrentTransition):
        other.save()


def test_expiry_marks_only_sent_quotations_past_their_validity(draft, staff):
    from aftersales.services import quotation_send

    sent = quotation_send(quotation=draft, actor=staff)
    Quotation.objects.filter(pk=sent.pk).update(
        valid_until=timezone.localdate() - datetime.timedelta(days=3)
    )

    expired = quotations_expire()

    assert [q.pk for q in expired] == [sent.pk]
    assert Quotation.objects.get(pk=sent.pk).status == QuotationStatus.EXPIRED
    assert quotations_expire() == []


def test_someone_outside_the_store_cannot_quote(care_file, store, staff, service):
    from project.accounts.roles import Role
    from tests.factories import StoreFactory, UserFactory

    case = open_care_file(care_file, store, staff)
    outsider = UserFactory(role=Role.STORE_STAFF, stores=[StoreFactory()])

    with pytest.raises(InvalidInput):
        quotation_create(case=case, actor=outsider, lines=[{"service": service}])
    assert not Quotation.objects.filter(case=case).exists()


# --- Expiring one quotation when its link is used -------------------------------------------------


def test_a_sent_quotation_past_its_validity_is_expired_once(draft, staff):
    from aftersales.services import quotation_expire, quotation_send

    sent = quotation_send(quotation=draft, actor=staff)
    Quotation.objects.filter(pk=sent.pk).update(
        valid_until=timezone.localdate() - datetime.timedelta(days=3)
    )
    stale = Quotation.objects.get(pk=sent.pk)  # as a second request read it

    marked = quotation_expire(quotation=Quotation.objects.get(pk=sent.pk))

    assert marked is not None and marked.status == QuotationStatus.EXPIRED
    assert quotation_expire(quotation=stale) is None  # the second caller changes nothing
    assert quotations_expire() == []
    assert Quotation.objects.get(pk=sent.pk).status == QuotationStatus.EXPIRED


def test_a_quotation_still_valid_or_not_sent_is_not_expired(draft, staff):
    from aftersales.services import quotation_expire, quotation_send

    assert quotation_expire(quotation=draft) is None
    sent = quotation_send(quotation=draft, actor=staff)
    today = timezone.now().astimezone(sent.case.store.zoneinfo).date()
    Quotation.objects.filter(pk=sent.pk).update(valid_until=today)

    assert quotation_expire(quotation=Quotation.objects.get(pk=sent.pk)) is None
    assert Quotation.objects.get(pk=sent.pk).status == QuotationStatus.SENT


def test_a_decision_recorded_meanwhile_stands_against_a_late_expiry(quoted):
    """The request read the quotation while sent; the customer's acceptance was saved before
    it locked the row: the acceptance stands."""
    from aftersales.services import quotation_decide, quotation_expire
    from project.accounts.system_users import public_web_user

    case, quotation = quoted
    stale = Quotation.objects.get(pk=quotation.pk)
    quotation_decide(quotation=quotation, accept=True, name="Ji-woo Lee", actor=public_web_user())
    past = timezone.localdate() - datetime.timedelta(days=3)
    Quotation.objects.filter(pk=quotation.pk).update(valid_until=past)
    stale.valid_until = past  # what the request read: sent, and past its validity

    assert quotation_expire(quotation=stale) is None
    assert Quotation.objects.get(pk=quotation.pk).status == QuotationStatus.ACCEPTED
