from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

# Per seminar: whether the book is written as a tagged PDF declared PDF/UA-1.


class Migration(migrations.Migration):
    dependencies = [('models', '0027_handbook')]

    initial = False

    operations = [
        ops.AddField(
            model_name='ProceedingsSettings', name='tagged_pdf',
            field=fields.BooleanField(default=False, db_default=False),
        ),
    ]
