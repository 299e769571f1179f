import django_filters
from django.contrib.auth.models import Permission
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.admin_url_finder import ModelAdminURLFinder
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.models import Page

from forms import views
from forms.models import FormDefinition, FormSubmission, FormVersion
from project.core.admin_views import RefusingDeleteView
from project.core.parameters import DayRangeFilter


class FormDefinitionViewSet(ModelViewSet):
    """Designers build forms here; "Publish" freezes the saved form as its next version."""

    model = FormDefinition
    delete_view_class = RefusingDeleteView
    icon = "form"
    menu_label = _("Form definitions")
    list_display = ["name", "slug", "purpose", "live_version", "updated_at"]
    list_filter = ["purpose"]
    search_fields = ["name", "slug"]
    ordering = ["name"]
    edit_view_class = views.FormDefinitionEditView
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("name"), FieldPanel("slug")]),
                    FieldPanel("purpose"),
                    FieldPanel("description"),
                ],
                heading=_("Form"),
            ),
            InlinePanel("fields", heading=_("Fields"), label=_("Field")),
        ]
    )

    def get_edit_view_kwargs(self, **kwargs):
        return super().get_edit_view_kwargs(publish_url_name=self.get_url_name("publish"), **kwargs)

    @property
    def publish_view(self):
        return self.construct_view(views.FormPublishView, edit_url_name=self.get_url_name("edit"))

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path(f"<{self.pk_path_converter}:pk>/publish/", self.publish_view, name="publish"),
        ]


def _form_versions(request):
    """The chosen form's versions (all versions while no form is chosen)."""
    versions = FormVersion.objects.select_related("form").order_by("form__name", "-number")
    form = views.selected_form(request)
    if form is not None:
        versions = versions.filter(form=form)
    return versions


def _submission_pages(request):
    return Page.objects.filter(
        pk__in=FormSubmission.objects.filter(page__isnull=False).values("page")
    ).order_by("title")


class FormSubmissionFilterSet(WagtailFilterSet):
    form = django_filters.ModelChoiceFilter(
        label=_("Form"), queryset=FormDefinition.objects.order_by("name")
    )
    form_version = django_filters.ModelChoiceFilter(label=_("Version"), queryset=_form_versions)
    page = django_filters.ModelChoiceFilter(label=_("Page"), queryset=_submission_pages)
    submitted_at = DayRangeFilter(label=_("Submitted"), widget=DateRangePickerWidget)

    class Meta:
        model = FormSubmission
        fields = []


def _submission_url(submission):
    return reverse("form_submissions:inspect", args=[submission.pk])


class FormSubmissionViewSet(ModelViewSet):
    """What visitors sent through form pages. Read and delete only: submissions are records.

    Seeing them needs "view" (or "delete") on form submissions, which no shipped role has:
    answers hold personal data, so an administrator grants it to the groups that handle them.
    """

    model = FormSubmission
    delete_view_class = RefusingDeleteView
    icon = "form"
    menu_label = _("Submissions")
    index_view_class = views.FormSubmissionIndexView
    inspect_view_class = views.FormSubmissionInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    add_to_reference_index = False
    filterset_class = FormSubmissionFilterSet
    search_fields = ["reference", "submitter_email"]
    ordering = ["-submitted_at", "-pk"]
    list_per_page = 50
    list_display = [
        TitleColumn(
            "reference", label=_("Reference"), sort_key="reference", get_url=_submission_url
        ),
        Column("submitted_at", label=_("Submitted"), sort_key="submitted_at"),
        Column("form", label=_("Form"), accessor="form.name"),
        Column("form_version", label=_("Version"), accessor="form_version.number"),
        Column("page", label=_("Page"), accessor=lambda s: s.page.title if s.page_id else ""),
    ]
    export_filename = "submissions"

    def get_common_view_kwargs(self, **kwargs):
        # Submissions are never added, edited or copied here; they have no history page.
        return super().get_common_view_kwargs(
            **{
                "add_url_name": None,
                "edit_url_name": None,
                "history_url_name": None,
                "usage_url_name": None,
                **kwargs,
            }
        )

    @property
    def url_finder_class(self):
        class SubmissionAdminURLFinder(ModelAdminURLFinder):
            def construct_edit_url(self, instance):
                return _submission_url(instance)

        return SubmissionAdminURLFinder

    def get_permissions_to_register(self):
        return Permission.objects.filter(
            content_type__app_label="forms",
            codename__in=["view_formsubmission", "delete_formsubmission"],
        )

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("<int:pk>/", self.inspect_view, name="inspect"),
            path("<int:pk>/delete/", self.delete_view, name="delete"),
            path(
                "<int:pk>/files/<int:file_pk>/",
                views.submission_file_download,
                name="file",
            ),
        ]


class FormsViewSetGroup(ViewSetGroup):
    """The "Forms" menu: form definitions and what visitors sent through form pages."""

    menu_label = _("Forms")
    menu_name = "atelier-forms"  # "forms" is wagtail.contrib.forms' menu item
    menu_icon = "form"
    menu_order = 200
    items = (
        FormDefinitionViewSet("form_definitions", url_prefix="form-definitions"),
        FormSubmissionViewSet("form_submissions", url_prefix="form-submissions"),
    )


@hooks.register("register_admin_viewset")
def register_forms_viewsets():
    return FormsViewSetGroup()
