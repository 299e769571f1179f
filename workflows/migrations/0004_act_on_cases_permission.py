"""Acting on a case (transitions, notes, attachments, assignment) needs ``change_case``: staff and
approvers have it; auditors and designers only look."""

from django.db import migrations

from project.accounts.migration_helpers import grant, revoke

GRANTS = {
    "Store staff": [("workflows", "change_case")],
    "Approver": [("workflows", "change_case")],
}


class Migration(migrations.Migration):
    dependencies = [("workflows", "0003_case_opened_index")]

    operations = [migrations.RunPython(grant(GRANTS), revoke(GRANTS))]
