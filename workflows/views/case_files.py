"""What a case serves besides its page: attachment downloads and the history as JSON."""

from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from project.core.files import private_file_response
from workflows import selectors
from workflows.definition import ProcessDefinition
from workflows.display import state_label, state_name
from workflows.models import Attachment
from workflows.views.access import case_or_404


@require_safe
def attachment_download(request, pk, attachment_pk):
    """Stream an attachment after checking the case is visible to the user; never inline."""
    case = case_or_404(request, pk)
    attachment = get_object_or_404(Attachment, pk=attachment_pk, case=case)
    return private_file_response(
        attachment.file, filename=attachment.original_name, content_type=attachment.content_type
    )


def event_json(event, definition: ProcessDefinition) -> dict:
    return {
        "id": event.pk,
        "kind": event.kind,
        "actor": event.actor.get_username() if event.actor_id else None,
        "created_at": event.created_at,
        "transition": event.transition,
        "from_state": event.from_state,
        "from_label": state_name(definition, event.from_state),
        "to_state": event.to_state,
        "to_label": state_name(definition, event.to_state),
        "comment": event.comment,
        "data": event.data,
        "seconds_in_state": event.seconds_in_state,
    }


@require_safe
def case_events_json(request, pk):
    """The case's history as JSON, oldest first (read by the API and scripts)."""
    case = case_or_404(request, pk)
    definition = case.definition
    return JsonResponse(
        {
            "case": {
                "id": case.pk,
                "reference": case.reference,
                "process": case.process.code,
                "version": case.version.number,
                "state": case.state,
                "state_label": state_label(case),
            },
            "events": [event_json(event, definition) for event in selectors.case_events(case=case)],
        }
    )
