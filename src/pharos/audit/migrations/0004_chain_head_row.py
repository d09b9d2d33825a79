"""The chain head row exists from the start (``pharos audit verify`` compares the last event with it)."""

from django.db import migrations

GENESIS = "0" * 64


def create_head(apps, schema_editor):
    head_model = apps.get_model("audit", "AuditChainHead")
    head_model.objects.using(schema_editor.connection.alias).get_or_create(
        id=1, defaults={"last_seq": 0, "last_hash": GENESIS}
    )


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_event_plural")]

    operations = [migrations.RunPython(create_head, migrations.RunPython.noop)]
