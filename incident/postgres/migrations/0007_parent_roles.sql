-- An incident may be attached to a parent (a storm grouped into one
-- response), and names who holds which role (SQLite's 0009).
ALTER TABLE incidents ADD COLUMN parent_id BIGINT REFERENCES incidents (id);
ALTER TABLE incidents ADD COLUMN roles TEXT NOT NULL DEFAULT '{}';
CREATE INDEX incidents_parent ON incidents (parent_id) WHERE parent_id IS NOT NULL;
