"""A ticket with a protected django-fsm-2 field, ``ConcurrentTransitionMixin`` and hard-coded
transitions with a ``permission=`` check, and one audit row per transition shaped like
django-fsm-log's ``StateLog``. Its migration runs only on the benchmark's throw-away database:
the product's settings do not install the app."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from project.stores.models import Store


class Ticket(ConcurrentTransitionMixin, models.Model):
    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="+")
    reference = models.CharField(max_length=40, unique=True)
    customer_name = models.CharField(max_length=200, blank=True)
    state = FSMField(default="a", protected=True)
    state_entered_at = models.DateTimeField(default=timezone.now)
    opened_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return self.reference

    @transition(field=state, source="a", target="b", permission="peer.change_ticket")
    def ping(self):
        """Moves the ticket on; saving and the log belong to the caller."""

    @transition(field=state, source="b", target="a", permission="peer.change_ticket")
    def pong(self):
        """Moves the ticket back."""


class StateLog(models.Model):
    """django-fsm-log's audit row: who fired which transition from where to where, when."""

    timestamp = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, blank=True, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    source_state = models.CharField(max_length=255, db_index=True, null=True, blank=True)  # noqa: DJ001  # as django-fsm-log has it
    state = models.CharField(max_length=255, db_index=True)
    transition = models.CharField(max_length=255)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveIntegerField(db_index=True)
    content_object = GenericForeignKey("content_type", "object_id")
    description = models.TextField(blank=True, null=True)  # noqa: DJ001  # as django-fsm-log

    def __str__(self):
        return f"{self.content_type_id}/{self.object_id}: {self.source_state} -> {self.state}"
