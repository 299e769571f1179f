from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who signs in: admin, designer, store staff, approver, trainer, new hire or auditor.

    What a user may do comes from their groups (see ``project.accounts.roles``); which stores' data
    they see comes from their store memberships (``project.stores``).
    """

    preferred_language = models.CharField(
        _("preferred language"),
        max_length=10,
        blank=True,
        help_text=_("Language for notifications; empty means the store's first language."),
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
