from tortoise import migrations
from tortoise.migrations import operations as ops
from seminar.proceedings.models import SpeechKind
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0013_mail_batch')]

    initial = False

    operations = [
        ops.CreateModel(
            name='BookSpeech',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('seminar', fields.ForeignKeyField('models.Seminar', source_field='seminar_id', db_constraint=True, to_field='id', related_name='book_speeches', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='OPENING: opening\nCLOSING: closing', enum_type=SpeechKind, max_length=10)),
                ('title', fields.CharField(default='', max_length=200)),
                ('speaker', fields.CharField(default='', max_length=50)),
                ('position', fields.CharField(default='', max_length=100)),
                ('text', fields.TextField(default='', unique=False)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'book_speech', 'app': 'models', 'unique_together': (('seminar', 'kind'),), 'pk_attr': 'id', 'table_description': "A leader's speech at the seminar, as the book prints it, at most one of each kind per seminar."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TopicCommentary',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('seminar', fields.ForeignKeyField('models.Seminar', source_field='seminar_id', db_constraint=True, to_field='id', related_name='topic_commentaries', on_delete=OnDelete.CASCADE)),
                ('topic', fields.ForeignKeyField('models.Topic', source_field='topic_id', db_constraint=True, to_field='id', related_name='commentaries', on_delete=OnDelete.CASCADE)),
                ('commentator', fields.ForeignKeyField('models.User', source_field='commentator_id', null=True, db_constraint=True, to_field='id', related_name='topic_commentaries', on_delete=OnDelete.SET_NULL)),
                ('name', fields.CharField(max_length=50)),
                ('unit', fields.CharField(default='', max_length=200)),
                ('position', fields.CharField(default='', max_length=100)),
                ('text', fields.TextField(default='', unique=False)),
                ('sort', fields.IntField(default=0)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'topic_commentary', 'app': 'models', 'pk_attr': 'id', 'table_description': "One 专题点评: a commentator's text on a topic, printed after the topic's papers."},
            bases=['Model'],
        ),
        ops.AlterModelOptions(
            name='ProceedingsSettings',
            options={'table': 'proceedings_settings', 'app': 'models', 'pk_attr': 'id', 'table_description': 'The 前言 and 后记 with their signatures, the cover mark and 编印 line, and which appendices the book has.'},
        ),
        ops.AddField(
            model_name='ProceedingsSettings',
            name='afterword',
            field=fields.TextField(db_default='', default='', unique=False),
        ),
        ops.AddField(
            model_name='ProceedingsSettings',
            name='afterword_date',
            field=fields.DateField(null=True),
        ),
        ops.AddField(
            model_name='ProceedingsSettings',
            name='afterword_signature',
            field=fields.CharField(db_default='', default='', max_length=100),
        ),
        ops.AddField(
            model_name='ProceedingsSettings',
            name='compiled_by',
            field=fields.CharField(db_default='', default='', max_length=100),
        ),
        ops.AddField(
            model_name='ProceedingsSettings',
            name='preface_date',
            field=fields.DateField(null=True),
        ),
        ops.AddField(
            model_name='ProceedingsSettings',
            name='preface_signature',
            field=fields.CharField(db_default='', default='', max_length=100),
        ),
        ops.RemoveField(model_name='ProceedingsSettings', name='include_comments'),
        ops.AddField(
            model_name='Unit',
            name='full_name',
            field=fields.CharField(db_default='', default='', max_length=200),
        ),
    ]
