from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from seminar.overlap.models import CheckState
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0015_certificates')]

    initial = False

    operations = [
        ops.CreateModel(
            name='OverlapCheck',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('seminar', fields.ForeignKeyField('models.Seminar', source_field='seminar_id', db_constraint=True, to_field='id', related_name='overlap_checks', on_delete=OnDelete.CASCADE)),
                ('paper', fields.ForeignKeyField('models.Paper', source_field='paper_id', db_constraint=True, to_field='id', related_name='overlap_checks', on_delete=OnDelete.CASCADE)),
                ('manuscript', fields.OneToOneField('models.Manuscript', source_field='manuscript_id', db_constraint=True, to_field='id', related_name='overlap_check', on_delete=OnDelete.CASCADE)),
                ('state', fields.CharEnumField(default=CheckState.QUEUED, db_index=True, description='QUEUED: queued\nRUNNING: running\nDONE: done\nFAILED: failed', enum_type=CheckState, max_length=10)),
                ('error', fields.CharField(default='', max_length=500)),
                ('progress_done', fields.IntField(default=0)),
                ('progress_total', fields.IntField(null=True)),
                ('length', fields.IntField(null=True)),
                ('copied', fields.FloatField(null=True)),
                ('copied_without_quotation', fields.FloatField(null=True)),
                ('claimed_by', fields.CharField(default='', max_length=200)),
                ('requested_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('started_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('finished_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'overlap_check', 'app': 'models', 'pk_attr': 'id', 'table_description': 'The 查重 of one submitted manuscript version: its state, progress and ratios.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='OverlapSettings',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('seminar', fields.OneToOneField('models.Seminar', source_field='seminar_id', db_constraint=True, to_field='id', related_name='overlap_settings', on_delete=OnDelete.CASCADE)),
                ('threshold', fields.FloatField(default=0.3)),
                ('reviewers_see_reports', fields.BooleanField(default=False)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'overlap_settings', 'app': 'models', 'pk_attr': 'id', 'table_description': "A seminar's 查重 settings: when a paper is flagged, and whether reviewers read its report."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ReferenceDocument',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('seminar', fields.ForeignKeyField('models.Seminar', source_field='seminar_id', db_constraint=True, to_field='id', related_name='reference_documents', on_delete=OnDelete.CASCADE)),
                ('title', fields.CharField(max_length=200)),
                ('original_filename', fields.CharField(max_length=255)),
                ('blob', fields.ForeignKeyField('models.Blob', source_field='blob_id', db_constraint=True, to_field='sha256', related_name='reference_documents', on_delete=OnDelete.RESTRICT)),
                ('uploaded_by', fields.ForeignKeyField('models.User', source_field='uploaded_by_id', null=True, db_constraint=True, to_field='id', related_name='reference_documents', on_delete=OnDelete.SET_NULL)),
                ('uploaded_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'reference_document', 'app': 'models', 'pk_attr': 'id', 'table_description': "A document of a seminar's reference library (policy documents, speeches): sharing its text is 引用."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='OverlapSource',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('seminar', fields.ForeignKeyField('models.Seminar', source_field='seminar_id', db_constraint=True, to_field='id', related_name='overlap_sources', on_delete=OnDelete.CASCADE)),
                ('paper', fields.ForeignKeyField('models.Paper', source_field='paper_id', null=True, db_constraint=True, to_field='id', related_name='overlap_sources', on_delete=OnDelete.CASCADE)),
                ('manuscript', fields.ForeignKeyField('models.Manuscript', source_field='manuscript_id', null=True, db_constraint=True, to_field='id', related_name='overlap_sources', on_delete=OnDelete.CASCADE)),
                ('document', fields.ForeignKeyField('models.ReferenceDocument', source_field='document_id', null=True, db_constraint=True, to_field='id', related_name='overlap_sources', on_delete=OnDelete.CASCADE)),
                ('text', fields.TextField(unique=False)),
                ('normalised', fields.TextField(unique=False)),
                ('indexed_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'overlap_source', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One indexed text: the newest checked manuscript of a paper, or a reference document.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='OverlapFingerprint',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('hash', fields.BigIntField(db_index=True)),
                ('source', fields.ForeignKeyField('models.OverlapSource', source_field='source_id', db_constraint=True, to_field='id', related_name='fingerprints', on_delete=OnDelete.CASCADE)),
                ('position', fields.IntField()),
            ],
            options={'table': 'overlap_fingerprint', 'app': 'models', 'pk_attr': 'id', 'table_description': "One winnowed fingerprint of an indexed text: the index the new text's fingerprints are looked up in."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='OverlapMatch',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('overlap_check', fields.ForeignKeyField('models.OverlapCheck', source_field='overlap_check_id', db_constraint=True, to_field='id', related_name='matches', on_delete=OnDelete.CASCADE)),
                ('source', fields.ForeignKeyField('models.OverlapSource', source_field='source_id', db_constraint=True, to_field='id', related_name='matches', on_delete=OnDelete.CASCADE)),
                ('library', fields.BooleanField(default=False)),
                ('shared_characters', fields.IntField()),
                ('passages', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('acceptable', fields.BooleanField(default=False)),
                ('acceptable_reason', fields.CharField(default='', max_length=500)),
                ('marked_by', fields.ForeignKeyField('models.User', source_field='marked_by_id', null=True, db_constraint=True, to_field='id', related_name='overlap_marks', on_delete=OnDelete.SET_NULL)),
                ('marked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'overlap_match', 'app': 'models', 'pk_attr': 'id', 'table_description': "What a checked text shares with one source: its passages, and an organizer's word that it is acceptable."},
            bases=['Model'],
        ),
    ]
