"""Admin views every Atelier viewset builds on, where Wagtail's generic ones answer badly."""

from __future__ import annotations

from collections import Counter

from django.contrib import messages
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.shortcuts import redirect
from django.utils.text import capfirst
from django.utils.translation import gettext
from wagtail.admin.views.generic import models as generic


def references_text(objects) -> str:
    """``"Cases: 12, Pages: 1"``: how many rows of each kind still refer to what was to go."""
    counts = Counter(capfirst(obj._meta.verbose_name_plural) for obj in objects)
    return ", ".join(f"{kind}: {count}" for kind, count in sorted(counts.items()))


class RefusingDeleteView(generic.DeleteView):
    """Wagtail's delete view, answering a deletion the database refuses (a ``PROTECT`` or
    ``RESTRICT`` reference Wagtail's reference index does not know, such as a store's cases)
    with a message saying what still refers to the object, instead of a 500. Nothing is
    deleted: the deletion runs in a transaction that the refusal rolls back."""

    def form_valid(self, form):
        try:
            with transaction.atomic():
                return super().form_valid(form)
        except (ProtectedError, RestrictedError) as refusal:
            objects = (
                refusal.protected_objects
                if isinstance(refusal, ProtectedError)
                else refusal.restricted_objects
            )
            messages.error(
                self.request,
                gettext(
                    "“%(object)s” cannot be deleted while other records refer to it "
                    "(%(references)s). Close, move or delete those first."
                )
                % {"object": self.object, "references": references_text(objects)},
            )
            return redirect(self.get_delete_url())
