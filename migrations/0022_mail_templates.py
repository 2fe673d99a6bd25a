from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

# Each seminar's own wording of the system's mails (seminar.mail.kinds), per kind and language.


class Migration(migrations.Migration):
    dependencies = [('models', '0021_seat_plan')]

    initial = False

    operations = [
        ops.CreateModel(
            name='MailWording',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('seminar', fields.ForeignKeyField('models.Seminar', source_field='seminar_id', db_constraint=True, to_field='id', related_name='mail_wordings', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharField(max_length=60)),
                ('locale', fields.CharField(max_length=10)),
                ('subject', fields.CharField(max_length=300)),
                ('body', fields.TextField()),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'mail_wording', 'app': 'models', 'unique_together': (('seminar', 'kind', 'locale'),), 'pk_attr': 'id', 'table_description': "A seminar's own wording of one kind of mail (`seminar.mail.kinds`) in one language: it replaces\nthe site's default for the mails of this seminar to readers of that language."},
            bases=['Model'],
        ),
    ]
