"""After-sales in the admin and on the workflow engine's extension points.

The "Catalogues" menu: spare parts and service items with their descriptions per language and
prices per currency. Process designers edit them; staff and approvers look them up. The
Quotations panel of the case page and its actions, ``quotation.*`` in transition conditions, the
quotation trigger events and the expiry of quotations after each timer sweep are registered on
``workflows.hooks``.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from aftersales import selectors, triggers
from aftersales.models import ServiceItem, SparePart
from aftersales.services import quotations_expire
from aftersales.views import quotations as quotation_views
from project.core.admin_views import RefusingDeleteView
from workflows import hooks as workflow_hooks

_TEXTS = InlinePanel(
    "texts",
    heading=_("Descriptions in other languages"),
    label=_("Description"),
    panels=[FieldRowPanel([FieldPanel("language"), FieldPanel("description")])],
)
_PRICES = InlinePanel(
    "prices",
    heading=_("Prices"),
    label=_("Price"),
    min_num=1,
    panels=[FieldRowPanel([FieldPanel("currency"), FieldPanel("amount")])],
)


class SparePartViewSet(ModelViewSet):
    model = SparePart
    delete_view_class = RefusingDeleteView
    icon = "cog"
    menu_label = _("Spare parts")
    list_display = ["part_number", "description", "brand", "active"]
    list_filter = ["active", "brand"]
    search_fields = ["part_number", "description", "brand"]
    panels = [
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("part_number"), FieldPanel("brand")]),
                FieldPanel("description"),
                FieldPanel("active"),
            ],
            heading=_("Spare part"),
        ),
        _TEXTS,
        _PRICES,
    ]


class ServiceItemViewSet(ModelViewSet):
    model = ServiceItem
    delete_view_class = RefusingDeleteView
    icon = "cogs"
    menu_label = _("Service items")
    list_display = ["code", "description", "light_intervention", "active"]
    list_filter = ["active", "light_intervention"]
    search_fields = ["code", "description"]
    panels = [
        MultiFieldPanel(
            [
                FieldPanel("code"),
                FieldPanel("description"),
                FieldRowPanel([FieldPanel("light_intervention"), FieldPanel("active")]),
            ],
            heading=_("Service item"),
        ),
        _TEXTS,
        _PRICES,
    ]


class CataloguesViewSetGroup(ViewSetGroup):
    menu_label = _("Catalogues")
    menu_name = "catalogues"
    menu_icon = "list-ul"
    menu_order = 220
    items = (
        SparePartViewSet("spare_parts", url_prefix="spare-parts"),
        ServiceItemViewSet("service_items", url_prefix="service-items"),
    )


@hooks.register("register_admin_viewset")
def register_catalogues():
    return CataloguesViewSetGroup()


@workflow_hooks.register_rule_context("quotation")
def quotation_rule_context(case, actor):
    """``quotation.*``: the case's latest quotation version (``number``, ``status``,
    ``valid_until``, ``total``, ``currency``), or None."""
    return {"quotation": selectors.quotation_latest_values(case=case)}


@hooks.register(workflow_hooks.TRIGGER_EVENTS)
def quotation_trigger_events():
    return triggers.EVENTS


@hooks.register(workflow_hooks.CASE_PANELS)
def quotations_panel(case, user, **forms):
    return quotation_views.quotation_panel(case, user, **forms)


@hooks.register(workflow_hooks.CASE_URLS)
def quotation_urls():
    return quotation_views.urls()


@hooks.register(workflow_hooks.AFTER_TIMERS)
def expire_quotations(now):
    """After the automatic transitions, whose conditions read a quotation while it is still
    "sent" (the care file's "no answer"), mark expired the quotations whose validity ended."""
    expired = quotations_expire(now=now)
    return {"expired": [f"{q.case.reference} v{q.number}" for q in expired]}
