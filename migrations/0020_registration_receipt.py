from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise import fields

from seminar.registration.receipt import Diet, Gender, Lodging, Rank

# 参会回执: typed columns on the registration (queryable for the 会务组's counts), and per seminar
# which fields are asked for and until when they may be changed.


class Migration(migrations.Migration):
    dependencies = [('models', '0019_unit_editing')]

    initial = False

    operations = [
        ops.AddField(
            model_name='RegistrationSettings',
            name='receipt_fields',
            field=fields.JSONField(db_default={}, default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
        ops.AddField(model_name='RegistrationSettings', name='receipt_deadline', field=fields.DateField(null=True)),
        ops.AddField(model_name='Registration', name='gender', field=fields.CharEnumField(null=True, description='MALE: male\nFEMALE: female', enum_type=Gender, max_length=10)),
        ops.AddField(
            model_name='Registration', name='ethnicity', field=fields.CharField(default='', max_length=20, db_default=''),
        ),
        ops.AddField(model_name='Registration', name='rank', field=fields.CharEnumField(null=True, description='PROVINCIAL: provincial\nBUREAU: bureau\nCOUNTY: county\nTOWNSHIP: township\nOTHER: other', enum_type=Rank, max_length=12)),
        ops.AddField(model_name='Registration', name='arrival_on', field=fields.DateField(null=True)),
        ops.AddField(
            model_name='Registration', name='arrival_transport',
            field=fields.CharField(default='', max_length=100, db_default=''),
        ),
        ops.AddField(model_name='Registration', name='departure_on', field=fields.DateField(null=True)),
        ops.AddField(
            model_name='Registration', name='departure_transport',
            field=fields.CharField(default='', max_length=100, db_default=''),
        ),
        ops.AddField(model_name='Registration', name='lodging', field=fields.CharEnumField(null=True, description='SINGLE: single\nSHARED: shared\nNONE: none', enum_type=Lodging, max_length=10)),
        ops.AddField(model_name='Registration', name='diet', field=fields.CharEnumField(null=True, description='NONE: none\nHALAL: halal\nVEGETARIAN: vegetarian', enum_type=Diet, max_length=12)),
        ops.AddField(model_name='Registration', name='companions', field=fields.IntField(default=0, db_default=0)),
        ops.AddField(
            model_name='Registration', name='companion_names',
            field=fields.CharField(default='', max_length=200, db_default=''),
        ),
        ops.AddField(
            model_name='Registration', name='receipt_note',
            field=fields.CharField(default='', max_length=500, db_default=''),
        ),
        ops.AddField(model_name='Registration', name='receipt_updated_at', field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
    ]
