from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0016_overlap')]

    initial = False

    operations = [
        ops.AddField(
            model_name='ReviewSettings',
            name='text_weight',
            field=fields.FloatField(default=3.0, db_default=3.0),
        ),
        ops.AddField(
            model_name='ReviewSettings',
            name='topic_weight',
            field=fields.FloatField(default=2.0, db_default=2.0),
        ),
        ops.AddField(
            model_name='ReviewerProfile',
            name='description',
            field=fields.CharField(default='', max_length=2000, db_default=''),
        ),
        ops.AddField(
            model_name='ReviewerProfile',
            name='keywords',
            field=fields.CharField(default='', max_length=300, db_default=''),
        ),
    ]
