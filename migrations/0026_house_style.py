from tortoise import migrations
from tortoise.migrations import operations as ops
from seminar.proceedings.styles import HouseStyle
from tortoise import fields

# The book's house style, per seminar: academic (as before) or 公文 (GB/T 9704-like).


class Migration(migrations.Migration):
    dependencies = [('models', '0025_decision_wording')]

    initial = False

    operations = [
        ops.AddField(
            model_name='ProceedingsSettings', name='house_style',
            field=fields.CharEnumField(default=HouseStyle.ACADEMIC, description='ACADEMIC: academic\nOFFICIAL: official', enum_type=HouseStyle, max_length=10, db_default='academic'),
        ),
    ]
