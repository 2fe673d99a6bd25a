from tortoise import migrations
from tortoise.migrations import operations as ops
from seminar.proceedings.models import BuildKind
from tortoise.fields.base import OnDelete
from tortoise import fields

# The 会议手册: its settings, and its builds in the book's queue (a build's kind; every earlier build is a book's).


class Migration(migrations.Migration):
    dependencies = [('models', '0026_house_style')]

    initial = False

    operations = [
        ops.CreateModel(
            name='HandbookSettings',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('seminar', fields.OneToOneField('models.Seminar', source_field='seminar_id', db_constraint=True, to_field='id', related_name='handbook_settings', on_delete=OnDelete.CASCADE)),
                ('notice', fields.TextField(default='', unique=False)),
                ('contacts', fields.TextField(default='', unique=False)),
                ('include_participants', fields.BooleanField(default=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'handbook_settings', 'app': 'models', 'pk_attr': 'id', 'table_description': "The 会议须知 and the 会务组's contacts the booklet prints, and whether it lists the participants."},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='ProceedingsBuild',
            name='kind',
            field=fields.CharEnumField(default=BuildKind.BOOK, db_default='book', description='BOOK: book\nHANDBOOK: handbook', enum_type=BuildKind, max_length=10),
        ),
    ]
