"""Designers build processes; staff open and view cases; approvers and auditors view them."""

from django.db import migrations

from project.accounts.migration_helpers import grant, revoke

PROCESS = [("workflows", f"{action}_process") for action in ("add", "change", "delete", "view")]
VIEW_CASE = ("workflows", "view_case")
ADD_CASE = ("workflows", "add_case")

GRANTS = {
    "Process designer": [*PROCESS, VIEW_CASE],
    "Store staff": [ADD_CASE, VIEW_CASE],
    "Approver": [VIEW_CASE],
    "Auditor": [VIEW_CASE, ("workflows", "view_process")],
}


class Migration(migrations.Migration):
    dependencies = [
        ("workflows", "0001_initial"),
        ("accounts", "0002_roles"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant(GRANTS), revoke(GRANTS))]
