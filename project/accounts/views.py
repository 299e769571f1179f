"""Sign-in lockouts: the page a locked-out user sees, and the administrators' list to unlock."""

from __future__ import annotations

import math

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin.views.account import LoginView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from project.accounts import selectors, services
from project.accounts.permissions import can_release_lockouts


def lockout_message() -> str:
    minutes = math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60)
    return ngettext(
        "Too many failed sign-in attempts: this user is locked out from your address. Try again "
        "in %(minutes)d minute, or ask an administrator to unlock it.",
        "Too many failed sign-in attempts: this user is locked out from your address. Try again "
        "in %(minutes)d minutes, or ask an administrator to unlock it.",
        minutes,
    ) % {"minutes": minutes}


def login_locked_out(request, original_response=None, credentials=None):
    """django-axes' lockout response (``AXES_LOCKOUT_CALLABLE``): Wagtail's sign-in page, saying
    why the sign-in was refused, with 429 and Retry-After."""
    view = LoginView()
    view.setup(request)
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    # Unbound: a bound form would authenticate again, and count one more failure.
    form = view.get_form_class()(request, initial={"username": username})
    context = view.get_context_data(form=form)
    context["lockout_message"] = lockout_message()
    response = render(request, "accounts/login_locked_out.html", context, status=429)
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response


class LockoutPermissionMixin:
    def dispatch(self, request, *args, **kwargs):
        if not can_release_lockouts(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class LockoutIndexView(LockoutPermissionMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "accounts/lockouts/index.html"
    page_title = gettext_lazy("Sign-in lockouts")
    header_icon = "lock"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["lockouts"] = selectors.lockout_list()
        context["failure_limit"] = settings.AXES_FAILURE_LIMIT
        return context


class LockoutReleaseView(LockoutPermissionMixin, View):
    http_method_names = ["post"]

    def post(self, request):
        username = request.POST.get("username", "")
        ip_address = request.POST.get("ip_address", "")
        if services.lockout_release(username=username, ip_address=ip_address, actor=request.user):
            messages.success(
                request,
                _("%(username)s may sign in again from %(address)s.")
                % {"username": username, "address": ip_address or _("an unknown address")},
            )
        else:
            messages.warning(request, _("That lockout had already ended."))
        return redirect("lockouts:index")
