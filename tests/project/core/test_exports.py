"""The one export path (project/core/exports.py): text a spreadsheet would run as a formula comes
out inert in every CSV and XLSX Atelier writes, typed cells stay typed, and nothing exports
without going through it."""

import csv
import datetime
import importlib
import importlib.util
import io
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.urls import URLResolver, get_resolver
from import_export import fields, resources, widgets
from import_export.formats.base_formats import CSV, XLSX
from openpyxl import load_workbook
from wagtail.admin.views.mixins import SpreadsheetExportMixin
from wagtail.admin.viewsets import viewsets
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.contrib.forms.utils import get_form_types

from project.core.exports import (
    SafeModelResource,
    SafeResourceMixin,
    SafeSpreadsheetExportMixin,
    neutralise_formula,
)
from project.stores.models import Store
from tests.exports import FORMULA_PAYLOADS, neutralised, read_from_xlsx

# --- The rule ------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", FORMULA_PAYLOADS)
def test_text_a_spreadsheet_would_run_gets_an_apostrophe(text):
    assert neutralise_formula(text) == neutralised(text)


@pytest.mark.parametrize(
    "text",
    ["\n=1", "  @SUM(A1)", "\u00a0+1"],  # a trigger after blanks a spreadsheet may trim
)
def test_a_trigger_after_leading_blanks_is_neutralised_too(text):
    assert neutralise_formula(text) == neutralised(text)


@pytest.mark.parametrize(
    "value",
    [
        "Ji-woo Park",
        "a=b",
        "1+1",
        "'=already inert",
        "",
        -5,
        -12.5,
        Decimal("-12.50"),
        datetime.date(2025, 3, 1),
        datetime.datetime(2025, 3, 1, 9, 30, tzinfo=datetime.UTC),
        None,
        True,
    ],
)
def test_plain_text_and_typed_values_are_unchanged(value):
    assert neutralise_formula(value) == value
    assert type(neutralise_formula(value)) is type(value)


def test_negative_numbers_as_text_are_neutralised_as_numbers_are_not():
    assert neutralise_formula("-5") == "'-5"
    assert neutralise_formula(-5) == -5


# --- Wagtail's spreadsheet export ----------------------------------------------------------------


class Listing(SafeSpreadsheetExportMixin):
    """The export half of an index view, over plain objects."""

    list_export = ["text", "amount", "price", "day", "moment"]
    export_headings = {
        "text": "=Text",
        "amount": "Amount",
        "price": "Price",
        "day": "Day",
        "moment": "Moment",
    }

    def to_row_dict(self, item):
        return {field: getattr(item, field) for field in self.list_export}


DAY = datetime.date(2025, 3, 1)
MOMENT = datetime.datetime(2025, 3, 1, 9, 30, tzinfo=datetime.UTC)


def listing_items():
    return [
        SimpleNamespace(text=text, amount=-5, price=Decimal("-12.50"), day=DAY, moment=MOMENT)
        for text in [*FORMULA_PAYLOADS, "plain", "-5"]
    ]


def test_the_listing_csv_neutralises_text_cells_and_headings():
    content = b"".join(Listing().stream_csv(listing_items())).decode()
    heading, *rows = csv.reader(io.StringIO(content))

    assert heading == ["'=Text", "Amount", "Price", "Day", "Moment"]
    assert [row[0] for row in rows] == [
        *(neutralised(text) for text in FORMULA_PAYLOADS),
        "plain",
        "'-5",
    ]
    assert {tuple(row[1:]) for row in rows} == {
        ("-5", "-12.50", "2025-03-01", "2025-03-01 09:30:00+00:00")
    }


def test_the_listing_xlsx_neutralises_text_cells_and_keeps_typed_cells_typed():
    output = io.BytesIO()
    Listing().write_xlsx(listing_items(), output)

    heading, *rows = load_workbook(io.BytesIO(output.getvalue())).active.iter_rows(values_only=True)
    assert heading[0] == "'=Text"
    assert [row[0] for row in rows] == [
        *(read_from_xlsx(neutralised(text)) for text in FORMULA_PAYLOADS),
        "plain",
        "'-5",
    ]
    # XLSX has no time zones: Wagtail writes the moment in UTC.
    assert {row[1:] for row in rows} == {(-5, -12.5, DAY, MOMENT.replace(tzinfo=None))}


# --- django-import-export ------------------------------------------------------------------------


class ItemResource(SafeResourceMixin, resources.Resource):
    text = fields.Field(attribute="text", column_name="Text")
    amount = fields.Field(attribute="amount", column_name="=Amount", widget=widgets.IntegerWidget())
    price = fields.Field(attribute="price", column_name="Price", widget=widgets.DecimalWidget())
    day = fields.Field(attribute="day", column_name="Day", widget=widgets.DateWidget())
    label = fields.Field(column_name="Label", widget=widgets.IntegerWidget())

    def dehydrate_label(self, item):
        # A typed widget does not make a dehydrated value safe: it can be any text.
        return item.text


def resource_items():
    return [
        SimpleNamespace(text=text, amount=-5, price=Decimal("-12.50"), day=DAY)
        for text in [*FORMULA_PAYLOADS, "plain"]
    ]


def test_a_resource_exports_csv_with_text_neutralised_and_numbers_as_numbers():
    dataset = ItemResource().export(resource_items())
    heading, *rows = csv.reader(io.StringIO(CSV().export_data(dataset)))

    assert heading == ["Text", "'=Amount", "Price", "Day", "Label"]
    expected = [*(neutralised(text) for text in FORMULA_PAYLOADS), "plain"]
    assert [row[0] for row in rows] == expected
    assert [row[4] for row in rows] == expected
    assert {tuple(row[1:4]) for row in rows} == {("-5", "-12.50", "2025-03-01")}


def test_a_resource_exports_xlsx_with_text_neutralised_and_typed_cells_typed():
    dataset = ItemResource().export(resource_items(), force_native_type=True)
    workbook = load_workbook(io.BytesIO(XLSX().export_data(dataset)))
    heading, *rows = workbook.active.iter_rows(values_only=True)

    assert heading == ("Text", "'=Amount", "Price", "Day", "Label")
    expected = [*(read_from_xlsx(neutralised(text)) for text in FORMULA_PAYLOADS), "plain"]
    assert [row[0] for row in rows] == expected
    assert [row[4] for row in rows] == expected
    # The date widget writes a date as a moment at midnight.
    assert {row[1:4] for row in rows} == {
        (-5, -12.5, datetime.datetime.combine(DAY, datetime.time()))
    }


@pytest.mark.django_db
def test_a_model_resource_neutralises_model_text():
    Store.objects.create(
        code="EVIL-1", name="=HYPERLINK(1)", country="KR", time_zone="Asia/Seoul", currency="KRW"
    )

    class StoreResource(SafeModelResource):
        class Meta:
            model = Store
            fields = ["code", "name"]

    dataset = StoreResource().export(Store.objects.filter(code="EVIL-1"))

    assert dataset.dict == [{"code": "EVIL-1", "name": "'=HYPERLINK(1)"}]


# --- Nothing exports around it -------------------------------------------------------------------

# Atelier's packages (pyproject's known-first-party, with the archive to come).
FIRST_PARTY = tuple(
    f"{package}."
    for package in ["project", "forms", "workflows", "aftersales", "training", "reports", "bridges"]
) + ("archive.",)


def is_first_party(cls) -> bool:
    return cls.__module__.startswith(FIRST_PARTY) and not cls.__module__.startswith("tests.")


def exports_unsafely(view_class, initkwargs) -> bool:
    """A spreadsheet-exporting view that does not neutralise: it has columns to export (its own or
    its viewset's), or it is one of Atelier's listings (which may choose its columns per request,
    as the submissions do)."""
    if not isinstance(view_class, type) or not issubclass(view_class, SpreadsheetExportMixin):
        return False
    if issubclass(view_class, SafeSpreadsheetExportMixin):
        return False
    return bool(initkwargs.get("list_export", view_class.list_export)) or is_first_party(view_class)


def unsafe_viewsets(registered) -> list[str]:
    unsafe = []
    for viewset in registered:
        index_view = getattr(viewset, "index_view", None)
        view_class = getattr(index_view, "view_class", None)
        if view_class and exports_unsafely(view_class, index_view.view_initkwargs):
            unsafe.append(
                f"{type(viewset).__name__} ({view_class.__module__}.{view_class.__name__})"
            )
    return unsafe


def served_views():
    """``route -> view class`` for every class-based view of the URLconf, as Django dispatches:
    the first pattern of a route answers it."""

    def walk(patterns, prefix):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, route)
            elif hasattr(pattern.callback, "view_class"):
                yield route, pattern.callback

    served = {}
    for route, callback in walk(get_resolver().url_patterns, ""):
        served.setdefault(route, callback)
    return served


@pytest.mark.django_db
def test_every_registered_viewset_that_exports_neutralises_formulas():
    served_views()  # loading the admin's URLs registers the viewsets

    registered = {type(viewset).__name__ for viewset in viewsets.viewsets}
    assert {"CaseViewSet", "FormSubmissionViewSet", "StoreViewSet"} <= registered
    assert unsafe_viewsets(viewsets.viewsets) == []


def test_the_viewset_check_catches_a_list_export_without_the_safe_index_view():
    class StoreListViewSet(ModelViewSet):
        model = Store
        list_export = ["code", "name"]

    assert unsafe_viewsets([StoreListViewSet("unsafe_stores")]) == [
        "StoreListViewSet (wagtail.admin.views.generic.models.IndexView)"
    ]


@pytest.mark.django_db
def test_every_exporting_view_the_urls_serve_neutralises_formulas():
    served = served_views()
    unsafe = [
        f"/{route} {callback.view_class.__module__}.{callback.view_class.__name__}"
        for route, callback in served.items()
        if exports_unsafely(callback.view_class, callback.view_initkwargs)
    ]

    assert unsafe == []
    # The walk sees the exports it guards: Atelier's lists and Wagtail's reports and redirects.
    for route in ["admin/cases/", "admin/form-submissions/", "admin/reports/site-history/"]:
        assert issubclass(served[route].view_class, SafeSpreadsheetExportMixin), route
    assert issubclass(served["admin/redirects/"].view_class, SafeSpreadsheetExportMixin)


def test_every_import_export_resource_of_atelier_neutralises_formulas():
    for app in apps.get_app_configs():
        module = f"{app.name}.resources"
        if module.startswith(FIRST_PARTY) and importlib.util.find_spec(module) is not None:
            importlib.import_module(module)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    unsafe = [
        f"{cls.__module__}.{cls.__name__}"
        for cls in set(subclasses(resources.Resource))
        if is_first_party(cls) and not issubclass(cls, SafeResourceMixin)
    ]
    assert unsafe == []


def test_no_page_type_uses_wagtail_form_submissions_whose_export_is_not_covered():
    # wagtail.contrib.forms' submissions listing exports through a function view the URL check
    # cannot see; Atelier's form pages keep their own submissions (forms.models.pages). A page
    # type built on Wagtail's FormMixin needs its submissions view made safe first.
    assert get_form_types() == []
