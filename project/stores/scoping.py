"""Store scoping: staff see only the data of the stores they are members of.

Every queryset that lists or fetches store-owned rows for a person goes through
``scope_to_user_stores`` (or a model's ``objects.for_user(user)``). A model declares the path from
itself to its store in ``store_field``::

    class Case(models.Model):
        store = models.ForeignKey(Store, ...)
        store_field = "store"                  # CaseEvent would say "case__store"
        objects = StoreScopedQuerySet.as_manager()

    Case.objects.for_user(request.user)

Superusers and holders of ``stores.access_all_stores`` (the Auditor role) see every store.
"""

from django.db import models


def user_sees_all_stores(user) -> bool:
    return bool(user.is_active and (user.is_superuser or user.has_perm("stores.access_all_stores")))


def scope_to_user_stores(queryset: models.QuerySet, user, *, store_field: str | None = None):
    """Narrow ``queryset`` to the rows of the stores ``user`` belongs to.

    ``store_field`` defaults to the model's own ``store_field`` attribute. Inactive and anonymous
    users see nothing.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user_sees_all_stores(user):
        return queryset
    store_field = store_field or getattr(queryset.model, "store_field", "store")
    from project.stores.models import StoreMembership  # models.py imports this module

    member_of = StoreMembership.objects.filter(user=user).values("store_id")
    return queryset.filter(**{f"{store_field}__in": member_of})


class StoreScopedQuerySet(models.QuerySet):
    def for_user(self, user):
        return scope_to_user_stores(self, user)
