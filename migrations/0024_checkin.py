from tortoise import migrations
from tortoise.migrations import operations as ops
from seminar.checkin.models import CheckInMethod
from tortoise.fields.base import OnDelete
from tortoise import fields

# 签到: one row per person, day and (optionally) session. The new role 工作人员 ("staff") needs no
# change in the database: a role's name is a plain varchar(20).


class Migration(migrations.Migration):
    dependencies = [('models', '0023_api_tokens')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CheckIn',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('seminar', fields.ForeignKeyField('models.Seminar', source_field='seminar_id', db_constraint=True, to_field='id', related_name='checkins', on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='checkins', on_delete=OnDelete.CASCADE)),
                ('day', fields.DateField()),
                ('session_key', fields.CharField(default='', max_length=64)),
                ('session_title', fields.CharField(default='', max_length=200)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('by', fields.ForeignKeyField('models.User', source_field='by_id', null=True, db_constraint=True, to_field='id', related_name='checkins_taken', on_delete=OnDelete.SET_NULL)),
                ('method', fields.CharEnumField(description='SCAN: scan\nCODE: code\nLIST: list', enum_type=CheckInMethod, max_length=10)),
            ],
            options={'table': 'checkin', 'app': 'models', 'unique_together': (('seminar', 'user', 'day', 'session_key'),), 'pk_attr': 'id', 'table_description': "A person's 签到 for a day (`session_key` empty) or one session of the published agenda."},
            bases=['Model'],
        ),
    ]
