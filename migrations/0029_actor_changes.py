from tortoise import migrations
from tortoise.migrations import operations as ops

# PostgreSQL only: a notice on the channel `seminar_changes` whenever a transaction writes a table that who is asking
# is read from (`accounts.queries.session_actor`), so that every server process drops the copies it keeps of it
# (`seminar.changes`; docs/performance.md, "Not asking who is asking"). One notice per transaction, whatever it
# wrote: the payload is the transaction's id, and PostgreSQL sends a transaction's identical notices once.
# Statement-level triggers: a statement that writes a thousand rows costs one call. Updates count only of the
# columns the query reads where a table has columns written often for other reasons; new sessions and users
# count not at all (nothing kept can depend on a row that did not exist). SQLite keeps no copies: nothing to do.

CHANNEL = "seminar_changes"  # what `seminar.listener` listens on

# Table → the events that count (an UPDATE OF lists the columns the actor's query reads).
TRIGGERS = {
    "user": "UPDATE OR DELETE OR TRUNCATE",
    "login_session": "UPDATE OF user_id, key_hash OR DELETE OR TRUNCATE",
    "role": "INSERT OR UPDATE OR DELETE OR TRUNCATE",
    "review_assignment": "INSERT OR UPDATE OF reviewer_id, paper_id, seminar_id, declined_at OR DELETE OR TRUNCATE",
    "review_conflict": "INSERT OR UPDATE OF reviewer_id, paper_id, lifted_at OR DELETE OR TRUNCATE",
    "review_unit_conflict_lift": "INSERT OR UPDATE OF reviewer_id, paper_id, reimposed_at OR DELETE OR TRUNCATE",
    "paper": "INSERT OR UPDATE OF seminar_id, city_id OR DELETE OR TRUNCATE",
    "seminar": "INSERT OR UPDATE OR DELETE OR TRUNCATE",
    "unit": "INSERT OR UPDATE OR DELETE OR TRUNCATE",
}

FUNCTION = f"""
CREATE OR REPLACE FUNCTION seminar_actor_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('{CHANNEL}', txid_current()::text);
    RETURN NULL;
END
$$"""


def _postgres(schema_editor) -> bool:  # type: ignore[no-untyped-def]
    return schema_editor.client.capabilities.dialect != "sqlite"


async def create_triggers(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    if not _postgres(schema_editor):
        return
    await schema_editor.client.execute_script(FUNCTION)
    for table, events in TRIGGERS.items():
        await schema_editor.client.execute_script(
            f'CREATE TRIGGER "{table}_actor_changed" AFTER {events} ON "{table}"'
            " FOR EACH STATEMENT EXECUTE FUNCTION seminar_actor_changed()"
        )


async def drop_triggers(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    if not _postgres(schema_editor):
        return
    for table in TRIGGERS:
        await schema_editor.client.execute_script(f'DROP TRIGGER IF EXISTS "{table}_actor_changed" ON "{table}"')
    await schema_editor.client.execute_script("DROP FUNCTION IF EXISTS seminar_actor_changed()")


class Migration(migrations.Migration):
    dependencies = [('models', '0028_tagged_pdf')]

    initial = False

    operations = [
        ops.RunPython(create_triggers, drop_triggers),
    ]
