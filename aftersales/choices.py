from django.db import models
from django.utils.translation import gettext_lazy as _


class QuotationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent to the customer")
    ACCEPTED = "accepted", _("Accepted")
    REFUSED = "refused", _("Refused")
    SUPERSEDED = "superseded", _("Replaced by a revision")
    EXPIRED = "expired", _("Expired")


class LineKind(models.TextChoices):
    PART = "part", _("Spare part")
    SERVICE = "service", _("Service")
    OTHER = "other", _("Other")
