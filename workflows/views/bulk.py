"""The bulk transition on the case list: one transition applied to the selected cases."""

from __future__ import annotations

from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy
from wagtail.admin.views.bulk_action import BulkAction

from project.core.parameters import valid_ids
from workflows import selectors
from workflows.admin_forms import BulkTransitionForm
from workflows.display import CASE_ICON, state_label
from workflows.models import Case
from workflows.services import cases_bulk_transition
from workflows.views.access import can_view_cases
from workflows.views.case_detail import case_url


class CaseTransitionBulkAction(BulkAction):
    """Apply one transition to the selected cases. Each case succeeds or fails on its own
    (``cases_bulk_transition``) and the result page lists both."""

    display_name = gettext_lazy("Apply a transition")
    action_type = "transition"
    aria_label = gettext_lazy("Apply a transition to the selected cases")
    template_name = "workflows/cases/bulk_transition.html"
    result_template_name = "workflows/cases/bulk_result.html"
    action_priority = 10
    form_class = BulkTransitionForm
    # Set by the registered subclass: the list's filters, for "select all in listing".
    filterset_class = None
    models = [Case]

    def get_queryset(self, model, object_ids):
        return list(
            selectors.case_list(user=self.request.user)
            .filter(pk__in=valid_ids(object_ids))
            .order_by("reference")
        )

    def get_all_objects_in_listing_query(self, parent_id):
        filters = {}
        if self.filterset_class is not None:
            filterset = self.filterset_class(self.request.GET, request=self.request)
            if filterset.is_valid():
                filters = filterset.form.cleaned_data
        return selectors.case_list(
            user=self.request.user, filters=filters, search=self.request.GET.get("q", "")
        ).values_list("pk", flat=True)

    def check_perm(self, obj):
        # Scoping already left out the cases of other stores.
        return can_view_cases(self.request.user)

    def get_actionable_objects(self):
        if not hasattr(self, "_actionable"):
            self._actionable = super().get_actionable_objects()
        return self._actionable

    @property
    def selected(self) -> list[Case]:
        return self.get_actionable_objects()[0]

    def transition_choices(self) -> list[tuple[str, str]]:
        """Every transition leaving the state of at least one selected case."""
        choices: dict[str, str] = {}
        for case in self.selected:
            for transition in case.definition.transitions_from(case.state):
                choices.setdefault(transition.code, f"{transition.label} ({transition.code})")
        return sorted(choices.items(), key=lambda item: item[1])

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields["transition"].choices = self.transition_choices()
        return form

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["items"] = [
            {"item": case, "state_label": state_label(case), "url": case_url(case)}
            for case in self.selected
        ]
        context["header_icon"] = CASE_ICON
        return context

    def form_valid(self, form):
        result = cases_bulk_transition(
            cases=self.selected,
            transition=form.cleaned_data["transition"],
            actor=self.request.user,
            comment=form.cleaned_data["comment"],
        )
        return TemplateResponse(
            self.request,
            self.result_template_name,
            {
                "succeeded": [
                    {"case": case, "url": case_url(case), "state_label": state_label(case)}
                    for case in result.succeeded
                ],
                "failed": [
                    {"case": case, "url": case_url(case), "reason": reason}
                    for case, reason in result.failed
                ],
                "next": self.next_url,
                "header_icon": CASE_ICON,
                "transition": dict(self.transition_choices()).get(
                    form.cleaned_data["transition"], form.cleaned_data["transition"]
                ),
            },
        )
