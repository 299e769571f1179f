"""Bounds on the texts designers type into forms and form pages (``project.core.limits``). Only
Django's state changes: a ``TextField``'s ``max_length`` and validators are checked by forms and
``full_clean``, and the columns stay text, so no table is rebuilt."""

import django.core.validators
import wagtail.fields
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("forms", "0005_confirmation_without_visitor_text"),
    ]

    operations = [
        # A TextField's maximum is Django's, not the database's: the column stays text.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="formdefinition",
                    name="description",
                    field=models.TextField(
                        blank=True,
                        max_length=2000,
                        validators=[django.core.validators.MaxLengthValidator(2000)],
                        verbose_name="description",
                    ),
                ),
                migrations.AlterField(
                    model_name="formfield",
                    name="choices",
                    field=models.TextField(
                        blank=True,
                        help_text="One per line. For drop-downs, radio buttons and multiple choice; for an amount of money, the currency codes offered (all when empty).",
                        max_length=10000,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="choices",
                    ),
                ),
                migrations.AlterField(
                    model_name="formfield",
                    name="condition",
                    field=models.TextField(
                        blank=True,
                        help_text='Rule over earlier fields\' names, e.g. warranty == "no". Empty: always shown. A hidden field is neither required nor stored.',
                        max_length=2000,
                        validators=[django.core.validators.MaxLengthValidator(2000)],
                        verbose_name="show only when",
                    ),
                ),
                migrations.AlterField(
                    model_name="formfield",
                    name="default_value",
                    field=models.TextField(
                        blank=True,
                        help_text="For multiple choice, one choice per line; for an amount of money, a currency code.",
                        max_length=2000,
                        validators=[django.core.validators.MaxLengthValidator(2000)],
                        verbose_name="default value",
                    ),
                ),
                migrations.AlterField(
                    model_name="formfield",
                    name="help_text",
                    field=models.TextField(
                        blank=True,
                        max_length=1000,
                        validators=[django.core.validators.MaxLengthValidator(1000)],
                        verbose_name="help text",
                    ),
                ),
                migrations.AlterField(
                    model_name="formpage",
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
                    model_name="formpage",
                    name="intro",
                    field=wagtail.fields.RichTextField(
                        blank=True,
                        max_length=10000,
                        validators=[django.core.validators.MaxLengthValidator(50000)],
                        verbose_name="introduction",
                    ),
                ),
                migrations.AlterField(
                    model_name="formpage",
                    name="thank_you_text",
                    field=wagtail.fields.RichTextField(
                        blank=True,
                        help_text="Shown with the reference once sent.",
                        max_length=10000,
                        validators=[django.core.validators.MaxLengthValidator(50000)],
                        verbose_name="thank-you text",
                    ),
                ),
            ],
        ),
    ]
