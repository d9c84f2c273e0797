"""On PostgreSQL the database itself refuses to change or delete audit events, whatever code
(or person with a SQL prompt and the application's role) tries. TRUNCATE, which only the
tables' owner can run, is left alone so test databases can be emptied."""
from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION qmark_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the qmark audit log is append-only';
END;
$$ LANGUAGE plpgsql;
"""
TRIGGER = """
CREATE TRIGGER reviews_auditevent_append_only
BEFORE UPDATE OR DELETE ON reviews_auditevent
FOR EACH ROW EXECUTE FUNCTION qmark_audit_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS reviews_auditevent_append_only ON reviews_auditevent;
DROP FUNCTION IF EXISTS qmark_audit_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION)
        schema_editor.execute(TRIGGER)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("reviews", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
