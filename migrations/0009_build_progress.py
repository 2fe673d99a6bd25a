from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0008_final_version')]

    initial = False

    operations = [
        ops.AddField(
            model_name='ProceedingsBuild',
            name='progress_done',
            field=fields.IntField(db_default=0, default=0),
        ),
        ops.AddField(
            model_name='ProceedingsBuild',
            name='progress_total',
            field=fields.IntField(null=True),
        ),
        ops.AddField(
            model_name='ProceedingsBuild',
            name='stage',
            field=fields.CharField(db_default='', default='', max_length=20),
        ),
    ]
