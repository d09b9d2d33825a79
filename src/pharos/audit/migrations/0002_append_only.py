"""Database triggers that make the audit table append-only.

Only ``data`` and ``redacted_at`` may change (redaction); no row may be deleted. The
hash chain catches tampering after the fact; these triggers stop the ordinary mistakes
(an ORM delete, a careless UPDATE) before they happen.
"""

from django.db import migrations

SQLITE_UP = [
    """CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""",
    """CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_auditevent
       WHEN NEW.seq IS NOT OLD.seq OR NEW.occurred_at IS NOT OLD.occurred_at
         OR NEW.action IS NOT OLD.action OR NEW.actor_id IS NOT OLD.actor_id
         OR NEW.actor_label IS NOT OLD.actor_label OR NEW.organisation_id IS NOT OLD.organisation_id
         OR NEW.target_type IS NOT OLD.target_type OR NEW.target_id IS NOT OLD.target_id
         OR NEW.data_digest IS NOT OLD.data_digest OR NEW.prev_hash IS NOT OLD.prev_hash
         OR NEW.row_hash IS NOT OLD.row_hash OR NEW.request_id IS NOT OLD.request_id
         OR NEW.ip_address IS NOT OLD.ip_address OR NEW.country_code IS NOT OLD.country_code
         OR NEW.source IS NOT OLD.source
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""",
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS audit_no_delete", "DROP TRIGGER IF EXISTS audit_no_update"]

POSTGRES_UP = [
    """CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger AS $$
       BEGIN
         IF TG_OP = 'DELETE' THEN
           RAISE EXCEPTION 'audit events are append-only';
         END IF;
         IF (NEW.seq, NEW.occurred_at, NEW.action, NEW.actor_id, NEW.actor_label, NEW.organisation_id,
             NEW.target_type, NEW.target_id, NEW.data_digest, NEW.prev_hash, NEW.row_hash,
             NEW.request_id, NEW.ip_address, NEW.country_code, NEW.source)
            IS DISTINCT FROM
            (OLD.seq, OLD.occurred_at, OLD.action, OLD.actor_id, OLD.actor_label, OLD.organisation_id,
             OLD.target_type, OLD.target_id, OLD.data_digest, OLD.prev_hash, OLD.row_hash,
             OLD.request_id, OLD.ip_address, OLD.country_code, OLD.source) THEN
           RAISE EXCEPTION 'audit events are append-only';
         END IF;
         RETURN NEW;
       END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit_auditevent
       FOR EACH ROW EXECUTE FUNCTION audit_append_only()""",
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS audit_append_only ON audit_auditevent",
    "DROP FUNCTION IF EXISTS audit_append_only()",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        )
    ]
