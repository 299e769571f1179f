"""The peer's one write: a transition as a team writes it by hand."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django_fsm import has_transition_perm

from peer.models import StateLog, Ticket


def ticket_transition(*, ticket: Ticket, transition: str, actor) -> StateLog:
    """Lock the ticket, check the user may fire ``transition``, fire it, save, log it."""
    with transaction.atomic():
        locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
        method = getattr(locked, transition)
        if not has_transition_perm(method, actor):
            raise PermissionDenied(f"{actor} may not {transition} {locked}.")
        source = locked.state
        method()
        locked.state_entered_at = timezone.now()
        locked.save()
        return StateLog.objects.create(
            by=actor,
            source_state=source,
            state=locked.state,
            transition=transition,
            content_type=ContentType.objects.get_for_model(locked),
            object_id=locked.pk,
        )
