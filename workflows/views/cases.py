"""The case list in the Wagtail admin: the index view and its columns.

The case's own pages live beside this module: ``case_detail`` (the page), ``case_actions`` (notes,
uploads, assignment, transitions), ``case_open``, ``case_files`` (downloads, the events feed) and
``bulk``; who may see what is in ``access``. Views read through ``workflows.selectors`` (scoped to
the user's stores: another store's case answers 404) and write through ``workflows.services``;
they only translate what the services refuse into messages and form errors.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy
from wagtail.admin.ui.tables import BulkActionsCheckboxColumn, Column

from project.core.exports import SafeIndexView
from workflows import selectors
from workflows.display import is_overdue, state_label
from workflows.models import Case
from workflows.views.access import can_open_cases
from workflows.views.case_detail import case_url


def case_title_id(case: Case) -> str:
    return f"case_{case.pk}_title"


class DueColumn(Column):
    """The deadline in the store's time zone, flagged when it has passed on an open case."""

    cell_template_name = "workflows/cases/due_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["is_overdue"] = is_overdue(instance)
        return context


class StoreTimeColumn(Column):
    """A moment shown in the case's store time zone."""

    cell_template_name = "workflows/cases/time_cell.html"


class CaseIndexView(SafeIndexView):
    """Cases of the user's stores. There is no add/edit/delete: cases change only through the
    services (the case page, the transition pages and the bulk action). The export neutralises
    formulas in its text cells: customer names come from the public request pages."""

    template_name = "workflows/cases/index.html"
    results_template_name = "atelier/index_results.html"  # says which filters were refused
    page_title = gettext_lazy("Cases")
    add_item_label = gettext_lazy("Open a case")

    def get_base_queryset(self):
        return selectors.case_list(user=self.request.user)

    def search_queryset(self, queryset):
        return selectors.cases_search(queryset, self.search_query)

    @cached_property
    def columns(self):
        return [BulkActionsCheckboxColumn("bulk_actions", obj_type="case"), *super().columns]

    def get_add_url(self):
        if can_open_cases(self.request.user):
            return reverse("cases:open_index")
        return None

    def get_edit_url(self, instance):
        return case_url(instance)

    def get_copy_url(self, instance):
        return None

    def get_inspect_url(self, instance):
        return None

    def get_delete_url(self, instance):
        return None

    def get_reorder_url(self):
        return None

    def get_list_more_buttons(self, instance):
        return []

    def to_row_dict(self, item):
        row = super().to_row_dict(item)
        replacements = {
            "state": lambda: state_label(item),
            "process": lambda: item.process.name,
            "store": lambda: item.store.code,
            "assignee": lambda: item.assignee.get_username() if item.assignee_id else "",
        }
        for name, value in replacements.items():
            if name in row:
                row[name] = value()
        return row
