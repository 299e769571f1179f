"""Reports in the admin: the monthly review, in Wagtail's Reports menu."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from reports.views.review import MonthlyReviewView
from workflows import hooks as workflow_hooks
from workflows.views.access import can_view_cases


@hooks.register(workflow_hooks.CASE_URLS)
def review_urls():
    # Under the cases' URLs (``cases:review``, /admin/cases/review/), where it has always been.
    return [path("review/", MonthlyReviewView.as_view(), name="review")]


class ReviewMenuItem(MenuItem):
    def is_shown(self, request):
        return can_view_cases(request.user)


@hooks.register("register_reports_menu_item")
def register_monthly_review():
    return ReviewMenuItem(
        _("Monthly review"), reverse("cases:review"), icon_name="list-ul", order=900
    )
