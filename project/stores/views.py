from django.http import Http404
from wagtail.admin.views.generic import history, usage
from wagtail.admin.views.generic import models as generic
from wagtail.admin.views.reports.audit_logging import LogEntriesView

from project.core.admin_views import RefusingDeleteView
from project.core.exports import SafeIndexView, SafeSpreadsheetExportMixin
from project.stores.scoping import scope_log_entries, scope_to_user_stores


class StoreScopedObjectMixin:
    """Admin views of one store-owned object: another store's object answers 404 (not 403, so
    its existence is not disclosed)."""

    def get_object(self, *args, **kwargs):
        obj = super().get_object(*args, **kwargs)
        visible = scope_to_user_stores(
            self.model._default_manager.filter(pk=obj.pk), self.request.user
        )
        if not visible.exists():
            raise Http404
        return obj


class StoreScopedViewMixin(StoreScopedObjectMixin):
    """Admin views of store-owned models: lists show only the user's stores, and any other
    store's object answers 404."""

    def get_base_queryset(self):
        return scope_to_user_stores(super().get_base_queryset(), self.request.user)


class ScopedIndexView(StoreScopedViewMixin, SafeIndexView):
    pass


class ScopedEditView(StoreScopedViewMixin, generic.EditView):
    pass


class ScopedDeleteView(StoreScopedViewMixin, RefusingDeleteView):
    pass


class ScopedInspectView(StoreScopedViewMixin, generic.InspectView):
    pass


# History and usage list log entries and references, and copy builds a new store: only the
# store they are about is scoped.
class ScopedHistoryView(StoreScopedObjectMixin, history.HistoryView):
    pass


class ScopedUsageView(StoreScopedObjectMixin, usage.UsageView):
    pass


class ScopedCopyView(StoreScopedObjectMixin, generic.CopyView):
    pass


class StoreScopedLogEntriesView(SafeSpreadsheetExportMixin, LogEntriesView):
    """Reports > Site history (and its export), narrowed to the user's stores: a role confined to
    its stores does not read another store's edits (name, code, who, when)."""

    def filter_queryset(self, queryset):
        return scope_log_entries(super().filter_queryset(queryset), self.request.user)
