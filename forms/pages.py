"""The public form page types are models and live in ``forms.models.pages``; this module keeps
the names other apps import from here (``AbstractFormPage``, ``FormPage``,
``SubmissionRefused``). New code imports them from ``forms.models``."""

from forms.models.pages import AbstractFormPage, FormPage, SubmissionRefused

__all__ = ["AbstractFormPage", "FormPage", "SubmissionRefused"]
