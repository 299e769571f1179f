"""The workflow engine's models, a package the way ``wagtail.models`` is one: processes and their
published versions (``processes``), cases and their history (``cases``), and the public page that
opens a case (``pages``). Every name code and old migrations import from ``workflows.models``
stays importable from here."""

from workflows.models.cases import (
    Attachment,
    Case,
    CaseEvent,
    CaseEventQuerySet,
    CaseQuerySet,
    _private_storage,
    attachment_path,
)
from workflows.models.pages import CaseRequestPage
from workflows.models.processes import (
    Process,
    ProcessState,
    ProcessTransition,
    ProcessTrigger,
    ProcessVersion,
    ProcessVersionQuerySet,
    ReferenceCounter,
    code_validator,
)

__all__ = [
    "Attachment",
    "Case",
    "CaseEvent",
    "CaseEventQuerySet",
    "CaseQuerySet",
    "CaseRequestPage",
    "Process",
    "ProcessState",
    "ProcessTransition",
    "ProcessTrigger",
    "ProcessVersion",
    "ProcessVersionQuerySet",
    "ReferenceCounter",
    "_private_storage",
    "attachment_path",
    "code_validator",
]
