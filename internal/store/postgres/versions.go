package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/cartaschema/carta/internal/registry"
	"github.com/cartaschema/carta/schema"
)

// EnsureContent returns the content row with c.Format and c.Fingerprint, inserting c with a
// new ID when there is none; c.ID is ignored. Inside Update, writers are serialized, so two
// callers with the same content get the same row; the insert also gives way to a row another
// transaction inserted first.
func (t *tx) EnsureContent(ctx context.Context, c registry.Content) (*registry.Content, error) {
	got, err := t.FindContent(ctx, c.Format, c.Fingerprint)
	if err == nil {
		return got, nil
	}
	if !errors.Is(err, registry.ErrNotExist) {
		return nil, err
	}
	// Looking first keeps an existing content from drawing (and wasting) an ID.
	rows, err := t.tx.Query(ctx, `INSERT INTO contents (format, canonical, fingerprint) VALUES ($1, $2, $3)
		ON CONFLICT (format, fingerprint) DO NOTHING RETURNING id`, c.Format, c.Canonical, c.Fingerprint)
	ids, err := collect(rows, err, fmt.Sprintf("ensure %s content %s", c.Format, c.Fingerprint),
		func(s scanner) (id int64, err error) { return id, s.Scan(&id) })
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return t.FindContent(ctx, c.Format, c.Fingerprint)
	}
	c.ID = ids[0]
	return &c, nil
}

// FindContent returns the content row with the given format and fingerprint or registry.ErrNotExist.
func (t *tx) FindContent(ctx context.Context, format schema.Format, fingerprint string) (*registry.Content, error) {
	var c registry.Content
	err := t.tx.QueryRow(ctx, `SELECT id, format, canonical, fingerprint FROM contents
		WHERE format = $1 AND fingerprint = $2`, format, fingerprint).Scan(&c.ID, &c.Format, &c.Canonical, &c.Fingerprint)
	if err != nil {
		return nil, mapError(err, fmt.Sprintf("%s content %s", format, fingerprint))
	}
	return &c, nil
}

// GetContent returns the content with the given ID or registry.ErrNotExist.
func (t *tx) GetContent(ctx context.Context, id int64) (*registry.Content, error) {
	var c registry.Content
	err := t.tx.QueryRow(ctx, `SELECT id, format, canonical, fingerprint FROM contents WHERE id = $1`, id).
		Scan(&c.ID, &c.Format, &c.Canonical, &c.Fingerprint)
	if err != nil {
		return nil, mapError(err, fmt.Sprintf("content %d", id))
	}
	return &c, nil
}

// ListContents returns up to limit content rows with an ID above afterID, ordered by ID.
func (t *tx) ListContents(ctx context.Context, afterID int64, limit int) ([]registry.Content, error) {
	rows, err := t.tx.Query(ctx, `SELECT id, format, canonical, fingerprint FROM contents
		WHERE id > $1 ORDER BY id LIMIT $2`, afterID, sqlLimit(limit))
	return collect(rows, err, "list contents", func(s scanner) (registry.Content, error) {
		var c registry.Content
		return c, s.Scan(&c.ID, &c.Format, &c.Canonical, &c.Fingerprint)
	})
}

// ImportContent inserts c with its own ID (OVERRIDING SYSTEM VALUE: the identity column is
// GENERATED ALWAYS): registry.ErrExists when the ID or the format and fingerprint are taken.
// It then moves the identity's sequence to c.ID unless it is past it already, so that
// EnsureContent's next ID is above c.ID. A sequence is not transactional: when the import rolls
// back, the sequence stays moved, which leaves a gap in the IDs, as any rolled-back insert does,
// and never reuses one.
func (t *tx) ImportContent(ctx context.Context, c registry.Content) error {
	what := fmt.Sprintf("import content %d", c.ID)
	if c.ID <= 0 {
		return fmt.Errorf("postgres: %s: the ID must be positive", what)
	}
	err := t.insert(ctx, what, `INSERT INTO contents (id, format, canonical, fingerprint) OVERRIDING SYSTEM VALUE
		VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, []any{c.ID, c.Format, c.Canonical, c.Fingerprint}, "")
	if err != nil {
		return err
	}
	return t.advanceIdentity(ctx, what, "contents", "id", c.ID)
}

// advanceIdentity makes the identity column column of table hand out numbers above n from now
// on: it sets the column's sequence to n unless the sequence is past n already.
// pg_sequence_last_value is NULL while the sequence has handed out nothing, which GREATEST
// ignores.
func (t *tx) advanceIdentity(ctx context.Context, what, table, column string, n int64) error {
	_, err := t.tx.Exec(ctx, `SELECT setval(seq, GREATEST($3::bigint, pg_sequence_last_value(seq)))
		FROM (SELECT pg_get_serial_sequence($1, $2)::regclass AS seq) AS s`, table, column, n)
	return mapError(err, what+": advance the "+table+" identity")
}

const versionColumns = `id, registry, schema, number, status, format, definition, content_id, reasons, created_at,
	deleted, contract_metadata, contract_rule_set, refs`

func scanVersion(s scanner) (registry.Version, error) {
	var (
		v             registry.Version
		reasons, refs string
		created       int64
	)
	if err := s.Scan(&v.ID, &v.Registry, &v.Schema, &v.Number, &v.Status, &v.Format, &v.Definition,
		&v.ContentID, &reasons, &created, &v.Deleted, &v.ContractMetadata, &v.ContractRuleSet, &refs); err != nil {
		return v, err
	}
	var err error
	if v.Reasons, err = decodeJSONList[schema.Incompatibility](reasons); err != nil {
		return v, err
	}
	v.References, err = decodeJSONList[registry.SchemaReference](refs)
	v.CreatedAt = fromMillis(created)
	return v, err
}

// CreateVersion stores v: registry.ErrExists when its ID or its number in the schema is taken,
// registry.ErrNotExist when its schema or its content does not exist.
func (t *tx) CreateVersion(ctx context.Context, v *registry.Version) error {
	reasons, err := encodeJSONList(v.Reasons)
	if err != nil {
		return err
	}
	refs, err := encodeJSONList(v.References)
	if err != nil {
		return err
	}
	return t.insert(ctx, fmt.Sprintf("create version %d of schema %q in registry %q", v.Number, v.Schema, v.Registry),
		`INSERT INTO versions (`+versionColumns+`)
		SELECT $1::text, $2::text, $3::text, $4::bigint, $5::text, $6::text, $7::text, $8::bigint,
			$9::text, $10::bigint, $11::boolean, $12::text, $13::text, $14::text
		WHERE EXISTS (SELECT FROM schemas WHERE registry = $2 AND name = $3)
			AND EXISTS (SELECT FROM contents WHERE id = $8)
		ON CONFLICT DO NOTHING`,
		[]any{v.ID, v.Registry, v.Schema, v.Number, v.Status, v.Format, v.Definition, v.ContentID, reasons, millis(v.CreatedAt),
			v.Deleted, v.ContractMetadata, v.ContractRuleSet, refs},
		`SELECT EXISTS (SELECT FROM schemas WHERE registry = $1 AND name = $2)
			AND EXISTS (SELECT FROM contents WHERE id = $3)`, v.Registry, v.Schema, v.ContentID)
}

// GetVersion returns the version with the given ID or registry.ErrNotExist.
func (t *tx) GetVersion(ctx context.Context, id string) (*registry.Version, error) {
	v, err := scanVersion(t.tx.QueryRow(ctx, `SELECT `+versionColumns+` FROM versions WHERE id = $1`, id))
	if err != nil {
		return nil, mapError(err, fmt.Sprintf("version %q", id))
	}
	return &v, nil
}

// GetVersionByNumber returns version number of the schema or registry.ErrNotExist.
func (t *tx) GetVersionByNumber(ctx context.Context, reg, sch string, number int64) (*registry.Version, error) {
	v, err := scanVersion(t.tx.QueryRow(ctx, `SELECT `+versionColumns+` FROM versions
		WHERE registry = $1 AND schema = $2 AND number = $3`, reg, sch, number))
	if err != nil {
		return nil, mapError(err, fmt.Sprintf("version %d of schema %q in registry %q", number, sch, reg))
	}
	return &v, nil
}

// FindVersionsByContent returns the versions of the schema with the given content, newest
// first; none is an empty result, not an error.
func (t *tx) FindVersionsByContent(ctx context.Context, reg, sch string, contentID int64) ([]registry.Version, error) {
	rows, err := t.tx.Query(ctx, `SELECT `+versionColumns+` FROM versions
		WHERE registry = $1 AND schema = $2 AND content_id = $3 ORDER BY number DESC`, reg, sch, contentID)
	return collect(rows, err, "find versions by content", scanVersion)
}

// ListVersions returns up to limit versions of the schema numbered after afterNumber, ordered
// by number, of the given status or, when status is "", of every status. A missing schema
// has no versions.
func (t *tx) ListVersions(ctx context.Context, reg, sch string, afterNumber int64, limit int, status string) ([]registry.Version, error) {
	rows, err := t.tx.Query(ctx, `SELECT `+versionColumns+` FROM versions
		WHERE registry = $1 AND schema = $2 AND number > $3 AND ($4::text = '' OR status = $4)
		ORDER BY number LIMIT $5`, reg, sch, afterNumber, status, sqlLimit(limit))
	return collect(rows, err, "list versions", scanVersion)
}

// CountVersions counts the versions of every schema.
func (t *tx) CountVersions(ctx context.Context) (int, error) {
	return t.count(ctx, `SELECT count(*) FROM versions`, "count versions")
}

// DeleteVersion removes the version and its metadata, or returns registry.ErrNotExist. Its
// content row stays.
func (t *tx) DeleteVersion(ctx context.Context, id string) error {
	return t.exec(ctx, fmt.Sprintf("delete version %q", id), `DELETE FROM versions WHERE id = $1`, id)
}

// SetVersionDeleted sets the soft-delete flag of the version, or returns registry.ErrNotExist.
func (t *tx) SetVersionDeleted(ctx context.Context, id string, deleted bool) error {
	return t.exec(ctx, fmt.Sprintf("set deleted=%t on version %q", deleted, id),
		`UPDATE versions SET deleted = $2 WHERE id = $1`, id, deleted)
}

// ListVersionsByContent returns the versions of every schema with the given content, ordered
// by (registry, schema, number).
func (t *tx) ListVersionsByContent(ctx context.Context, contentID int64) ([]registry.Version, error) {
	rows, err := t.tx.Query(ctx, `SELECT `+versionColumns+` FROM versions
		WHERE content_id = $1 ORDER BY registry, schema, number`, contentID)
	return collect(rows, err, "list versions by content", scanVersion)
}

// ListVersionSummaries returns every version of the registry's schemas (of every schema when
// reg is ""), ordered by (registry, schema, number), without definitions, reasons and
// contracts (with references).
func (t *tx) ListVersionSummaries(ctx context.Context, reg string) ([]registry.Version, error) {
	rows, err := t.tx.Query(ctx, `SELECT id, registry, schema, number, status, format, '', content_id, '[]',
		created_at, deleted, '', '', refs FROM versions
		WHERE $1::text = '' OR registry = $1 ORDER BY registry, schema, number`, reg)
	return collect(rows, err, "list version summaries", scanVersion)
}

// ListMetadata returns the pairs of the version ordered by (key, created time, value); a
// missing version has none.
func (t *tx) ListMetadata(ctx context.Context, versionID string) ([]registry.Metadata, error) {
	rows, err := t.tx.Query(ctx, `SELECT key, value, created_at FROM version_metadata
		WHERE version_id = $1 ORDER BY key, created_at, value`, versionID)
	return collect(rows, err, "list metadata", func(s scanner) (registry.Metadata, error) {
		var (
			m       registry.Metadata
			created int64
		)
		err := s.Scan(&m.Key, &m.Value, &created)
		m.CreatedAt = fromMillis(created)
		return m, err
	})
}

// AddMetadata attaches the pair to the version: registry.ErrExists when the version has it
// already, registry.ErrNotExist when the version does not exist.
func (t *tx) AddMetadata(ctx context.Context, versionID string, m registry.Metadata) error {
	return t.insert(ctx, fmt.Sprintf("add metadata %q=%q to version %q", m.Key, m.Value, versionID),
		`INSERT INTO version_metadata (version_id, key, value, created_at)
		SELECT $1::text, $2::text, $3::text, $4::bigint
		WHERE EXISTS (SELECT FROM versions WHERE id = $1)
		ON CONFLICT DO NOTHING`,
		[]any{versionID, m.Key, m.Value, millis(m.CreatedAt)},
		`SELECT EXISTS (SELECT FROM versions WHERE id = $1)`, versionID)
}

// RemoveMetadata detaches the pair from the version, or returns registry.ErrNotExist.
func (t *tx) RemoveMetadata(ctx context.Context, versionID, key, value string) error {
	return t.exec(ctx, fmt.Sprintf("remove metadata %q=%q from version %q", key, value, versionID),
		`DELETE FROM version_metadata WHERE version_id = $1 AND key = $2 AND value = $3`, versionID, key, value)
}
