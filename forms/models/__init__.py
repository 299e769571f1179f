"""The models of the forms engine, one submodule per concern (as ``wagtail/models/`` is):

- ``definitions``: ``FormDefinition`` and its ``FormField`` rows, as designers edit them, and the
  frozen ``FormVersion`` every runtime form is built from;
- ``submissions``: ``FormSubmission``, its ``SubmissionFile`` rows and the ``PendingUpload`` files
  kept between the steps of a form;
- ``pages``: the public Wagtail page types that show a form (``AbstractFormPage``, ``FormPage``).

Every name code, tests and old migrations use as ``forms.models.<name>`` is re-exported here.
"""

from forms.models.definitions import (
    CLEAN_NAME_MAX_LENGTH,
    RULE_KEYWORDS,
    FormDefinition,
    FormField,
    FormVersion,
    FormVersionImmutable,
    as_date,
    clean_name_from_label,
    date_text,
    format_decimal,
    rule_error_text,
    split_lines,
)
from forms.models.pages import AbstractFormPage, FormPage, SubmissionRefused
from forms.models.submissions import (
    REFERENCE_ALPHABET,
    FormSubmission,
    PendingUpload,
    SubmissionFile,
    _private_storage,
    new_submission_reference,
    pending_upload_path,
    submission_file_path,
)

__all__ = [
    "CLEAN_NAME_MAX_LENGTH",
    "REFERENCE_ALPHABET",
    "RULE_KEYWORDS",
    "AbstractFormPage",
    "FormDefinition",
    "FormField",
    "FormPage",
    "FormSubmission",
    "FormVersion",
    "FormVersionImmutable",
    "PendingUpload",
    "SubmissionFile",
    "SubmissionRefused",
    "_private_storage",
    "as_date",
    "clean_name_from_label",
    "date_text",
    "format_decimal",
    "new_submission_reference",
    "pending_upload_path",
    "rule_error_text",
    "split_lines",
    "submission_file_path",
]
