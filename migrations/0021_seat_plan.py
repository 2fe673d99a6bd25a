from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from seminar.seating.plan import Zone
from tortoise.fields.base import OnDelete
from tortoise import fields

# 座次表: a seminar's seat plan (layout, the 主席台's people) and the seats taken.


class Migration(migrations.Migration):
    dependencies = [('models', '0020_registration_receipt')]

    initial = False

    operations = [
        ops.CreateModel(
            name='SeatPlan',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('seminar', fields.OneToOneField('models.Seminar', source_field='seminar_id', db_constraint=True, to_field='id', related_name='seat_plan', on_delete=OnDelete.CASCADE)),
                ('title', fields.CharField(default='', max_length=200)),
                ('dais_rows', fields.IntField(default=1)),
                ('dais_seats', fields.IntField(default=7)),
                ('rows', fields.IntField(default=10)),
                ('seats_per_row', fields.IntField(default=20)),
                ('reserved', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('second_on_left', fields.BooleanField(default=True)),
                ('dais_ids', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('version', fields.IntField(default=0)),
                ('moved_by_hand', fields.BooleanField(default=False)),
                ('generated_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'seat_plan', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Seat',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('plan', fields.ForeignKeyField('models.SeatPlan', source_field='plan_id', db_constraint=True, to_field='id', related_name='seats', on_delete=OnDelete.CASCADE)),
                ('registration', fields.OneToOneField('models.Registration', source_field='registration_id', db_constraint=True, to_field='id', related_name='seat', on_delete=OnDelete.CASCADE)),
                ('zone', fields.CharEnumField(description='DAIS: dais\nHALL: hall', enum_type=Zone, max_length=10)),
                ('row', fields.IntField()),
                ('number', fields.IntField()),
            ],
            options={'table': 'seat', 'app': 'models', 'unique_together': (('plan', 'zone', 'row', 'number'),), 'pk_attr': 'id', 'table_description': 'One taken seat (a person has at most one).'},
            bases=['Model'],
        ),
    ]
