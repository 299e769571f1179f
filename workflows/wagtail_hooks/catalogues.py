"""The "Catalogues" menu: spare parts and service items with their descriptions per language and
prices per currency. Process designers edit them; staff and approvers look them up."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from workflows.quotation_models import ServiceItem, SparePart

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
