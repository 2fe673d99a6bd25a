"""The archive's published JSON Schema, made from the models, and the check of a document against it.

`python -m seminar.archive.schema` writes `seminar/archive/schema.json`; a test holds the file
equal to what the models give, so a new column is a new schema. The check here knows the few
keywords the schema uses (type, enum, const, properties, required, additionalProperties, items,
maxLength, minimum, pattern, $ref); the tests compare it with the `jsonschema` library.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from tortoise import fields
from tortoise.models import Model

from seminar.archive.tables import CARRIED, PERSON_COLUMNS, UNIT_COLUMNS, carried_models, model_of

# The archive's format: 2 since decision letters' wording became mail wording and the book got a
# house style (migrations 0025, 0026); format 1 archives are converted on import (archive/older.py).
FORMAT = "seminar-archive/2"
SCHEMA_ID = "https://seminar.example.org/archive-schema.json"
SCHEMA_PATH = Path(__file__).with_name("schema.json")
SHA256 = "^[0-9a-f]{64}$"

# JSON columns whose shape the archive relies on (ids inside them are rewritten on import).
JSON_COLUMNS: dict[tuple[str, str], dict[str, Any]] = {
    ("paper", "keywords"): {"type": "array", "items": {"type": "string"}},
    ("reviewer_profile", "topic_ids"): {"type": "array", "items": {"type": "integer"}},
    ("review", "scores"): {"type": "object", "additionalProperties": {"type": "integer"}},
    ("review", "typed_scores"): {"type": "object", "additionalProperties": {"type": "string"}},
    ("agenda_draft", "data"): {"type": "object"},
    ("agenda_draft", "previous_data"): {"type": ["object", "null"]},
    ("agenda_release", "data"): {"type": "object"},
}


def _column(model: type[Model], name: str) -> dict[str, Any]:
    field = model._meta.fields_map[name]
    schema: dict[str, Any]
    if (model._meta.db_table, name) in JSON_COLUMNS:
        return JSON_COLUMNS[(model._meta.db_table, name)]
    if isinstance(field, fields.JSONField):
        return {}
    enum_type = getattr(field, "enum_type", None)
    if enum_type is not None:
        schema = {"type": "string", "enum": [member.value for member in enum_type]}
    elif isinstance(field, fields.BooleanField):
        schema = {"type": "boolean"}
    elif isinstance(field, fields.IntField | fields.BigIntField | fields.SmallIntField):
        schema = {"type": "integer"}
    elif isinstance(field, fields.FloatField):
        schema = {"type": "number"}
    elif isinstance(field, fields.DatetimeField):
        schema = {"type": "string", "format": "date-time"}
    elif isinstance(field, fields.DateField):
        schema = {"type": "string", "format": "date"}
    elif isinstance(field, fields.CharField):
        schema = {"type": "string", "maxLength": field.max_length}
    elif isinstance(field, fields.TextField):
        schema = {"type": "string"}
    else:
        raise TypeError(f"{model._meta.db_table}.{name}: no JSON type for {type(field).__name__}")
    if field.null:
        schema["type"] = [schema["type"], "null"]
        if "enum" in schema:
            schema["enum"] = [*schema["enum"], None]
    return schema


def _rows(model: type[Model], names: tuple[str, ...] | list[str]) -> dict[str, Any]:
    return {
        "type": "array",
        "items": {
            "type": "object",
            "properties": {name: _column(model, name) for name in names},
            "required": list(names),
            "additionalProperties": False,
        },
    }


def build_schema() -> dict[str, Any]:
    """The JSON Schema of `seminar.json`, from the models as they are."""
    tables = {model._meta.db_table: _rows(model, list(model._meta.fields_db_projection)) for model in carried_models()}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "One seminar of the 研讨班 seminar system, as `seminar archive export` writes it",
        "description": (
            "seminar.json inside the archive's zip. Ids are the exporting installation's and only link rows "
            "within the document: the importer gives every row a new id. `units` and `people` are matched by "
            "name and by e-mail on import; `files` lists every file the rows name (manuscripts, final versions, "
            "books, reference documents, seals), each stored in the zip as files/<sha256>."
        ),
        "type": "object",
        "required": ["format", "exported_at", "seminar", "units", "people", "files", "left_out", "tables"],
        "additionalProperties": False,
        "properties": {
            "format": {"const": FORMAT},
            "exported_at": {"type": "string", "format": "date-time"},
            "seminar": {
                "type": "object",
                "required": ["slug", "title"],
                "additionalProperties": False,
                "properties": {"slug": {"type": "string"}, "title": {"type": "string"}},
            },
            "units": _rows(model_of("unit"), UNIT_COLUMNS),
            "people": _rows(model_of("user"), PERSON_COLUMNS),
            "files": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["sha256", "size"],
                    "additionalProperties": False,
                    "properties": {"sha256": {"type": "string", "pattern": SHA256}, "size": {"type": "integer", "minimum": 0}},
                },
            },
            "left_out": {
                "description": "What the export left out, with how many rows (e.g. 查重 matches with other seminars' papers).",
                "type": "object",
                "additionalProperties": {"type": "integer", "minimum": 0},
            },
            "tables": {
                "type": "object",
                "required": sorted(CARRIED),
                "additionalProperties": False,
                "properties": tables,
            },
        },
    }


def published_schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return loaded


def schema_text(schema: dict[str, Any]) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=1) + "\n"


# ---------- checking a document ----------

_TYPES: dict[str, Any] = {
    "object": dict, "array": list, "string": str, "boolean": bool, "null": type(None),
    "integer": int, "number": (int, float),
}


def _is(value: Any, kind: str) -> bool:
    if kind in ("integer", "number") and isinstance(value, bool):
        return False
    if kind == "integer" and isinstance(value, float):
        return value.is_integer()
    return isinstance(value, _TYPES[kind])


def problems(document: Any, schema: dict[str, Any], limit: int = 10) -> list[str]:
    """Where `document` breaks `schema`, as "tables.paper[3].title: …" lines (at most `limit`)."""
    found: list[str] = []
    _check(document, schema, schema, "", found, limit)
    return found


def _check(value: Any, schema: dict[str, Any], root: dict[str, Any], path: str, found: list[str], limit: int) -> None:
    if len(found) >= limit:
        return
    where = path or "the document"
    if "$ref" in schema:
        target: Any = root
        for part in schema["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        _check(value, target, root, path, found, limit)
        return
    if "const" in schema and value != schema["const"]:
        found.append(f"{where}: must be {schema['const']!r}, is {value!r}")
        return
    kinds = schema.get("type")
    if kinds is not None:
        kinds = [kinds] if isinstance(kinds, str) else kinds
        if not any(_is(value, kind) for kind in kinds):
            found.append(f"{where}: must be {' or '.join(kinds)}, is {type(value).__name__}")
            return
    if "enum" in schema and value not in schema["enum"]:
        found.append(f"{where}: {value!r} is not one of {schema['enum']!r}")
    if isinstance(value, str):
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            found.append(f"{where}: longer than {schema['maxLength']} characters")
        if "pattern" in schema and not re.search(schema["pattern"], value):
            found.append(f"{where}: does not match {schema['pattern']}")
    if isinstance(value, int | float) and not isinstance(value, bool) and "minimum" in schema and value < schema["minimum"]:
        found.append(f"{where}: less than {schema['minimum']}")
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            _check(item, schema["items"], root, f"{path}[{index}]", found, limit)
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        for name in schema.get("required", []):
            if name not in value:
                found.append(f"{where}: lacks {name!r}")
        extra = schema.get("additionalProperties", True)
        for name, item in value.items():
            inner = f"{path}.{name}" if path else name
            if name in properties:
                _check(item, properties[name], root, inner, found, limit)
            elif extra is False:
                found.append(f"{where}: unknown {name!r}")
            elif isinstance(extra, dict):
                _check(item, extra, root, inner, found, limit)


def main() -> None:
    """Write schema.json from the models (run after changing a carried table)."""
    import asyncio

    from tortoise import Tortoise

    from seminar.db import tortoise_config

    async def write() -> None:
        await Tortoise.init(config=tortoise_config("sqlite://:memory:"))
        try:
            SCHEMA_PATH.write_text(schema_text(build_schema()), encoding="utf-8")
        finally:
            await Tortoise.close_connections()

    asyncio.run(write())
    print(f"wrote {SCHEMA_PATH}")


if __name__ == "__main__":
    main()
