"""pg_trgm and trigram indexes for search and for correcting misspelt words; PostgreSQL only."""

from django.db import migrations

from egov.core.migration_ops import postgresql_only

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS procedure_name_trgm ON catalog_procedure USING gin (name_folded gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS procedure_search_trgm ON catalog_procedure USING gin (search_text gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS searchword_word_trgm ON catalog_searchword USING gin (word gin_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS searchword_word_trgm",
    "DROP INDEX IF EXISTS procedure_search_trgm",
    "DROP INDEX IF EXISTS procedure_name_trgm",
]



class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [postgresql_only(FORWARD, BACKWARD)]
