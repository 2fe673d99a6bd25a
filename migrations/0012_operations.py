from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0011_agenda_people')]

    initial = False

    operations = [
        ops.CreateModel(
            name='WorkerHeartbeat',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(unique=True, max_length=100)),
                ('started_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('beat_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'worker_heartbeat', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One running worker process, which writes `beat_at` every few seconds and removes its row when it stops.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='OutboxMail',
            name='request_id',
            field=fields.CharField(db_default='', default='', max_length=64),
        ),
        ops.AddField(
            model_name='ProceedingsBuild',
            name='request_id',
            field=fields.CharField(db_default='', default='', max_length=64),
        ),
    ]
