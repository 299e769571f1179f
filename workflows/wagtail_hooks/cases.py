"""Cases in the Wagtail admin: the list (filters, search, export, bulk transition), the case pages
and the dashboard panels "My cases", "Waiting for my group" and "Overdue".

Model permissions say who works with cases at all (``view_case``; ``add_case`` to open them,
granted to the roles by migration); store membership says which: a user sees the cases of their
stores (``Case.objects.for_user``) and another store's case answers 404. Which transitions a user
may fire comes from the process's allowed groups.
"""

import django.forms
import django_filters
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.admin_url_finder import ModelAdminURLFinder
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column, StatusTagColumn, TitleColumn
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import BooleanRadioSelect

from project.core.admin_views import RefusingDeleteView
from project.core.parameters import DayRangeFilter
from project.stores.models import Store
from workflows import hooks as workflow_hooks
from workflows import selectors
from workflows.admin_forms import UserChoiceField, store_members
from workflows.display import CASE_ICON, assignee_name, is_overdue, state_label
from workflows.models import Case, Process
from workflows.views import bulk
from workflows.views.access import sees_cases
from workflows.views.case_actions import (
    CaseAssignView,
    CaseAttachView,
    CaseNoteView,
    CaseTransitionView,
)
from workflows.views.case_detail import CaseDetailView
from workflows.views.case_files import attachment_download, case_events_json
from workflows.views.case_open import CaseOpenIndexView, CaseOpenView
from workflows.views.cases import CaseIndexView, DueColumn, StoreTimeColumn, case_title_id

User = get_user_model()


# --- List -----------------------------------------------------------------------------------------


def _user_stores(request):
    if request is None:
        return Store.objects.none()
    return Store.objects.for_user(request.user).order_by("code")


def _store_members(request):
    return store_members(_user_stores(request)).order_by("first_name", "last_name", "username")


class UserChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = UserChoiceField


class CaseFilterSet(WagtailFilterSet):
    """The list's filters. They only describe the form: the filtering itself is
    ``selectors.cases_filter``, shared with the bulk action's "select all"."""

    process = django_filters.ModelChoiceFilter(
        label=_("Process"), queryset=Process.objects.order_by("name")
    )
    state = django_filters.CharFilter(
        label=_("State"), help_text=_("The state's code, e.g. diagnosis.")
    )
    store = django_filters.ModelChoiceFilter(label=_("Store"), queryset=_user_stores)
    assignee = UserChoiceFilter(label=_("Assignee"), queryset=_store_members)
    overdue = django_filters.BooleanFilter(label=_("Overdue"), widget=BooleanRadioSelect)
    status = django_filters.ChoiceFilter(
        label=_("Open or closed"),
        choices=[("open", _("Open")), ("closed", _("Closed"))],
        empty_label=_("All"),
        widget=django.forms.RadioSelect,
    )
    opened = DayRangeFilter(label=_("Opened"), field_name="opened_at", widget=DateRangePickerWidget)

    class Meta:
        model = Case
        fields = []

    def filter_queryset(self, queryset):
        return selectors.cases_filter(queryset, **self.form.cleaned_data)


def _case_url(case):
    return reverse("cases:detail", args=[case.pk])


class CaseViewSet(ModelViewSet):
    model = Case
    delete_view_class = RefusingDeleteView
    icon = CASE_ICON
    menu_label = _("Cases")
    menu_order = 200
    add_to_admin_menu = True
    # Cases change only through the services: no generic create, edit, copy or delete views.
    copy_view_enabled = False
    inspect_view_enabled = False
    add_to_reference_index = False
    index_view_class = CaseIndexView
    filterset_class = CaseFilterSet
    search_fields = ["reference", "customer_name", "customer_email", "customer_phone"]
    ordering = ["-opened_at", "-pk"]
    list_per_page = 50
    list_display = [
        TitleColumn(
            "reference",
            label=_("Reference"),
            sort_key="reference",
            get_url=_case_url,
            get_title_id=case_title_id,
        ),
        Column("process", label=_("Process"), accessor="process.name", sort_key="process__name"),
        StatusTagColumn(
            "state",
            label=_("State"),
            accessor=state_label,
            primary=lambda case: case.closed_at is None,
            sort_key="state",
        ),
        Column("store", label=_("Store"), accessor="store.code", sort_key="store__code"),
        Column("customer_name", label=_("Customer"), sort_key="customer_name"),
        # A plain column: UserColumn's avatar would look up a profile per row.
        Column("assignee", label=_("Assignee"), accessor=assignee_name),
        StoreTimeColumn("opened_at", label=_("Opened"), sort_key="opened_at"),
        DueColumn("due_at", label=_("Due"), sort_key="due_at"),
    ]
    list_export = [
        "reference",
        "process",
        "state",
        "store",
        "customer_name",
        "customer_email",
        "assignee",
        "opened_at",
        "due_at",
        "closed_at",
    ]
    export_headings = {
        "reference": _("Reference"),
        "process": _("Process"),
        "state": _("State"),
        "store": _("Store"),
        "customer_name": _("Customer name"),
        "customer_email": _("Customer e-mail"),
        "assignee": _("Assignee"),
        "opened_at": _("Opened"),
        "due_at": _("Due"),
        "closed_at": _("Closed"),
    }
    export_filename = "cases"

    @property
    def url_finder_class(self):
        class CaseAdminURLFinder(ModelAdminURLFinder):
            def construct_edit_url(self, instance):
                return _case_url(instance)

            def get_edit_url(self, instance):
                if self.user is not None and not (
                    Case.objects.for_user(self.user).filter(pk=instance.pk).exists()
                ):
                    return None
                return self.construct_edit_url(instance)

        return CaseAdminURLFinder

    def get_permissions_to_register(self):
        # Only viewing and opening mean something for cases (they change through services),
        # and "view" must be offered although there is no inspect view.
        return Permission.objects.filter(
            content_type__app_label="workflows", codename__in=["view_case", "add_case"]
        )

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("open/", CaseOpenIndexView.as_view(), name="open_index"),
            path("open/<int:process_pk>/", CaseOpenView.as_view(), name="open"),
            path("<int:pk>/", CaseDetailView.as_view(), name="detail"),
            path(
                "<int:pk>/transition/<slug:code>/",
                CaseTransitionView.as_view(),
                name="transition",
            ),
            path("<int:pk>/note/", CaseNoteView.as_view(), name="note"),
            path("<int:pk>/attach/", CaseAttachView.as_view(), name="attach"),
            path("<int:pk>/assign/", CaseAssignView.as_view(), name="assign"),
            path(
                "<int:pk>/attachments/<int:attachment_pk>/",
                attachment_download,
                name="attachment",
            ),
            path("<int:pk>/events/", case_events_json, name="events"),
            *workflow_hooks.case_urls(),
        ]


@hooks.register("register_admin_viewset")
def register_case_viewset():
    return CaseViewSet("cases")


@hooks.register("register_bulk_action")
class CaseTransitionBulkAction(bulk.CaseTransitionBulkAction):
    filterset_class = CaseFilterSet


# --- Dashboard ------------------------------------------------------------------------------------


class CasesPanel(Component):
    """A dashboard panel listing a few cases; subclasses say which."""

    template_name = "workflows/panels/cases.html"
    name = ""
    order = 50
    heading = ""
    icon = CASE_ICON
    empty_text = ""

    def __init__(self, user):
        self.user = user

    def get_cases(self) -> list[Case]:
        raise NotImplementedError

    def get_more_url(self) -> str:
        return ""

    def get_context_data(self, parent_context):
        now = timezone.now()
        return {
            "panel_id": self.name,
            "heading": self.heading,
            "icon": self.icon,
            "empty_text": self.empty_text,
            "more_url": self.get_more_url(),
            "rows": [
                {
                    "case": case,
                    "url": _case_url(case),
                    "state_label": state_label(case),
                    "is_overdue": is_overdue(case, now),
                }
                for case in self.get_cases()
            ],
        }


class MyCasesPanel(CasesPanel):
    name = "cases-mine"
    order = 40
    heading = _("My cases")
    icon = "user"
    empty_text = _("No open case is assigned to you.")

    def get_cases(self):
        return selectors.cases_assigned_to(self.user)

    def get_more_url(self):
        return f"{reverse('cases:index')}?assignee={self.user.pk}&status=open"


class WaitingCasesPanel(CasesPanel):
    name = "cases-waiting"
    order = 41
    heading = _("Waiting for my group")
    icon = "tasks"
    empty_text = _("No open case waits for a step your groups may take.")

    def get_cases(self):
        return selectors.cases_waiting_for(self.user)


class OverdueCasesPanel(CasesPanel):
    name = "cases-overdue"
    order = 42
    heading = _("Overdue")
    icon = "warning"
    empty_text = _("No open case is past its deadline.")

    def get_cases(self):
        return selectors.cases_overdue(self.user)

    def get_more_url(self):
        return f"{reverse('cases:index')}?overdue=true"


@hooks.register("construct_homepage_panels")
def add_case_panels(request, panels):
    if sees_cases(request.user):
        panels.extend(
            [
                MyCasesPanel(request.user),
                WaitingCasesPanel(request.user),
                OverdueCasesPanel(request.user),
            ]
        )
