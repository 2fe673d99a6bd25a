from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0004_login_session')]

    initial = False

    operations = [
        ops.CreateModel(
            name='RegistrationAttempt',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('email', fields.CharField(db_index=True, max_length=254)),
                ('ip', fields.CharField(db_index=True, max_length=45)),
                ('at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'registration_attempt', 'app': 'models', 'pk_attr': 'id', 'table_description': "A registration sent by a visitor (each may mail someone): throttling counts recent rows per e-mail and per address."},
            bases=['Model'],
        ),
    ]
