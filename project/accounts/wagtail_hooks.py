from django.contrib.auth.models import Permission
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from project.accounts import urls
from project.accounts.permissions import can_release_lockouts


@hooks.register("register_admin_urls")
def register_lockout_urls():
    return [path("sign-in-lockouts/", include(urls, namespace="lockouts"))]


class LockoutMenuItem(MenuItem):
    def is_shown(self, request):
        return can_release_lockouts(request.user)


@hooks.register("register_settings_menu_item")
def register_lockout_menu_item():
    return LockoutMenuItem(
        _("Sign-in lockouts"), reverse("lockouts:index"), icon_name="lock", order=950
    )


@hooks.register("register_permissions")
def register_lockout_permission():
    # Offered in Settings > Groups, so unlocking can be given without making someone superuser.
    return Permission.objects.filter(
        content_type__app_label="axes", codename="delete_accessattempt"
    )
