"""The moved models' content types say ``aftersales`` now: the same rows relabelled, so their
permissions (and every group's and user's grant of them) follow without a change."""

from django.db import migrations

MOVED = [
    "sparepart",
    "spareparttext",
    "sparepartprice",
    "serviceitem",
    "serviceitemtext",
    "serviceitemprice",
    "quotation",
    "quotationline",
    "invoice",
    "invoiceline",
]


def relabel(apps, schema_editor, *, old: str, new: str):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    for model in MOVED:
        before = ContentType.objects.filter(app_label=old, model=model).first()
        if before is None:
            continue
        after = ContentType.objects.filter(app_label=new, model=model).first()
        if after is None:
            before.app_label = new
            before.save(update_fields=["app_label"])
            continue
        # Both exist (content types created for the new label before this ran): keep the new
        # row, moving every grant of the old permissions onto the same codename under it.
        for permission in Permission.objects.filter(content_type=before):
            twin = Permission.objects.filter(
                content_type=after, codename=permission.codename
            ).first()
            if twin is None:
                permission.content_type = after
                permission.save(update_fields=["content_type"])
                continue
            for group in permission.group_set.all():
                group.permissions.add(twin)
            for user in permission.user_set.all():
                user.user_permissions.add(twin)
            permission.delete()
        before.delete()


def forwards(apps, schema_editor):
    relabel(apps, schema_editor, old="workflows", new="aftersales")


def backwards(apps, schema_editor):
    relabel(apps, schema_editor, old="aftersales", new="workflows")


class Migration(migrations.Migration):
    dependencies = [
        ("aftersales", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
