from tortoise import migrations
from tortoise.migrations import operations as ops
from seminar.certificates.models import CertificateKind
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0014_book_sections')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Certificate',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('seminar', fields.ForeignKeyField('models.Seminar', source_field='seminar_id', db_constraint=True, to_field='id', related_name='certificates', on_delete=OnDelete.CASCADE)),
                ('number', fields.CharField(unique=True, max_length=40)),
                ('serial', fields.IntField()),
                ('kind', fields.CharEnumField(description='AWARD: award\nORGANIZATION: organization\nATTENDANCE: attendance', enum_type=CertificateKind, max_length=20)),
                ('grade', fields.CharField(default='', max_length=20)),
                ('paper', fields.ForeignKeyField('models.Paper', source_field='paper_id', null=True, db_constraint=True, to_field='id', related_name='certificates', on_delete=OnDelete.SET_NULL)),
                ('unit', fields.ForeignKeyField('models.Unit', source_field='unit_id', null=True, db_constraint=True, to_field='id', related_name='certificates', on_delete=OnDelete.SET_NULL)),
                ('registration', fields.ForeignKeyField('models.Registration', source_field='registration_id', null=True, db_constraint=True, to_field='id', related_name='certificates', on_delete=OnDelete.SET_NULL)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', null=True, db_constraint=True, to_field='id', related_name='certificates', on_delete=OnDelete.SET_NULL)),
                ('holder', fields.CharField(max_length=300)),
                ('title', fields.CharField(default='', max_length=400)),
                ('unit_name', fields.CharField(default='', max_length=200)),
                ('issued_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('issued_by', fields.ForeignKeyField('models.User', source_field='issued_by_id', null=True, db_constraint=True, to_field='id', related_name='certificates_issued', on_delete=OnDelete.SET_NULL)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('revoked_by', fields.ForeignKeyField('models.User', source_field='revoked_by_id', null=True, db_constraint=True, to_field='id', related_name='certificates_revoked', on_delete=OnDelete.SET_NULL)),
            ],
            options={'table': 'certificate', 'app': 'models', 'unique_together': (('seminar', 'serial'),), 'pk_attr': 'id', 'table_description': 'One issued certificate. What it certifies is copied when it is issued, so it reads the same forever.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CertificateSettings',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('seminar', fields.OneToOneField('models.Seminar', source_field='seminar_id', db_constraint=True, to_field='id', related_name='certificate_settings', on_delete=OnDelete.CASCADE)),
                ('issuer', fields.CharField(default='', max_length=200)),
                ('issued_on', fields.DateField(null=True)),
                ('seal_sha256', fields.CharField(null=True, max_length=64)),
            ],
            options={'table': 'certificate_settings', 'app': 'models', 'pk_attr': 'id', 'table_description': "How a seminar's certificates are signed: the issuer's 全称, the date printed, an optional seal."},
            bases=['Model'],
        ),
    ]
