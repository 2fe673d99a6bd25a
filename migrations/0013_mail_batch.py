from tortoise import migrations
from tortoise.migrations import operations as ops
from seminar.mail.batches import MailBatchKind
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0012_operations')]

    initial = False

    operations = [
        ops.CreateModel(
            name='MailBatch',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('seminar', fields.ForeignKeyField('models.Seminar', source_field='seminar_id', db_constraint=True, to_field='id', related_name='mail_batches', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='AGENDA_RELEASE: agenda_release\nASSIGNMENTS: assignments\nREVIEW_REMINDERS: review_reminders\nDECISIONS: decisions\nINVITATIONS: invitations', enum_type=MailBatchKind, max_length=30)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'mail_batch', 'app': 'models', 'pk_attr': 'id', 'table_description': 'Mails queued together by one action, so its page can say how many of them are sent.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='OutboxMail',
            name='batch',
            field=fields.ForeignKeyField('models.MailBatch', source_field='batch_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='mails', on_delete=OnDelete.SET_NULL),
        ),
    ]
