"""The Area manager role: the second approval of large price exceptions, across the stores of an
area (given by store memberships). Acts on cases as an approver does."""

from django.db import migrations

from project.accounts.migration_helpers import grant, revoke

GRANTS = {
    "Area manager": [
        ("wagtailadmin", "access_admin"),
        ("stores", "view_store"),
        ("workflows", "view_case"),
        ("workflows", "change_case"),
    ],
}


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_roles"),
        ("workflows", "0004_act_on_cases_permission"),
    ]

    operations = [migrations.RunPython(grant(GRANTS), revoke(GRANTS))]
