from django.http import Http404
from wagtail.admin.views.generic import models as generic

from project.core.exports import SafeIndexView
from project.stores.scoping import scope_to_user_stores


class StoreScopedViewMixin:
    """Admin views of store-owned models: lists show only the user's stores, and any other
    store's object answers 404 (not 403, so its existence is not disclosed)."""

    def get_base_queryset(self):
        return scope_to_user_stores(super().get_base_queryset(), self.request.user)

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        visible = scope_to_user_stores(
            self.model._default_manager.filter(pk=obj.pk), self.request.user
        )
        if not visible.exists():
            raise Http404
        return obj


class ScopedIndexView(StoreScopedViewMixin, SafeIndexView):
    pass


class ScopedEditView(StoreScopedViewMixin, generic.EditView):
    pass


class ScopedDeleteView(StoreScopedViewMixin, generic.DeleteView):
    pass


class ScopedInspectView(StoreScopedViewMixin, generic.InspectView):
    pass
