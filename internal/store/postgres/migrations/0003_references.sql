-- A version's schema references: the SQLite store's 0003_references.sql.
ALTER TABLE versions ADD COLUMN refs TEXT NOT NULL DEFAULT '[]';
