"""Designer views around a process: review and publish, and move open cases to a new version."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from wagtail.admin.views.generic import models as generic
from wagtail.admin.widgets.button import HeaderButton

from workflows.diagram import render_process_svg
from workflows.errors import CaseChanged, InvalidInput, PublishRefused
from workflows.models import Case, Process
from workflows.services import (
    process_build_definition,
    process_move_cases,
    process_problems,
    process_publish,
)


def _require(request, codename: str) -> None:
    if not request.user.has_perm(f"workflows.{codename}"):
        raise PermissionDenied


class ProcessEditView(generic.EditView):
    @property
    def header_buttons(self):
        return [
            *super().header_buttons,
            HeaderButton(
                _("Review and publish"),
                url=reverse("processes:publish", args=[self.object.pk]),
                icon_name="upload",
            ),
        ]


def publish_view(request, pk: int):
    """GET: the draft's diagram and every problem publishing would refuse. POST: publish."""
    _require(request, "change_process")
    process = get_object_or_404(Process, pk=pk)
    definition = process_build_definition(process=process)
    if request.method == "POST":
        try:
            version = process_publish(process=process, actor=request.user)
        except PublishRefused as exc:
            for error in exc.errors:
                messages.error(request, error)
        else:
            messages.success(
                request,
                _("%(process)s: version %(number)s is live.")
                % {"process": process, "number": version.number},
            )
            return redirect("processes:publish", pk=process.pk)
    problems = process_problems(process=process)
    svg = render_process_svg(definition, title=process.name)
    diagram = mark_safe(svg)  # noqa: S308  # nosec B308, B703  # the renderer escapes every text
    return TemplateResponse(
        request,
        "workflows/processes/publish.html",
        {
            "process": process,
            "problems": problems,
            "diagram": diagram,
            "versions": process.versions.order_by("-number"),
            "open_cases_elsewhere": Case.objects.open()
            .filter(process=process)
            .exclude(version_id=process.live_version_id)
            .count(),
            "page_title": _("Publish %(process)s") % {"process": process},
        },
    )


def move_cases_view(request, pk: int):
    """Move open cases of older versions to a chosen version, with a dry run first."""
    _require(request, "change_process")
    process = get_object_or_404(Process, pk=pk)
    versions = list(process.versions.order_by("-number"))
    if not versions:
        messages.error(request, _("Publish the process before moving cases."))
        return redirect("processes:publish", pk=process.pk)
    data = request.POST if request.method == "POST" else request.GET
    version = next((v for v in versions if str(v.pk) == data.get("version")), versions[0])
    old_states = sorted(
        set(
            Case.objects.open()
            .filter(process=process)
            .exclude(version=version)
            .values_list("state", flat=True)
        )
    )
    mapping = {state: data.get(f"map_{state}", "").strip() for state in old_states}
    mapping = {state: target for state, target in mapping.items() if target}
    rows, applied = [], False
    try:
        apply = request.method == "POST" and data.get("confirm") == "1"
        rows = process_move_cases(
            process=process,
            to_version=version,
            mapping=mapping,
            actor=request.user,
            dry_run=not apply,
        )
        problems = [row.problem for row in rows if row.problem]
        if apply and not problems:
            applied = True
            messages.success(
                request,
                _("%(count)s cases moved to version %(number)s.")
                % {"count": len(rows), "number": version.number},
            )
        elif apply:
            messages.error(request, _("Nothing was moved: map every state first."))
    except (InvalidInput, CaseChanged) as exc:
        messages.error(request, exc.message)
    return TemplateResponse(
        request,
        "workflows/processes/move_cases.html",
        {
            "process": process,
            "versions": versions,
            "version": version,
            "old_states": old_states,
            "mapping": mapping,
            "target_states": version.definition.states,
            "rows": rows,
            "applied": applied,
            "page_title": _("Move open cases of %(process)s") % {"process": process},
        },
    )
