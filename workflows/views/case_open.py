"""Opening a case from the admin: choose a process, then give the store, the customer and the
answers to the intake form of its live version."""

from __future__ import annotations

import django.forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from workflows.admin_forms import OpenCaseForm, add_refusal_errors, build_version_form
from workflows.display import CASE_ICON
from workflows.errors import InvalidInput
from workflows.models import Process
from workflows.services import case_open
from workflows.views.access import can_open_cases
from workflows.views.case_detail import case_url


def openable_processes():
    return Process.objects.filter(is_active=True, live_version__isnull=False).select_related(
        "live_version"
    )


class CaseOpenIndexView(WagtailAdminTemplateMixin, TemplateView):
    """The processes a case can be opened on (active and published)."""

    template_name = "workflows/cases/open_index.html"
    header_icon = CASE_ICON
    page_title = gettext_lazy("Open a case")

    def dispatch(self, request, *args, **kwargs):
        if not can_open_cases(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("cases:index"), "label": _("Cases")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["processes"] = [
            {"process": process, "url": reverse("cases:open", args=[process.pk])}
            for process in openable_processes().order_by("name")
        ]
        return context


class CaseOpenView(WagtailAdminTemplateMixin, TemplateView):
    """The store, the customer and the intake form of the process's live version."""

    template_name = "workflows/cases/open.html"
    header_icon = CASE_ICON
    prefix = "case"

    def dispatch(self, request, *args, **kwargs):
        if not can_open_cases(request.user):
            raise PermissionDenied
        self.process = get_object_or_404(openable_processes(), pk=kwargs["process_pk"])
        self.intake_version_id = self.process.live_version.definition.intake_form_version_id
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Open a case")

    def get_page_subtitle(self):
        return self.process.name

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("cases:index"), "label": _("Cases")},
            {"url": reverse("cases:open_index"), "label": _("Open a case")},
            {"url": "", "label": self.process.name, "sublabel": _("new case")},
        ]

    def get(self, request, *args, **kwargs):
        return self.render_to_response(
            self.get_context_data(
                form=OpenCaseForm(prefix=self.prefix, user=request.user),
                intake_form=build_version_form(self.intake_version_id),
            )
        )

    def post(self, request, *args, **kwargs):
        form = OpenCaseForm(request.POST, prefix=self.prefix, user=request.user)
        has_intake = bool(self.intake_version_id)
        if form.is_valid():
            try:
                case = case_open(
                    process=self.process,
                    store=form.cleaned_data["store"],
                    actor=request.user,
                    customer=form.customer(),
                    data=request.POST if has_intake else None,
                    files=request.FILES if has_intake else None,
                )
            except InvalidInput as exc:
                messages.error(request, exc.message)
                intake_form = build_version_form(
                    self.intake_version_id, data=request.POST, files=request.FILES
                )
                add_refusal_errors(intake_form, exc.field_errors)
            else:
                messages.success(request, _("Opened %(reference)s") % {"reference": case.reference})
                return redirect(case_url(case))
        else:
            intake_form = build_version_form(
                self.intake_version_id, data=request.POST, files=request.FILES
            )
            if intake_form is not None:
                intake_form.is_valid()
        return self.render_to_response(self.get_context_data(form=form, intake_form=intake_form))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        intake_form = kwargs.get("intake_form")
        form = kwargs["form"]
        context.update(
            {
                "process": self.process,
                "version": self.process.live_version,
                "is_multipart": bool(intake_form and intake_form.is_multipart()),
                "media": form.media + (intake_form.media if intake_form else django.forms.Media()),
                "no_store": not form.fields["store"].queryset.exists(),
            }
        )
        return context
