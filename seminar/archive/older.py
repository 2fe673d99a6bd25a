"""Archives of the previous format, `seminar-archive/1`, brought to this one before they are checked.

Format 1 is the shape exported before migrations 0025–0028: the decision letters' wording had
its own table, `review_decision_mail_template` (one Chinese letter per outcome), the book's
settings had no house style and no tagged-PDF choice, builds had no kind (every build was the
book's) and there was no 会议手册 (`handbook_settings`). Format 2 folds those rows into `mail_wording` exactly as migration
0025_decision_wording folds the table's rows (kind `reviews-decision-<outcome>`, locale `zh_Hans`,
subject, body and time kept; see seminar.reviews.letters.wording_kind), and gives the book's
settings the house style migration 0026_house_style gives existing rows (`academic`), builds the
kind 0027_handbook gives them (`book`), an empty `handbook_settings` (the table did not exist), and
the book's settings 0028_tagged_pdf's `tagged_pdf` (false). The
migrations are SQL on tables and are not imported at run time; these few lines repeat their mapping
on the archive's rows, and tests/test_migrations.py holds the two to the same result.
Pure: plain dicts in, plain dicts out.
"""

from __future__ import annotations

from typing import Any

from seminar.reviews.letters import wording_kind

FORMAT_1 = "seminar-archive/1"
DECISION_TABLE = "review_decision_mail_template"
DECISION_LOCALE = "zh_Hans"  # the only language decision letters had before 0025
HOUSE_STYLE = "academic"  # 0026's db_default for the book settings that existed
BUILD_KIND = "book"  # 0027's db_default for the builds that existed
TAGGED_PDF = False  # 0028's db_default

# The rows of the old table as format 1 wrote them (its published schema then).
DECISION_ROWS: dict[str, Any] = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "outcome": {"type": "string", "enum": ["keynote", "discussion", "proceedings", "decline"]},
            "subject": {"type": "string", "maxLength": 300},
            "body": {"type": "string"},
            "updated_at": {"type": "string", "format": "date-time"},
            "seminar_id": {"type": "integer"},
        },
        "required": ["id", "outcome", "subject", "body", "updated_at", "seminar_id"],
        "additionalProperties": False,
    },
}


def decision_wording(row: dict[str, Any], new_id: int) -> dict[str, Any]:
    """One `review_decision_mail_template` row as the `mail_wording` row migration 0025 makes of it."""
    return {
        "id": new_id,
        "kind": wording_kind(row["outcome"]),
        "locale": DECISION_LOCALE,
        "subject": row["subject"],
        "body": row["body"],
        "updated_at": row["updated_at"],
        "seminar_id": row["seminar_id"],
    }


def upgrade(document: dict[str, Any], current: str) -> dict[str, int]:
    """Turn a format-1 `seminar.json` (already checked to hold a valid old table) into format
    `current`, in place; what was converted, by old table, with how many rows."""
    tables = document["tables"]
    old_rows = tables.pop(DECISION_TABLE)
    wordings = tables.setdefault("mail_wording", [])
    next_id = max((row["id"] for row in wordings if isinstance(row.get("id"), int)), default=0) + 1
    for offset, row in enumerate(sorted(old_rows, key=lambda r: r["id"])):
        wordings.append(decision_wording(row, next_id + offset))
    for row in tables.get("proceedings_settings", []):
        if isinstance(row, dict):
            row.setdefault("house_style", HOUSE_STYLE)
            row.setdefault("tagged_pdf", TAGGED_PDF)
    for row in tables.get("proceedings_build", []):
        if isinstance(row, dict):
            row.setdefault("kind", BUILD_KIND)
    tables.setdefault("handbook_settings", [])
    document["format"] = current
    return {DECISION_TABLE: len(old_rows)}
