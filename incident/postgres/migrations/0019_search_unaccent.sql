-- Accents fold in the search index (issue 17), as SQLite's FTS5 folds them
-- (remove_diacritics): cafe finds café and café finds cafe. The text of a
-- place goes through search_text, which unaccent folds and which cuts the
-- text at punctuation and spaces as 0008 did; the store writes its queries
-- through the same function (search.go), so both sides fold alike.
--
-- unaccent is a trusted extension: a role with CREATE on the database may
-- create it. It goes where CREATE EXTENSION puts it (or stays where it
-- already is); search_fold names that schema and the dictionary, so it is
-- IMMUTABLE whatever the search_path, as a generated column needs.
CREATE EXTENSION IF NOT EXISTS unaccent;

DO $$
DECLARE
    s text;
BEGIN
    SELECT quote_ident(n.nspname) INTO s
        FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'unaccent';
    EXECUTE format(
        'CREATE FUNCTION search_fold(text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE '
        'AS %L', format('SELECT %s.unaccent(%L::regdictionary, $1)', s, s || '.unaccent'));
END $$;

CREATE FUNCTION search_text(text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT regexp_replace(search_fold($1), '[[:punct:][:space:]]+', ' ', 'g') $$;

-- A generated column's expression cannot be changed in place (before
-- PostgreSQL 17): the column is made anew, which computes it for every
-- existing row, and its index with it.
ALTER TABLE search_units DROP COLUMN tsv;
ALTER TABLE search_units ADD COLUMN tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple', search_text(body))) STORED;
CREATE INDEX search_units_tsv ON search_units USING GIN (tsv) WITH (fastupdate = off);
