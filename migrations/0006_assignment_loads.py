from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0005_registration_attempt')]

    initial = False

    operations = [
        ops.AddField(
            model_name='ReviewSettings',
            name='max_load',
            field=fields.IntField(null=True),
        ),
        ops.AddField(
            model_name='ReviewSettings',
            name='min_load',
            field=fields.IntField(db_default=0, default=0),
        ),
        ops.AlterModelOptions(
            name='ReviewerProfile',
            options={'table': 'reviewer_profile', 'app': 'models', 'unique_together': (('seminar', 'user'),), 'pk_attr': 'id', 'table_description': 'What a reviewer knows about (topic ids of the seminar) and how many papers they take at least and at most.'},
        ),
        ops.AddField(
            model_name='ReviewerProfile',
            name='min_load',
            field=fields.IntField(db_default=0, null=True),
        ),
    ]
