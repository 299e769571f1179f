"""The monthly review (Reports > Monthly review): every case of a process opened in a month, with
what was asked, how it ended and each decision with its comment, for auditors and managers to
go through (e.g. the price exceptions of the month)."""

from __future__ import annotations

import django.forms
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from project.core.parameters import MonthField
from workflows import selectors
from workflows.choices import EventKind
from workflows.display import FormLabels, state_label, state_name, user_name
from workflows.models import Process
from workflows.views.access import can_view_cases
from workflows.views.case_detail import case_url


class ReviewForm(django.forms.Form):
    process = django.forms.ModelChoiceField(
        label=gettext_lazy("Process"), queryset=Process.objects.filter(live_version__isnull=False)
    )
    month = MonthField(
        label=gettext_lazy("Month"), help_text=gettext_lazy("Months are counted in UTC.")
    )


class MonthlyReviewView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "reports/review/monthly.html"
    page_title = gettext_lazy("Monthly review")
    header_icon = "list-ul"

    def dispatch(self, request, *args, **kwargs):
        if not can_view_cases(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        this_month = timezone.now().strftime("%Y-%m")
        default = Process.objects.filter(code="price-exception").first()
        data = self.request.GET.copy()
        data.setdefault("month", this_month)
        if default is not None:
            data.setdefault("process", str(default.pk))
        form = ReviewForm(data)
        rows = []
        if form.is_valid():
            process = form.cleaned_data["process"]
            year, month = form.cleaned_data["month"]
            cases = selectors.cases_of_month(
                user=self.request.user, process=process, year=year, month=month
            )
            rows = [self.row(case) for case in cases]
        context.update({"form": form, "rows": rows})
        return context

    def row(self, case) -> dict:
        definition = case.definition
        labels = FormLabels([definition.intake_form_version_id])
        decisions = []
        for event in case.review_events:
            if event.kind == EventKind.OPENED:
                continue
            transition = definition.transition(event.transition) if event.transition else None
            decisions.append(
                {
                    "when": event.created_at,
                    "who": user_name(event.actor) or _("System"),
                    "what": transition.label if transition else event.get_kind_display(),
                    "to": state_name(definition, event.to_state) if event.to_state else "",
                    "comment": event.comment or event.data.get("text", ""),
                }
            )
        return {
            "case": case,
            "url": case_url(case),
            "state": state_label(case),
            "requested_by": user_name(case.opened_by),
            "data_rows": labels.rows(case.data, definition.intake_form_version_id),
            "decisions": decisions,
        }
