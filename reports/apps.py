from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """The Reports menu: reads of other apps' data (the monthly review, later the KPI dashboard
    and activity exports). Nothing imports it."""

    name = "reports"
    label = "reports"
    verbose_name = _("Reports")
    default_auto_field = "django.db.models.BigAutoField"
