"""Admin views of the forms engine; they translate service results and errors into messages."""

from django.contrib import messages
from django.contrib.admin.utils import quote
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from wagtail.admin.views.generic import models as generic
from wagtail.admin.views.generic.base import BaseOperationView
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.widgets.button import HeaderButton

from forms.services import form_publish


class FormDefinitionEditView(generic.EditView):
    """The edit view, with a "Publish" button that publishes the saved form."""

    publish_url_name = None

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if self.publish_url_name and self.user_has_permission_for_instance("change", self.object):
            live = self.object.live_version
            buttons.append(
                HeaderButton(
                    _("Publish"),
                    icon_name="upload",
                    attrs={
                        "data-controller": "w-action",
                        "data-action": "w-action#post",
                        "data-w-action-url-value": reverse(
                            self.publish_url_name, args=[quote(self.object.pk)]
                        ),
                        "title": (
                            _("Publish the saved form; version %(number)s is live now.")
                            % {"number": live.number}
                            if live
                            else _("Publish the saved form; it has no live version yet.")
                        ),
                    },
                )
            )
        return buttons


class FormPublishView(PermissionCheckedMixin, BaseOperationView):
    """POST: publish the saved form, then go back to its edit view with the outcome."""

    permission_required = "change"
    edit_url_name = None

    def get_success_url(self):
        return self.next_url or reverse(self.edit_url_name, args=[quote(self.object.pk)])

    def post(self, request, *args, **kwargs):
        previous = self.object.live_version_id
        try:
            version = form_publish(form=self.object, actor=request.user)
        except ValidationError as exc:
            messages.error(
                request,
                format_html(
                    "{}<ul>{}</ul>",
                    _("“%(form)s” was not published:") % {"form": self.object},
                    format_html_join("", "<li>{}</li>", ((message,) for message in exc.messages)),
                ),
            )
        else:
            if version.pk == previous:
                messages.info(
                    request,
                    _("Nothing changed since version %(number)s; it stays live.")
                    % {"number": version.number},
                )
            else:
                messages.success(
                    request, _("Published version %(number)s.") % {"number": version.number}
                )
        return redirect(self.get_success_url())
