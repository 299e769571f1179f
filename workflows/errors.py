"""What the workflow services refuse, with the reason said in words a staff member understands."""

from __future__ import annotations


class WorkflowError(Exception):
    """Base of every refusal; ``message`` is shown to the user as is."""

    def __init__(self, message: str, *, field_errors: dict | None = None):
        super().__init__(message)
        self.message = message
        self.field_errors = field_errors or {}


class TransitionRefused(WorkflowError):
    """The transition may not run now. ``reason`` is one of: unknown, wrong_state, closed,
    automatic (it fires by itself), permission, condition, comment, step_form."""

    def __init__(self, message: str, *, reason: str, field_errors: dict | None = None):
        super().__init__(message, field_errors=field_errors)
        self.reason = reason


class CaseChanged(WorkflowError):
    """Someone else changed the case since the user loaded it: reload and try again."""


class InvalidInput(WorkflowError):
    """A form (intake, step) or an upload was refused; ``field_errors`` names the fields."""


class PublishRefused(WorkflowError):
    """The process definition cannot be published; ``errors`` lists every reason."""

    def __init__(self, errors: list[str]):
        super().__init__(" ".join(errors))
        self.errors = errors
