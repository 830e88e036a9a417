"""The full-text index over SearchDocument, per database engine.

SQLite: an external-content FTS5 table kept in step by triggers, so a write to
core_searchdocument and its index commit together. The terms are already stemmed in Python,
so the tokenizer only splits on spaces and keeps diacritics (å, ä, ö are letters in Swedish).

PostgreSQL: a stored generated tsvector (title weighted A, body B) with a GIN index; the
'simple' configuration because stemming has been done already.
"""

from django.db import migrations

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE core_search_fts USING fts5(
        title_terms, body_terms, content='core_searchdocument', content_rowid='id',
        tokenize='unicode61 remove_diacritics 0')""",
    """CREATE TRIGGER core_searchdocument_ai AFTER INSERT ON core_searchdocument BEGIN
        INSERT INTO core_search_fts(rowid, title_terms, body_terms) VALUES (new.id, new.title_terms, new.body_terms);
    END""",
    """CREATE TRIGGER core_searchdocument_ad AFTER DELETE ON core_searchdocument BEGIN
        INSERT INTO core_search_fts(core_search_fts, rowid, title_terms, body_terms) VALUES ('delete', old.id, old.title_terms, old.body_terms);
    END""",
    """CREATE TRIGGER core_searchdocument_au AFTER UPDATE ON core_searchdocument BEGIN
        INSERT INTO core_search_fts(core_search_fts, rowid, title_terms, body_terms) VALUES ('delete', old.id, old.title_terms, old.body_terms);
        INSERT INTO core_search_fts(rowid, title_terms, body_terms) VALUES (new.id, new.title_terms, new.body_terms);
    END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS core_searchdocument_au",
    "DROP TRIGGER IF EXISTS core_searchdocument_ad",
    "DROP TRIGGER IF EXISTS core_searchdocument_ai",
    "DROP TABLE IF EXISTS core_search_fts",
]
PG_FORWARD = [
    """ALTER TABLE core_searchdocument ADD COLUMN tsv tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', title_terms), 'A') || setweight(to_tsvector('simple', body_terms), 'B')
    ) STORED""",
    "CREATE INDEX core_searchdocument_tsv ON core_searchdocument USING GIN (tsv)",
]
PG_BACKWARD = [
    "DROP INDEX IF EXISTS core_searchdocument_tsv",
    "ALTER TABLE core_searchdocument DROP COLUMN IF EXISTS tsv",
]


def forward(apps, schema_editor):
    statements = PG_FORWARD if schema_editor.connection.vendor == "postgresql" else SQLITE_FORWARD
    for sql in statements:
        schema_editor.execute(sql)


def backward(apps, schema_editor):
    statements = PG_BACKWARD if schema_editor.connection.vendor == "postgresql" else SQLITE_BACKWARD
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
