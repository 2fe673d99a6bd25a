from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0003_proceedings_build_heartbeat')]

    initial = False

    operations = [
        ops.CreateModel(
            name='LoginSession',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('key_hash', fields.CharField(unique=True, max_length=64)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='login_sessions', on_delete=OnDelete.CASCADE)),
                ('started_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'login_session', 'app': 'models', 'pk_attr': 'id', 'table_description': "One signed-in browser: its cookie carries the key, the database only the key's SHA-256."},
            bases=['Model'],
        ),
    ]
