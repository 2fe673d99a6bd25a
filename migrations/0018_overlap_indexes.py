from tortoise import migrations
from tortoise.migrations import operations as ops

# Taking a paper's older version out of the 查重 index deletes its overlap_source row, and ON DELETE
# CASCADE then looks for its fingerprints by source_id: without this index that read the whole
# fingerprint table (70 million rows at 100,000 papers) for every re-submitted paper.


class Migration(migrations.Migration):
    dependencies = [('models', '0017_reviewer_expertise')]

    initial = False

    operations = [
        ops.RunSQL(
            'CREATE INDEX IF NOT EXISTS "idx_overlap_fingerprint_source" ON "overlap_fingerprint" ("source_id")',
            reverse_sql='DROP INDEX IF EXISTS "idx_overlap_fingerprint_source"',
        ),
    ]
