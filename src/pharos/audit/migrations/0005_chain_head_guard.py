"""The chain head exists from the start and only moves forward.

``pharos audit verify`` compares the last row with the head to catch rows removed from
the end of the log. These triggers stop the head itself from being deleted or wound back
by mistake (a deliberate attacker must drop them, as for the events' triggers).
"""

from django.db import migrations

SQLITE_UP = [
    """CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_auditchainhead
       BEGIN SELECT RAISE(ABORT, 'the audit chain head cannot be removed'); END""",
    """CREATE TRIGGER audit_head_forward_only BEFORE UPDATE ON audit_auditchainhead
       WHEN NEW.id IS NOT OLD.id OR NEW.last_seq < OLD.last_seq
         OR (NEW.last_seq = OLD.last_seq AND NEW.last_hash IS NOT OLD.last_hash)
       BEGIN SELECT RAISE(ABORT, 'the audit chain head only moves forward'); END""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS audit_head_no_delete",
    "DROP TRIGGER IF EXISTS audit_head_forward_only",
]

POSTGRES_UP = [
    """CREATE OR REPLACE FUNCTION audit_head_forward_only() RETURNS trigger AS $$
       BEGIN
         IF TG_OP = 'DELETE' THEN
           RAISE EXCEPTION 'the audit chain head cannot be removed';
         END IF;
         IF NEW.id IS DISTINCT FROM OLD.id OR NEW.last_seq < OLD.last_seq
            OR (NEW.last_seq = OLD.last_seq AND NEW.last_hash IS DISTINCT FROM OLD.last_hash) THEN
           RAISE EXCEPTION 'the audit chain head only moves forward';
         END IF;
         RETURN NEW;
       END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER audit_head_forward_only BEFORE UPDATE OR DELETE ON audit_auditchainhead
       FOR EACH ROW EXECUTE FUNCTION audit_head_forward_only()""",
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS audit_head_forward_only ON audit_auditchainhead",
    "DROP FUNCTION IF EXISTS audit_head_forward_only()",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_chain_head_row")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        ),
    ]
