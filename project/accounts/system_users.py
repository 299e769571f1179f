"""The system users: accounts that act when no person does, so every case event and every row a
machine writes still names who wrote it.

- ``public_web_user()`` (``public-web``) acts for visitors and customers on public pages: it opens
  the cases sent through them and fires the transition of a customer's quotation decision.
- ``scheduler_user()`` (``atelier-scheduler``) fires automatic transitions; case histories show it
  as the actor of what happened by itself.

Each is created on first use. None can sign in (no usable password, not staff, no groups); each
holds ``workflows.change_case`` and ``stores.access_all_stores``, so it may act on the cases of
every store and of nothing else. The permissions are looked up by name: this module imports no
app above the platform.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

PUBLIC_WEB_USERNAME = "public-web"
SCHEDULER_USERNAME = "atelier-scheduler"

# (app label, codename) of the permissions every system user holds.
SYSTEM_USER_PERMISSIONS = (
    ("stores", "access_all_stores"),
    ("workflows", "change_case"),
)


def public_web_user():
    """The system user that acts for visitors and customers on public pages (created on first
    use): it opens the cases sent through them and fires the transition of a customer's
    quotation decision."""
    return _system_user(PUBLIC_WEB_USERNAME, first_name="Public", last_name="website")


def scheduler_user():
    """The system user that fires automatic transitions (created on first use). It cannot sign
    in (no usable password, not staff) and holds ``workflows.change_case`` and
    ``stores.access_all_stores``, so it may act on cases of every store; case histories show it
    as the actor of what happened by itself."""
    return _system_user(SCHEDULER_USERNAME, first_name="Atelier", last_name="scheduler")


def _system_user(username: str, *, first_name: str, last_name: str):
    """The user ``username``; when it does not exist yet, created without a usable password or
    staff status and given ``SYSTEM_USER_PERMISSIONS``."""
    user, created = get_user_model().objects.get_or_create(
        username=username,
        defaults={"first_name": first_name, "last_name": last_name, "is_staff": False},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        user.user_permissions.add(
            *(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
                for app_label, codename in SYSTEM_USER_PERMISSIONS
            )
        )
    return user
