from tortoise import migrations
from tortoise.migrations import operations as ops

# The decision letters' wording joins every other mail's: one `mail_wording` row per outcome and language
# (kind "reviews-decision-<outcome>", see seminar.reviews.letters.wording_kind). A seminar's wording written
# before was Chinese, the only language the letters had: it becomes the seminar's Simplified Chinese wording.


class Migration(migrations.Migration):
    dependencies = [('models', '0024_checkin')]

    initial = False

    operations = [
        ops.RunSQL(
            'INSERT INTO "mail_wording" ("seminar_id", "kind", "locale", "subject", "body", "updated_at")'
            ' SELECT "seminar_id", \'reviews-decision-\' || "outcome", \'zh_Hans\', "subject", "body", "updated_at"'
            ' FROM "review_decision_mail_template"',
            reverse_sql='DELETE FROM "mail_wording" WHERE "kind" LIKE \'reviews-decision-%\'',
        ),
        ops.DeleteModel(name='DecisionMailTemplate'),
    ]
