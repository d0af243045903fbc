-- A version's schema references (Confluent's "references": a name, and the registry, schema
-- and version number it names), as a JSON array, '[]' when there are none.
ALTER TABLE versions ADD COLUMN refs TEXT NOT NULL DEFAULT '[]';
