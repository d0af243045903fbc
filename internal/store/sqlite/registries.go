package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/cartaschema/carta/internal/registry"
)

const registryColumns = `name, description, tags, status, created_at, updated_at`

func scanRegistry(s scanner) (registry.Registry, error) {
	var (
		r                registry.Registry
		tags             string
		created, updated int64
	)
	if err := s.Scan(&r.Name, &r.Description, &tags, &r.Status, &created, &updated); err != nil {
		return r, err
	}
	var err error
	r.Tags, err = decodeTags(tags)
	r.CreatedAt, r.UpdatedAt = fromMillis(created), fromMillis(updated)
	return r, err
}

// CreateRegistry stores r; registry.ErrExists when the name is taken.
func (t *tx) CreateRegistry(ctx context.Context, r *registry.Registry) error {
	tags, err := encodeTags(r.Tags)
	if err != nil {
		return err
	}
	_, err = t.tx.ExecContext(ctx, `INSERT INTO registries (`+registryColumns+`) VALUES (?, ?, ?, ?, ?, ?)`,
		r.Name, r.Description, tags, r.Status, millis(r.CreatedAt), millis(r.UpdatedAt))
	return mapError(err, fmt.Sprintf("create registry %q", r.Name))
}

// GetRegistry returns the named registry or registry.ErrNotExist.
func (t *tx) GetRegistry(ctx context.Context, name string) (*registry.Registry, error) {
	r, err := scanRegistry(t.tx.QueryRowContext(ctx, `SELECT `+registryColumns+` FROM registries WHERE name = ?`, name))
	if err != nil {
		return nil, mapError(err, fmt.Sprintf("registry %q", name))
	}
	return &r, nil
}

// ListRegistries returns up to limit registries named after afterName, ordered by name.
func (t *tx) ListRegistries(ctx context.Context, afterName string, limit int) ([]registry.Registry, error) {
	rows, err := t.tx.QueryContext(ctx, `SELECT `+registryColumns+` FROM registries
		WHERE name > ? ORDER BY name LIMIT ?`, afterName, sqlLimit(limit))
	return collect(rows, err, "list registries", scanRegistry)
}

// CountRegistries counts every registry.
func (t *tx) CountRegistries(ctx context.Context) (int, error) {
	return t.count(ctx, `SELECT count(*) FROM registries`, "count registries")
}

// UpdateRegistry overwrites description, tags, status and updated time of r.Name, or returns
// registry.ErrNotExist.
func (t *tx) UpdateRegistry(ctx context.Context, r *registry.Registry) error {
	tags, err := encodeTags(r.Tags)
	if err != nil {
		return err
	}
	what := fmt.Sprintf("update registry %q", r.Name)
	res, err := t.tx.ExecContext(ctx, `UPDATE registries SET description = ?, tags = ?, status = ?, updated_at = ?
		WHERE name = ?`, r.Description, tags, r.Status, millis(r.UpdatedAt), r.Name)
	if err != nil {
		return mapError(err, what)
	}
	return affected(res, what)
}

// DeleteRegistry removes the registry; its schemas, versions and metadata go with it by
// cascading foreign keys, its configs by a second statement. Content rows stay. registry.ErrNotExist when there is no such registry.
func (t *tx) DeleteRegistry(ctx context.Context, name string) error {
	what := fmt.Sprintf("delete registry %q", name)
	res, err := t.tx.ExecContext(ctx, `DELETE FROM registries WHERE name = ?`, name)
	if err != nil {
		return mapError(err, what)
	}
	if err := affected(res, what); err != nil {
		return err
	}
	_, err = t.tx.ExecContext(ctx, `DELETE FROM configs WHERE registry = ?`, name)
	return mapError(err, what)
}

const schemaColumns = `registry, name, format, compatibility, description, tags,
	checkpoint, latest_version, next_version, status, created_at, updated_at`

func scanSchema(s scanner) (registry.Schema, error) {
	var (
		sc               registry.Schema
		tags             string
		created, updated int64
	)
	if err := s.Scan(&sc.Registry, &sc.Name, &sc.Format, &sc.Compatibility, &sc.Description, &tags,
		&sc.Checkpoint, &sc.LatestVersion, &sc.NextVersion, &sc.Status, &created, &updated); err != nil {
		return sc, err
	}
	var err error
	sc.Tags, err = decodeTags(tags)
	sc.CreatedAt, sc.UpdatedAt = fromMillis(created), fromMillis(updated)
	return sc, err
}

// CreateSchema stores s: registry.ErrExists when the registry has a schema of that name,
// registry.ErrNotExist when the registry does not exist.
func (t *tx) CreateSchema(ctx context.Context, s *registry.Schema) error {
	tags, err := encodeTags(s.Tags)
	if err != nil {
		return err
	}
	_, err = t.tx.ExecContext(ctx, `INSERT INTO schemas (`+schemaColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		s.Registry, s.Name, s.Format, s.Compatibility, s.Description, tags,
		s.Checkpoint, s.LatestVersion, s.NextVersion, s.Status, millis(s.CreatedAt), millis(s.UpdatedAt))
	return mapError(err, fmt.Sprintf("create schema %q in registry %q", s.Name, s.Registry))
}

// GetSchema returns the schema or registry.ErrNotExist.
func (t *tx) GetSchema(ctx context.Context, reg, name string) (*registry.Schema, error) {
	s, err := scanSchema(t.tx.QueryRowContext(ctx, `SELECT `+schemaColumns+` FROM schemas
		WHERE registry = ? AND name = ?`, reg, name))
	if err != nil {
		return nil, mapError(err, fmt.Sprintf("schema %q in registry %q", name, reg))
	}
	return &s, nil
}

// ListSchemas returns up to limit schemas after the cursor (afterRegistry, afterName), ordered
// by (registry, name), of one registry or, when reg is "", of all of them.
func (t *tx) ListSchemas(ctx context.Context, reg, afterRegistry, afterName string, limit int) ([]registry.Schema, error) {
	// Two statements rather than one with "? = '' OR registry = ?": SQLite plans a statement
	// once, and that OR would keep it from seeking the primary key to the registry.
	var (
		rows *sql.Rows
		err  error
	)
	if reg == "" {
		rows, err = t.tx.QueryContext(ctx, `SELECT `+schemaColumns+` FROM schemas
			WHERE (registry, name) > (?, ?) ORDER BY registry, name LIMIT ?`,
			afterRegistry, afterName, sqlLimit(limit))
	} else {
		rows, err = t.tx.QueryContext(ctx, `SELECT `+schemaColumns+` FROM schemas
			WHERE registry = ? AND (registry, name) > (?, ?) ORDER BY registry, name LIMIT ?`,
			reg, afterRegistry, afterName, sqlLimit(limit))
	}
	return collect(rows, err, "list schemas", scanSchema)
}

// CountSchemas counts the schemas of every registry.
func (t *tx) CountSchemas(ctx context.Context) (int, error) {
	return t.count(ctx, `SELECT count(*) FROM schemas`, "count schemas")
}

// UpdateSchema overwrites compatibility, description, tags, checkpoint, latest and next version
// number, status and updated time of the schema s names, or returns registry.ErrNotExist.
// Format and creation time never change.
func (t *tx) UpdateSchema(ctx context.Context, s *registry.Schema) error {
	tags, err := encodeTags(s.Tags)
	if err != nil {
		return err
	}
	what := fmt.Sprintf("update schema %q in registry %q", s.Name, s.Registry)
	res, err := t.tx.ExecContext(ctx, `UPDATE schemas SET compatibility = ?, description = ?, tags = ?,
		checkpoint = ?, latest_version = ?, next_version = ?, status = ?, updated_at = ?
		WHERE registry = ? AND name = ?`,
		s.Compatibility, s.Description, tags, s.Checkpoint, s.LatestVersion, s.NextVersion, s.Status,
		millis(s.UpdatedAt), s.Registry, s.Name)
	if err != nil {
		return mapError(err, what)
	}
	return affected(res, what)
}

// DeleteSchema removes the schema with its versions, metadata and subject config, or returns
// registry.ErrNotExist.
func (t *tx) DeleteSchema(ctx context.Context, reg, name string) error {
	what := fmt.Sprintf("delete schema %q in registry %q", name, reg)
	res, err := t.tx.ExecContext(ctx, `DELETE FROM schemas WHERE registry = ? AND name = ?`, reg, name)
	if err != nil {
		return mapError(err, what)
	}
	if err := affected(res, what); err != nil {
		return err
	}
	_, err = t.tx.ExecContext(ctx, `DELETE FROM configs WHERE registry = ? AND subject = ?`, reg, name)
	return mapError(err, what)
}
