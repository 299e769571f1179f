"""Model bases every app shares.

``ImmutableModel`` is for rows written once and then only read: published versions (a form's,
a process's) and history (case events). Code that tries to change or delete one gets an
``ImmutableError`` at once instead of quietly rewriting what earlier records meant::

    class FormVersion(ImmutableModel):
        ...

    class CaseEventQuerySet(ImmutableQuerySetMixin, StoreScopedQuerySet):
        ...

    class CaseEvent(ImmutableModel):
        objects = CaseEventQuerySet.as_manager()

Deleting a parent still removes its immutable children where the foreign key says ``CASCADE``
(and ``SET_NULL`` still clears their foreign key): Django's deletion collector works through
the model's base manager, not through the refusing queryset. ``on_delete=PROTECT`` is how a model
keeps its immutable rows from going with their parent.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from django.db import models


class ImmutableError(TypeError):
    """Raised on an attempt to change or delete a row that is written once (a ``TypeError``:
    the code asked for something the model does not do)."""


def _refuse_fields(model: type[models.Model], fields: Iterable[str], what: str) -> None:
    mutable = getattr(model, "mutable_fields", frozenset())
    fields = set(fields)
    if not fields or not fields <= mutable:
        changed = ", ".join(sorted(fields - mutable)) or "all fields"
        raise ImmutableError(
            f"{model._meta.label} rows are immutable: {what} of {changed} refused."
        )


class ImmutableQuerySetMixin:
    """Mix into a model's queryset class (before ``models.QuerySet`` or a subclass of it) to
    refuse ``update()``, ``bulk_update()`` and ``delete()`` on its rows. Updates limited to the
    model's ``mutable_fields`` pass."""

    def update(self, **kwargs):
        _refuse_fields(self.model, kwargs, "update")
        return super().update(**kwargs)

    def bulk_update(self, objs, fields, batch_size=None):
        _refuse_fields(self.model, fields, "bulk update")
        return super().bulk_update(objs, fields, batch_size=batch_size)

    def delete(self):
        raise ImmutableError(f"{self.model._meta.label} rows are immutable: delete refused.")

    delete.alters_data = True
    delete.queryset_only = True


class ImmutableQuerySet(ImmutableQuerySetMixin, models.QuerySet):
    pass


class ImmutableModel(models.Model):
    """A row that is inserted once and never changed or deleted.

    Saving a row that exists raises ``ImmutableError``, as do ``delete()`` and the default
    manager's ``update()``, ``bulk_update()`` and ``delete()``.

    ``mutable_fields`` is the one documented exception: a subclass that must keep some bookkeeping
    column up to date lists it there, and ``save(update_fields=[...])``, ``update()`` and
    ``bulk_update()`` touching only those columns pass. Empty by default: nothing changes.
    Override ``get_immutable_message()`` to say what to do instead (e.g. "publish a new one").
    A subclass declaring its own manager keeps the refusals by building its queryset on
    ``ImmutableQuerySetMixin``.
    """

    mutable_fields: ClassVar[frozenset[str]] = frozenset()

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            update_fields = kwargs.get("update_fields")
            if update_fields is None or not set(update_fields) <= self.mutable_fields:
                raise ImmutableError(self.get_immutable_message())
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableError(self.get_immutable_message())

    def get_immutable_message(self) -> str:
        """The message of the ``ImmutableError`` raised when this row is changed."""
        return f"{self._meta.verbose_name} {self} cannot be changed."
