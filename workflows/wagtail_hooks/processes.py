import django.forms
from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.admin.viewsets.model import ModelViewSet

from project.core.admin_views import RefusingDeleteView
from workflows.models import Process
from workflows.views import processes as views


class ProcessViewSet(ModelViewSet):
    """Process designers edit processes here; publishing freezes them into versions."""

    model = Process
    delete_view_class = RefusingDeleteView
    icon = "tasks"
    menu_label = _("Processes")
    menu_order = 210
    add_to_admin_menu = True
    copy_view_enabled = True
    list_display = ["name", "code", "reference_prefix", "live_version", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "code"]
    edit_view_class = views.ProcessEditView
    panels = [
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("name"), FieldPanel("code")]),
                FieldRowPanel([FieldPanel("reference_prefix"), FieldPanel("is_active")]),
                FieldPanel("description"),
                FieldPanel("intake_form"),
            ],
            heading=_("Process"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("assignment_rule"),
                FieldRowPanel([FieldPanel("assignee_group"), FieldPanel("assignment_field")]),
            ],
            heading=_("Assignment"),
        ),
        InlinePanel(
            "triggers",
            heading=_("Triggers"),
            label=_("Trigger"),
            help_text=_(
                "Events from outside the process that fire one of its transitions, e.g. a "
                "document sent to the customer or the customer's answer."
            ),
            panels=[FieldRowPanel([FieldPanel("event"), FieldPanel("transition")])],
        ),
        InlinePanel(
            "states",
            heading=_("States"),
            label=_("State"),
            panels=[
                FieldRowPanel([FieldPanel("code"), FieldPanel("label")]),
                FieldRowPanel([FieldPanel("kind"), FieldPanel("sla_hours"), FieldPanel("colour")]),
            ],
        ),
        InlinePanel(
            "transitions",
            heading=_("Transitions"),
            label=_("Transition"),
            panels=[
                FieldRowPanel([FieldPanel("code"), FieldPanel("label")]),
                FieldRowPanel([FieldPanel("sources"), FieldPanel("target")]),
                FieldPanel("allowed_groups", widget=django.forms.CheckboxSelectMultiple),
                FieldRowPanel([FieldPanel("step_form"), FieldPanel("button_style")]),
                FieldPanel("condition"),
                FieldPanel("condition_message"),
                FieldPanel("customer_message"),
                FieldRowPanel([FieldPanel("comment_required"), FieldPanel("automatic")]),
            ],
        ),
    ]

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("publish/<int:pk>/", views.publish_view, name="publish"),
            path("move-cases/<int:pk>/", views.move_cases_view, name="move_cases"),
        ]


@hooks.register("register_admin_viewset")
def register_process_viewset():
    return ProcessViewSet("processes")
