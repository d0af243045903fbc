package sqlite

import (
	"context"
	"errors"
	"fmt"

	"github.com/cartaschema/carta/internal/registry"
	"github.com/cartaschema/carta/schema"
)

// EnsureContent returns the content row with c.Format and c.Fingerprint, inserting c with a
// new ID when there is none; c.ID is ignored. Inside Update, writers are serialized, so two
// callers with the same content get the same row.
func (t *tx) EnsureContent(ctx context.Context, c registry.Content) (*registry.Content, error) {
	what := fmt.Sprintf("ensure %s content %s", c.Format, c.Fingerprint)
	got, err := t.FindContent(ctx, c.Format, c.Fingerprint)
	if err == nil {
		return got, nil
	}
	if !errors.Is(err, registry.ErrNotExist) {
		return nil, err
	}
	err = t.tx.QueryRowContext(ctx, `INSERT INTO contents (format, canonical, fingerprint) VALUES (?, ?, ?)
		RETURNING id`, c.Format, c.Canonical, c.Fingerprint).Scan(&c.ID)
	if err != nil {
		return nil, mapError(err, what)
	}
	return &c, nil
}

// FindContent returns the content row with the given format and fingerprint or registry.ErrNotExist.
func (t *tx) FindContent(ctx context.Context, format schema.Format, fingerprint string) (*registry.Content, error) {
	var c registry.Content
	err := t.tx.QueryRowContext(ctx, `SELECT id, format, canonical, fingerprint FROM contents
		WHERE format = ? AND fingerprint = ?`, format, fingerprint).Scan(&c.ID, &c.Format, &c.Canonical, &c.Fingerprint)
	if err != nil {
		return nil, mapError(err, fmt.Sprintf("%s content %s", format, fingerprint))
	}
	return &c, nil
}

// GetContent returns the content with the given ID or registry.ErrNotExist.
func (t *tx) GetContent(ctx context.Context, id int64) (*registry.Content, error) {
	var c registry.Content
	err := t.tx.QueryRowContext(ctx, `SELECT id, format, canonical, fingerprint FROM contents WHERE id = ?`, id).
		Scan(&c.ID, &c.Format, &c.Canonical, &c.Fingerprint)
	if err != nil {
		return nil, mapError(err, fmt.Sprintf("content %d", id))
	}
	return &c, nil
}

// ListContents returns up to limit content rows with an ID above afterID, ordered by ID.
func (t *tx) ListContents(ctx context.Context, afterID int64, limit int) ([]registry.Content, error) {
	rows, err := t.tx.QueryContext(ctx, `SELECT id, format, canonical, fingerprint FROM contents
		WHERE id > ? ORDER BY id LIMIT ?`, afterID, sqlLimit(limit))
	return collect(rows, err, "list contents", func(s scanner) (registry.Content, error) {
		var c registry.Content
		return c, s.Scan(&c.ID, &c.Format, &c.Canonical, &c.Fingerprint)
	})
}

// ImportContent inserts c with its own ID: registry.ErrExists when the ID or the format and
// fingerprint are taken. AUTOINCREMENT records the largest ID ever inserted in
// sqlite_sequence, in the same transaction, so EnsureContent's next ID is above c.ID.
func (t *tx) ImportContent(ctx context.Context, c registry.Content) error {
	what := fmt.Sprintf("import content %d", c.ID)
	if c.ID <= 0 {
		return fmt.Errorf("sqlite: %s: the ID must be positive", what)
	}
	_, err := t.tx.ExecContext(ctx, `INSERT INTO contents (id, format, canonical, fingerprint) VALUES (?, ?, ?, ?)`,
		c.ID, c.Format, c.Canonical, c.Fingerprint)
	return mapError(err, what)
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
	_, err = t.tx.ExecContext(ctx, `INSERT INTO versions (`+versionColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		v.ID, v.Registry, v.Schema, v.Number, v.Status, v.Format, v.Definition, v.ContentID, reasons, millis(v.CreatedAt),
		v.Deleted, v.ContractMetadata, v.ContractRuleSet, refs)
	return mapError(err, fmt.Sprintf("create version %d of schema %q in registry %q", v.Number, v.Schema, v.Registry))
}

// GetVersion returns the version with the given ID or registry.ErrNotExist.
func (t *tx) GetVersion(ctx context.Context, id string) (*registry.Version, error) {
	v, err := scanVersion(t.tx.QueryRowContext(ctx, `SELECT `+versionColumns+` FROM versions WHERE id = ?`, id))
	if err != nil {
		return nil, mapError(err, fmt.Sprintf("version %q", id))
	}
	return &v, nil
}

// GetVersionByNumber returns version number of the schema or registry.ErrNotExist.
func (t *tx) GetVersionByNumber(ctx context.Context, reg, sch string, number int64) (*registry.Version, error) {
	v, err := scanVersion(t.tx.QueryRowContext(ctx, `SELECT `+versionColumns+` FROM versions
		WHERE registry = ? AND schema = ? AND number = ?`, reg, sch, number))
	if err != nil {
		return nil, mapError(err, fmt.Sprintf("version %d of schema %q in registry %q", number, sch, reg))
	}
	return &v, nil
}

// FindVersionsByContent returns the versions of the schema with the given content, newest
// first; none is an empty result, not an error.
func (t *tx) FindVersionsByContent(ctx context.Context, reg, sch string, contentID int64) ([]registry.Version, error) {
	rows, err := t.tx.QueryContext(ctx, `SELECT `+versionColumns+` FROM versions
		WHERE registry = ? AND schema = ? AND content_id = ? ORDER BY number DESC`, reg, sch, contentID)
	return collect(rows, err, "find versions by content", scanVersion)
}

// ListVersions returns up to limit versions of the schema numbered after afterNumber, ordered
// by number, of the given status or, when status is "", of every status. A missing schema
// has no versions.
func (t *tx) ListVersions(ctx context.Context, reg, sch string, afterNumber int64, limit int, status string) ([]registry.Version, error) {
	rows, err := t.tx.QueryContext(ctx, `SELECT `+versionColumns+` FROM versions
		WHERE registry = ? AND schema = ? AND number > ? AND (? = '' OR status = ?)
		ORDER BY number LIMIT ?`, reg, sch, afterNumber, status, status, sqlLimit(limit))
	return collect(rows, err, "list versions", scanVersion)
}

// CountVersions counts the versions of every schema.
func (t *tx) CountVersions(ctx context.Context) (int, error) {
	return t.count(ctx, `SELECT count(*) FROM versions`, "count versions")
}

// DeleteVersion removes the version and its metadata, or returns registry.ErrNotExist. Its
// content row stays.
func (t *tx) DeleteVersion(ctx context.Context, id string) error {
	what := fmt.Sprintf("delete version %q", id)
	res, err := t.tx.ExecContext(ctx, `DELETE FROM versions WHERE id = ?`, id)
	if err != nil {
		return mapError(err, what)
	}
	return affected(res, what)
}

// SetVersionDeleted sets the soft-delete flag of the version, or returns registry.ErrNotExist.
func (t *tx) SetVersionDeleted(ctx context.Context, id string, deleted bool) error {
	what := fmt.Sprintf("set deleted=%t on version %q", deleted, id)
	res, err := t.tx.ExecContext(ctx, `UPDATE versions SET deleted = ? WHERE id = ?`, deleted, id)
	if err != nil {
		return mapError(err, what)
	}
	return affected(res, what)
}

// ListVersionsByContent returns the versions of every schema with the given content, ordered
// by (registry, schema, number).
func (t *tx) ListVersionsByContent(ctx context.Context, contentID int64) ([]registry.Version, error) {
	rows, err := t.tx.QueryContext(ctx, `SELECT `+versionColumns+` FROM versions
		WHERE content_id = ? ORDER BY registry, schema, number`, contentID)
	return collect(rows, err, "list versions by content", scanVersion)
}

// ListVersionSummaries returns every version of the registry's schemas (of every schema when
// reg is ""), ordered by (registry, schema, number), without definitions, reasons and
// contracts (with references).
func (t *tx) ListVersionSummaries(ctx context.Context, reg string) ([]registry.Version, error) {
	rows, err := t.tx.QueryContext(ctx, `SELECT id, registry, schema, number, status, format, '', content_id, '[]',
		created_at, deleted, '', '', refs FROM versions
		WHERE ? = '' OR registry = ? ORDER BY registry, schema, number`, reg, reg)
	return collect(rows, err, "list version summaries", scanVersion)
}

// ListMetadata returns the pairs of the version ordered by (key, created time, value); a
// missing version has none.
func (t *tx) ListMetadata(ctx context.Context, versionID string) ([]registry.Metadata, error) {
	rows, err := t.tx.QueryContext(ctx, `SELECT key, value, created_at FROM version_metadata
		WHERE version_id = ? ORDER BY key, created_at, value`, versionID)
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
	_, err := t.tx.ExecContext(ctx, `INSERT INTO version_metadata (version_id, key, value, created_at)
		VALUES (?, ?, ?, ?)`, versionID, m.Key, m.Value, millis(m.CreatedAt))
	return mapError(err, fmt.Sprintf("add metadata %q=%q to version %q", m.Key, m.Value, versionID))
}

// RemoveMetadata detaches the pair from the version, or returns registry.ErrNotExist.
func (t *tx) RemoveMetadata(ctx context.Context, versionID, key, value string) error {
	what := fmt.Sprintf("remove metadata %q=%q from version %q", key, value, versionID)
	res, err := t.tx.ExecContext(ctx, `DELETE FROM version_metadata WHERE version_id = ? AND key = ? AND value = ?`,
		versionID, key, value)
	if err != nil {
		return mapError(err, what)
	}
	return affected(res, what)
}
