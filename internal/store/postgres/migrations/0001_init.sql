-- The initial schema of the PostgreSQL store: the logical schema of the SQLite store's
-- 0001_init.sql.
--
-- Times are BIGINT milliseconds since the Unix epoch, UTC. Tags and reasons are JSON text, never
-- NULL: text keeps what the SQLite store keeps byte for byte, and unlike jsonb it accepts the
-- \u0000 escape. Every name that is ordered or compared is COLLATE "C", so that ORDER BY, the
-- page cursors (name > $1) and the primary key indexes compare bytes, as Go does, whatever the
-- database's default collation is.

CREATE TABLE registries (
	name        TEXT COLLATE "C" NOT NULL PRIMARY KEY,
	description TEXT             NOT NULL DEFAULT '',
	tags        TEXT             NOT NULL DEFAULT '{}',
	status      TEXT COLLATE "C" NOT NULL,
	created_at  BIGINT           NOT NULL,
	updated_at  BIGINT           NOT NULL
);

CREATE TABLE schemas (
	registry       TEXT COLLATE "C" NOT NULL REFERENCES registries (name) ON DELETE CASCADE,
	name           TEXT COLLATE "C" NOT NULL,
	format         TEXT COLLATE "C" NOT NULL,
	compatibility  TEXT COLLATE "C" NOT NULL,
	description    TEXT             NOT NULL DEFAULT '',
	tags           TEXT             NOT NULL DEFAULT '{}',
	checkpoint     BIGINT           NOT NULL,
	latest_version BIGINT           NOT NULL,
	next_version   BIGINT           NOT NULL,
	status         TEXT COLLATE "C" NOT NULL,
	created_at     BIGINT           NOT NULL,
	updated_at     BIGINT           NOT NULL,
	PRIMARY KEY (registry, name)
);

-- An identity column draws from a sequence, and a sequence never hands out a number twice:
-- not after the row with the largest ID is gone, not after a rollback (which leaves a gap).
-- Content rows are never deleted either; the two together keep the Confluent schema ID of a
-- definition stable forever. GENERATED ALWAYS: an INSERT cannot pick an ID itself.
CREATE TABLE contents (
	id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	format      TEXT COLLATE "C" NOT NULL,
	canonical   TEXT             NOT NULL,
	fingerprint TEXT COLLATE "C" NOT NULL,
	UNIQUE (format, fingerprint)
);

CREATE TABLE versions (
	id         TEXT COLLATE "C" NOT NULL PRIMARY KEY,
	registry   TEXT COLLATE "C" NOT NULL,
	schema     TEXT COLLATE "C" NOT NULL,
	number     BIGINT           NOT NULL,
	status     TEXT COLLATE "C" NOT NULL,
	format     TEXT COLLATE "C" NOT NULL,
	definition TEXT             NOT NULL,
	-- No ON DELETE action: deleting a content row that a version uses must fail.
	content_id BIGINT           NOT NULL REFERENCES contents (id),
	reasons    TEXT             NOT NULL DEFAULT '[]',
	created_at BIGINT           NOT NULL,
	UNIQUE (registry, schema, number),
	FOREIGN KEY (registry, schema) REFERENCES schemas (registry, name) ON DELETE CASCADE
);

CREATE INDEX versions_by_content ON versions (registry, schema, content_id);

CREATE TABLE version_metadata (
	version_id TEXT COLLATE "C" NOT NULL REFERENCES versions (id) ON DELETE CASCADE,
	key        TEXT COLLATE "C" NOT NULL,
	value      TEXT COLLATE "C" NOT NULL,
	created_at BIGINT           NOT NULL,
	PRIMARY KEY (version_id, key, value)
);

-- seq orders the log. Writers are serialized (see the package doc), so sequence order is commit
-- order and a reader paging with "seq > cursor" never skips a record committed later.
CREATE TABLE audit (
	seq    BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	time   BIGINT NOT NULL,
	actor  TEXT   NOT NULL,
	action TEXT   NOT NULL,
	target TEXT   NOT NULL,
	rule   TEXT   NOT NULL,
	result TEXT   NOT NULL,
	detail TEXT   NOT NULL
);
