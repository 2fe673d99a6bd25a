from tortoise import fields, migrations
from tortoise.migrations import operations as ops

# Units become editable on the site administrators' units page. Every unit that exists at this point
# was written by `seminar units` from the built-in list under its own name: it remembers that name,
# so the command finds it again after a rename.


class Migration(migrations.Migration):
    dependencies = [('models', '0018_overlap_indexes')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Unit',
            name='seeded_name',
            field=fields.CharField(default='', max_length=100, db_default=''),
        ),
        ops.AddField(
            model_name='Unit',
            name='edited_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.RunSQL('UPDATE "unit" SET "seeded_name" = "name"', reverse_sql='SELECT 1'),
    ]
