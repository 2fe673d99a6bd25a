from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0006_assignment_loads')]

    initial = False

    operations = [
        ops.CreateModel(
            name='AgendaLeftOut',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('seminar', fields.ForeignKeyField('models.Seminar', source_field='seminar_id', db_constraint=True, to_field='id', related_name='agenda_left_out', on_delete=OnDelete.CASCADE)),
                ('paper', fields.OneToOneField('models.Paper', source_field='paper_id', db_constraint=True, to_field='id', related_name='agenda_left_out', on_delete=OnDelete.CASCADE)),
                ('reason', fields.CharField(max_length=300)),
                ('left_out_by', fields.ForeignKeyField('models.User', source_field='left_out_by_id', null=True, db_constraint=True, to_field='id', related_name='agenda_papers_left_out', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'agenda_left_out', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A decided paper an organizer leaves out of the agenda on purpose, and why.'},
            bases=['Model'],
        ),
    ]
