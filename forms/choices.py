from django.db import models
from django.utils.translation import gettext_lazy as _


class FieldType(models.TextChoices):
    """The kinds of field a designer can put on a form.

    Whether the runtime can render a type is the builder's business (``FormBuilder.supports``);
    publishing refuses a form with a type it cannot render yet.
    """

    SINGLE_LINE = "single_line", _("Single line text")
    MULTI_LINE = "multi_line", _("Multi-line text")
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Phone number")
    NUMBER = "number", _("Number")
    MONEY = "money", _("Amount of money")
    DATE = "date", _("Date")
    DATETIME = "datetime", _("Date and time")
    CHECKBOX = "checkbox", _("Checkbox")
    DROPDOWN = "dropdown", _("Drop-down")
    RADIO = "radio", _("Radio buttons")
    MULTI_SELECT = "multi_select", _("Multiple choice")
    FILE = "file", _("File upload")
    IMAGE = "image", _("Image upload")
    SIGNATURE = "signature", _("Signature")
    LINE_ITEMS = "line_items", _("Line items")
    HEADING = "heading", _("Section heading")
    PAGE_BREAK = "page_break", _("Page break")


# Layout items: they structure the form but take no input and store nothing.
LAYOUT_TYPES = frozenset({FieldType.HEADING, FieldType.PAGE_BREAK})

# Types whose options come from the field's ``choices`` (one per line).
CHOICE_TYPES = frozenset({FieldType.DROPDOWN, FieldType.RADIO, FieldType.MULTI_SELECT})

# Types a regular expression, a placeholder and min/max length apply to.
TEXT_TYPES = frozenset({FieldType.SINGLE_LINE, FieldType.MULTI_LINE, FieldType.EMAIL})

# Types min/max value apply to (for money: the amount).
NUMERIC_TYPES = frozenset({FieldType.NUMBER, FieldType.MONEY})

# Types earliest/latest dates (``min_date``/``max_date``) apply to.
DATE_TYPES = frozenset({FieldType.DATE, FieldType.DATETIME})

# Types whose value is an uploaded file.
UPLOAD_TYPES = frozenset({FieldType.FILE, FieldType.IMAGE, FieldType.SIGNATURE})


class FormPurpose(models.TextChoices):
    """Where a form is used; it decides which processes and pages may pick it."""

    INTAKE = "intake", _("Case intake")
    STEP = "step", _("Workflow step")
    PUBLIC = "public", _("Public page")
    QUIZ = "quiz", _("Quiz")
