"""Who works with cases in the admin, and which case a request may see."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from project.stores.models import Store
from workflows import selectors
from workflows.models import Case


def can_view_cases(user) -> bool:
    """Model permissions say who works with cases at all (the roles get them by migration);
    store membership then says which cases."""
    return user.is_active and any(
        user.has_perm(f"workflows.{action}_case") for action in ("view", "add", "change")
    )


def can_open_cases(user) -> bool:
    return user.is_active and user.has_perm("workflows.add_case")


def sees_cases(user) -> bool:
    """Whether ``user`` works with cases and belongs to a store (or sees them all)."""
    return can_view_cases(user) and Store.objects.for_user(user).exists()


def case_or_404(request, pk, *, related: tuple[str, ...] = selectors.CASE_RELATED) -> Case:
    """The case if ``request.user`` sees its store; 404 otherwise, so that another store's case
    is indistinguishable from a missing one. ``related``: the rows loaded with it."""
    if not can_view_cases(request.user):
        raise PermissionDenied
    try:
        return selectors.case_get(user=request.user, pk=pk, related=related)
    except (Case.DoesNotExist, ValueError) as exc:
        raise Http404 from exc
