-- What the Confluent dialect adds to the store: the SQLite store's 0002_confluent.sql.
--
-- versions.deleted is Confluent's soft delete: a soft-deleted version keeps its number and its
-- content ID (it still resolves by ID) but leaves the subject's version list and its
-- compatibility history. contract_metadata and contract_rule_set hold a version's Confluent
-- "metadata" and "ruleSet" (data contracts) as opaque JSON text, '' when there is none.
ALTER TABLE versions ADD COLUMN deleted BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE versions ADD COLUMN contract_metadata TEXT NOT NULL DEFAULT '';
ALTER TABLE versions ADD COLUMN contract_rule_set TEXT NOT NULL DEFAULT '';

-- A Confluent schema ID is a content ID: resolving one lists the versions that use it.
CREATE INDEX versions_by_content_id ON versions (content_id);

-- Configuration at three levels: the global one (registry '' and subject ''), a registry's (a
-- Confluent context's: subject ''), and a subject's (a schema's, which need not exist yet).
-- '' in a setting means "not set at this level": the next level up applies. normalize is
-- '', 'true' or 'false'. No foreign key: a subject's configuration may precede its schema;
-- deleting a schema or a registry deletes its rows.
CREATE TABLE configs (
	registry      TEXT COLLATE "C" NOT NULL,
	subject       TEXT COLLATE "C" NOT NULL,
	compatibility TEXT COLLATE "C" NOT NULL DEFAULT '',
	normalize     TEXT COLLATE "C" NOT NULL DEFAULT '',
	policy        TEXT COLLATE "C" NOT NULL DEFAULT '',
	mode          TEXT COLLATE "C" NOT NULL DEFAULT '',
	updated_at    BIGINT           NOT NULL,
	PRIMARY KEY (registry, subject)
);

-- Every schema created before this migration came through the Glue API, which always sets a
-- schema's compatibility: that is a subject-level setting.
INSERT INTO configs (registry, subject, compatibility, updated_at)
	SELECT registry, name, compatibility, updated_at FROM schemas;
