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


def user_store_ids(user) -> frozenset[int]:
    """The ids of the stores ``user`` is a member of, read once per user instance: a request's
    user, so a membership added or removed counts from the next request on."""
    cached = getattr(user, "_atelier_store_ids", None)
    if cached is None:
        from project.stores.models import StoreMembership  # models.py imports this module

        cached = frozenset(
            StoreMembership.objects.filter(user_id=user.pk).values_list("store_id", flat=True)
        )
        user._atelier_store_ids = cached
    return cached


def scope_to_user_stores(
    queryset: models.QuerySet, user, *, store_field: str | None = None, by_ids: bool = False
):
    """Narrow ``queryset`` to the rows of the stores ``user`` belongs to.

    ``store_field`` defaults to the model's own ``store_field`` attribute. Inactive and anonymous
    users see nothing. ``by_ids``: filter on the ids of the user's stores (``user_store_ids``,
    read once per user instance) instead of a membership subquery, which PostgreSQL takes longer
    to plan than a short list; for the queries every request about one object makes.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user_sees_all_stores(user):
        return queryset
    store_field = store_field or getattr(queryset.model, "store_field", "store")
    if by_ids:
        return queryset.filter(**{f"{store_field}__in": user_store_ids(user)})
    from project.stores.models import StoreMembership  # models.py imports this module

    member_of = StoreMembership.objects.filter(user=user).values("store_id")
    return queryset.filter(**{f"{store_field}__in": member_of})


def scope_log_entries(queryset: models.QuerySet, user):
    """Narrow a queryset of Wagtail's model log entries (the site history) to what ``user`` may
    see of store-owned objects: entries about a store they do not belong to, or about a row of
    such a store (any model with a ``store_field``), are left out. Wagtail only checks that the
    user has some permission on the model, whatever the store."""
    if user_sees_all_stores(user):
        return queryset
    field_names = {f.name for f in queryset.model._meta.get_fields()}
    if not {"content_type", "object_id"} <= field_names:
        return queryset  # page log entries: pages are public, they belong to no store's staff
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType
    from django.db.models.functions import Cast

    from project.stores.models import Store

    for model in apps.get_models():
        if model is Store:
            visible = scope_to_user_stores(Store.objects.all(), user, store_field="pk")
        elif hasattr(model, "store_field"):
            visible = scope_to_user_stores(model._default_manager.all(), user)
        else:
            continue
        keys = visible.annotate(_log_key=Cast("pk", models.CharField())).values("_log_key")
        content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
        queryset = queryset.exclude(
            models.Q(content_type=content_type) & ~models.Q(object_id__in=keys)
        )
    return queryset


class StoreScopedQuerySet(models.QuerySet):
    def for_user(self, user):
        return scope_to_user_stores(self, user)
