from django.db import models
from django.utils.translation import gettext_lazy as _


class StateKind(models.TextChoices):
    INITIAL = "initial", _("Initial")
    ACTIVE = "active", _("Active (someone works on it)")
    WAITING = "waiting", _("Waiting (for the customer, a parcel, a decision)")
    TERMINAL = "terminal", _("Terminal (the case is closed)")


class AssignmentRule(models.TextChoices):
    NONE = "none", _("Nobody: staff pick cases up")
    ROUND_ROBIN = "round_robin", _("Round robin among the store's assignees")
    LEAST_OPEN = "least_open", _("The assignee with the fewest open cases")
    BY_FIELD = "by_field", _("The user named in an intake form field")


class ButtonStyle(models.TextChoices):
    PRIMARY = "primary", _("Primary")
    SECONDARY = "secondary", _("Secondary")
    WARNING = "warning", _("Warning")


class EventKind(models.TextChoices):
    OPENED = "opened", _("Opened")
    TRANSITION = "transition", _("Transition")
    ASSIGNED = "assigned", _("Assigned")
    COMMENT = "comment", _("Internal note")
    ATTACHMENT = "attachment", _("Attachment added")
    MIGRATED = "migrated", _("Moved to a newer process version")
