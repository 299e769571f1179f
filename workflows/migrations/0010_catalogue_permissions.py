"""Designers keep the catalogues; staff, approvers and area managers look parts and services up
when they quote; auditors see them."""

from django.db import migrations

from project.accounts.migration_helpers import grant, revoke

EDIT = [
    ("workflows", f"{action}_{model}")
    for model in ("sparepart", "serviceitem")
    for action in ("add", "change", "delete", "view")
]
VIEW = [("workflows", "view_sparepart"), ("workflows", "view_serviceitem")]

GRANTS = {
    "Process designer": EDIT,
    "Store staff": VIEW,
    "Approver": VIEW,
    "Area manager": VIEW,
    "Auditor": VIEW,
}


class Migration(migrations.Migration):
    dependencies = [
        ("workflows", "0009_catalogues_and_quotations"),
        ("accounts", "0003_area_manager_role"),
    ]

    operations = [migrations.RunPython(grant(GRANTS), revoke(GRANTS))]
