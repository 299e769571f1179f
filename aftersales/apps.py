from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AftersalesConfig(AppConfig):
    """After-sales on the engines: catalogues, quotations, invoices, the customer's decision page
    and the quotation PDF. It plugs into the workflow engine through ``workflows.hooks`` (see
    ``aftersales/wagtail_hooks.py``) and ships its processes as fixtures."""

    name = "aftersales"
    label = "aftersales"
    verbose_name = _("After-sales")
    default_auto_field = "django.db.models.BigAutoField"
