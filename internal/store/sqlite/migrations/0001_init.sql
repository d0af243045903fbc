-- The initial schema of the embedded store.
--
-- Times are INTEGER milliseconds since the Unix epoch, UTC: the API renders milliseconds, and
-- integers compare and sort without parsing. Tags and reasons are JSON text, never NULL.

CREATE TABLE registries (
	name        TEXT    NOT NULL PRIMARY KEY,
	description TEXT    NOT NULL DEFAULT '',
	tags        TEXT    NOT NULL DEFAULT '{}',
	status      TEXT    NOT NULL,
	created_at  INTEGER NOT NULL,
	updated_at  INTEGER NOT NULL
);

CREATE TABLE schemas (
	registry       TEXT    NOT NULL REFERENCES registries (name) ON DELETE CASCADE,
	name           TEXT    NOT NULL,
	format         TEXT    NOT NULL,
	compatibility  TEXT    NOT NULL,
	description    TEXT    NOT NULL DEFAULT '',
	tags           TEXT    NOT NULL DEFAULT '{}',
	checkpoint     INTEGER NOT NULL,
	latest_version INTEGER NOT NULL,
	next_version   INTEGER NOT NULL,
	status         TEXT    NOT NULL,
	created_at     INTEGER NOT NULL,
	updated_at     INTEGER NOT NULL,
	PRIMARY KEY (registry, name)
);

-- AUTOINCREMENT, not a plain rowid alias: SQLite then never hands out an ID again, even after
-- the row with the largest ID is gone. Content rows are never deleted either; the two together
-- keep the Confluent schema ID of a definition stable forever.
CREATE TABLE contents (
	id          INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
	format      TEXT    NOT NULL,
	canonical   TEXT    NOT NULL,
	fingerprint TEXT    NOT NULL,
	UNIQUE (format, fingerprint)
);

CREATE TABLE versions (
	id         TEXT    NOT NULL PRIMARY KEY,
	registry   TEXT    NOT NULL,
	schema     TEXT    NOT NULL,
	number     INTEGER NOT NULL,
	status     TEXT    NOT NULL,
	format     TEXT    NOT NULL,
	definition TEXT    NOT NULL,
	-- No ON DELETE action: deleting a content row that a version uses must fail.
	content_id INTEGER NOT NULL REFERENCES contents (id),
	reasons    TEXT    NOT NULL DEFAULT '[]',
	created_at INTEGER NOT NULL,
	UNIQUE (registry, schema, number),
	FOREIGN KEY (registry, schema) REFERENCES schemas (registry, name) ON DELETE CASCADE
);

CREATE INDEX versions_by_content ON versions (registry, schema, content_id);

CREATE TABLE version_metadata (
	version_id TEXT    NOT NULL REFERENCES versions (id) ON DELETE CASCADE,
	key        TEXT    NOT NULL,
	value      TEXT    NOT NULL,
	created_at INTEGER NOT NULL,
	PRIMARY KEY (version_id, key, value)
);

CREATE TABLE audit (
	seq    INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
	time   INTEGER NOT NULL,
	actor  TEXT    NOT NULL,
	action TEXT    NOT NULL,
	target TEXT    NOT NULL,
	rule   TEXT    NOT NULL,
	result TEXT    NOT NULL,
	detail TEXT    NOT NULL
);
