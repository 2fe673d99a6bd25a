from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0010_autosave_confirm')]

    initial = False

    operations = [
        ops.AddField(
            model_name='AgendaSettings',
            name='lecturer_unit',
            field=fields.CharField(db_default='', default='', max_length=200),
        ),
        ops.AddField(
            model_name='AgendaSettings',
            name='lecturer_position',
            field=fields.CharField(db_default='', default='', max_length=100),
        ),
        ops.AddField(
            model_name='AgendaSettings',
            name='sign_in',
            field=fields.JSONField(db_default={}, default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
    ]
