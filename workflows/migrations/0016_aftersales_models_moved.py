"""The catalogue, quotation and invoice models now belong to the ``aftersales`` app
(``aftersales/migrations/0001_initial.py``). Only Django's state changes: the tables keep their
names and their rows."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("workflows", "0015_process_triggers"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.RemoveField(
                    model_name="invoiceline",
                    name="invoice",
                ),
                migrations.RemoveField(
                    model_name="quotation",
                    name="case",
                ),
                migrations.RemoveField(
                    model_name="quotation",
                    name="created_by",
                ),
                migrations.RemoveField(
                    model_name="quotationline",
                    name="quotation",
                ),
                migrations.RemoveField(
                    model_name="quotationline",
                    name="service_item",
                ),
                migrations.RemoveField(
                    model_name="quotationline",
                    name="spare_part",
                ),
                migrations.RemoveField(
                    model_name="serviceitemtext",
                    name="item",
                ),
                migrations.RemoveField(
                    model_name="serviceitemprice",
                    name="item",
                ),
                migrations.RemoveField(
                    model_name="spareparttext",
                    name="part",
                ),
                migrations.RemoveField(
                    model_name="sparepartprice",
                    name="part",
                ),
                migrations.DeleteModel(
                    name="Invoice",
                ),
                migrations.DeleteModel(
                    name="InvoiceLine",
                ),
                migrations.DeleteModel(
                    name="Quotation",
                ),
                migrations.DeleteModel(
                    name="QuotationLine",
                ),
                migrations.DeleteModel(
                    name="ServiceItemText",
                ),
                migrations.DeleteModel(
                    name="ServiceItem",
                ),
                migrations.DeleteModel(
                    name="ServiceItemPrice",
                ),
                migrations.DeleteModel(
                    name="SparePartText",
                ),
                migrations.DeleteModel(
                    name="SparePart",
                ),
                migrations.DeleteModel(
                    name="SparePartPrice",
                ),
            ],
        ),
    ]
