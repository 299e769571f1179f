"""Bounds on the texts of processes, case events and case request pages, and the range of an SLA
target (``project.core.limits``). Only Django's state changes: validators and a ``TextField``'s
``max_length`` are checked by forms and ``full_clean``, and the columns stay as they are, so no
table is rebuilt."""

import django.core.validators
import wagtail.fields
from decimal import Decimal
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("workflows", "0017_confirmation_without_visitor_text"),
    ]

    operations = [
        # A TextField's maximum is Django's, not the database's: the column stays text.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="caseevent",
                    name="comment",
                    field=models.TextField(
                        blank=True,
                        max_length=4000,
                        validators=[django.core.validators.MaxLengthValidator(4000)],
                        verbose_name="comment",
                    ),
                ),
                migrations.AlterField(
                    model_name="caserequestpage",
                    name="confirmation_body",
                    field=models.TextField(
                        blank=True,
                        default="Hello,\n\nThank you for writing to us. We received your message; its reference is {reference}. Please mention it if you contact us about this.\n\nAtelier",
                        help_text="Plain text, sent to the address the visitor typed: it carries only what is written here, never their answers. Placeholders: {reference}, {form}, {page}, {date}.",
                        max_length=4000,
                        validators=[django.core.validators.MaxLengthValidator(4000)],
                        verbose_name="confirmation text",
                    ),
                ),
                migrations.AlterField(
                    model_name="caserequestpage",
                    name="intro",
                    field=wagtail.fields.RichTextField(
                        blank=True,
                        max_length=10000,
                        validators=[django.core.validators.MaxLengthValidator(50000)],
                        verbose_name="introduction",
                    ),
                ),
                migrations.AlterField(
                    model_name="caserequestpage",
                    name="thank_you_text",
                    field=wagtail.fields.RichTextField(
                        blank=True,
                        help_text="Shown with the reference once sent.",
                        max_length=10000,
                        validators=[django.core.validators.MaxLengthValidator(50000)],
                        verbose_name="thank-you text",
                    ),
                ),
                migrations.AlterField(
                    model_name="process",
                    name="description",
                    field=models.TextField(
                        blank=True,
                        max_length=2000,
                        validators=[django.core.validators.MaxLengthValidator(2000)],
                        verbose_name="description",
                    ),
                ),
                migrations.AlterField(
                    model_name="processtransition",
                    name="condition",
                    field=models.TextField(
                        blank=True,
                        help_text='Only offered when this holds, e.g. quote.total > 500 and store.country == "KR"',
                        max_length=2000,
                        validators=[django.core.validators.MaxLengthValidator(2000)],
                        verbose_name="condition",
                    ),
                ),
                migrations.AlterField(
                    model_name="processtransition",
                    name="customer_message",
                    field=models.TextField(
                        blank=True,
                        help_text="E-mailed to the customer when this transition is made, if they gave an address. Placeholders: {reference}, {name}, {store}, {state}.",
                        max_length=4000,
                        validators=[django.core.validators.MaxLengthValidator(4000)],
                        verbose_name="message to the customer",
                    ),
                ),
            ],
        ),
        migrations.AlterField(
            model_name="processstate",
            name="sla_hours",
            field=models.DecimalField(
                blank=True,
                decimal_places=2,
                help_text="Leave empty when the state has no time target.",
                max_digits=8,
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(
                        Decimal("0.25"), "An SLA target is at least %(limit_value)s business hours."
                    ),
                    django.core.validators.MaxValueValidator(
                        Decimal("2000"), "An SLA target is at most %(limit_value)s business hours."
                    ),
                ],
                verbose_name="SLA target (business hours)",
            ),
        ),
    ]
