from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from seminar.submissions.models import FinalVersionStatus
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0007_agenda_left_out')]

    initial = False

    operations = [
        ops.CreateModel(
            name='FinalVersion',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('manuscript', fields.OneToOneField('models.Manuscript', source_field='manuscript_id', db_constraint=True, to_field='id', related_name='final_version', on_delete=OnDelete.CASCADE)),
                ('paper', fields.ForeignKeyField('models.Paper', source_field='paper_id', db_constraint=True, to_field='id', related_name='final_versions', on_delete=OnDelete.CASCADE)),
                ('status', fields.CharEnumField(default=FinalVersionStatus.PENDING, db_index=True, description='PENDING: pending\nACCEPTED: accepted\nRETURNED: returned\nSUPERSEDED: superseded', enum_type=FinalVersionStatus, max_length=10)),
                ('reviewed_by', fields.ForeignKeyField('models.User', source_field='reviewed_by_id', null=True, db_constraint=True, to_field='id', related_name='final_versions_reviewed', on_delete=OnDelete.SET_NULL)),
                ('reviewed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('return_reason', fields.CharField(default='', max_length=500)),
            ],
            options={'table': 'final_version', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A manuscript version the city sent as its final version (定稿) after a positive decision.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Decision',
            name='reviewed_version',
            field=fields.IntField(null=True),
        ),
        ops.AddField(
            model_name='ProceedingsBuild',
            name='hidden_authors',
            field=fields.JSONField(db_default=[], default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
        ops.AddField(
            model_name='ProceedingsBuild',
            name='manuscripts',
            field=fields.JSONField(db_default={}, default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
        ops.AddField(
            model_name='Seminar',
            name='final_version_deadline',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
    ]
