package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

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
	return t.insert(ctx, fmt.Sprintf("create registry %q", r.Name),
		`INSERT INTO registries (`+registryColumns+`) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
		[]any{r.Name, r.Description, tags, r.Status, millis(r.CreatedAt), millis(r.UpdatedAt)}, "")
}

// GetRegistry returns the named registry or registry.ErrNotExist.
func (t *tx) GetRegistry(ctx context.Context, name string) (*registry.Registry, error) {
	r, err := scanRegistry(t.tx.QueryRow(ctx, `SELECT `+registryColumns+` FROM registries WHERE name = $1`, name))
	if err != nil {
		return nil, mapError(err, fmt.Sprintf("registry %q", name))
	}
	return &r, nil
}

// ListRegistries returns up to limit registries named after afterName, ordered by name.
func (t *tx) ListRegistries(ctx context.Context, afterName string, limit int) ([]registry.Registry, error) {
	rows, err := t.tx.Query(ctx, `SELECT `+registryColumns+` FROM registries
		WHERE name > $1 ORDER BY name LIMIT $2`, afterName, sqlLimit(limit))
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
	return t.exec(ctx, fmt.Sprintf("update registry %q", r.Name),
		`UPDATE registries SET description = $1, tags = $2, status = $3, updated_at = $4 WHERE name = $5`,
		r.Description, tags, r.Status, millis(r.UpdatedAt), r.Name)
}

// DeleteRegistry removes the registry; its schemas, versions and metadata go with it by
// cascading foreign keys, its configs by a second statement. Content rows stay.
// registry.ErrNotExist when there is no such registry.
func (t *tx) DeleteRegistry(ctx context.Context, name string) error {
	what := fmt.Sprintf("delete registry %q", name)
	if err := t.exec(ctx, what, `DELETE FROM registries WHERE name = $1`, name); err != nil {
		return err
	}
	_, err := t.tx.Exec(ctx, `DELETE FROM configs WHERE registry = $1`, name)
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
	return t.insert(ctx, fmt.Sprintf("create schema %q in registry %q", s.Name, s.Registry),
		`INSERT INTO schemas (`+schemaColumns+`)
		SELECT $1::text, $2::text, $3::text, $4::text, $5::text, $6::text,
			$7::bigint, $8::bigint, $9::bigint, $10::text, $11::bigint, $12::bigint
		WHERE EXISTS (SELECT FROM registries WHERE name = $1)
		ON CONFLICT DO NOTHING`,
		[]any{s.Registry, s.Name, s.Format, s.Compatibility, s.Description, tags,
			s.Checkpoint, s.LatestVersion, s.NextVersion, s.Status, millis(s.CreatedAt), millis(s.UpdatedAt)},
		`SELECT EXISTS (SELECT FROM registries WHERE name = $1)`, s.Registry)
}

// GetSchema returns the schema or registry.ErrNotExist.
func (t *tx) GetSchema(ctx context.Context, reg, name string) (*registry.Schema, error) {
	s, err := scanSchema(t.tx.QueryRow(ctx, `SELECT `+schemaColumns+` FROM schemas
		WHERE registry = $1 AND name = $2`, reg, name))
	if err != nil {
		return nil, mapError(err, fmt.Sprintf("schema %q in registry %q", name, reg))
	}
	return &s, nil
}

// ListSchemas returns up to limit schemas after the cursor (afterRegistry, afterName), ordered
// by (registry, name), of one registry or, when reg is "", of all of them.
func (t *tx) ListSchemas(ctx context.Context, reg, afterRegistry, afterName string, limit int) ([]registry.Schema, error) {
	// Two statements rather than one with "$1 = '' OR registry = $1", whose generic plan
	// could not seek the primary key to the registry.
	var (
		rows pgx.Rows
		err  error
	)
	if reg == "" {
		rows, err = t.tx.Query(ctx, `SELECT `+schemaColumns+` FROM schemas
			WHERE (registry, name) > ($1, $2) ORDER BY registry, name LIMIT $3`,
			afterRegistry, afterName, sqlLimit(limit))
	} else {
		rows, err = t.tx.Query(ctx, `SELECT `+schemaColumns+` FROM schemas
			WHERE registry = $1 AND (registry, name) > ($2, $3) ORDER BY registry, name LIMIT $4`,
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
	return t.exec(ctx, fmt.Sprintf("update schema %q in registry %q", s.Name, s.Registry),
		`UPDATE schemas SET compatibility = $1, description = $2, tags = $3,
		checkpoint = $4, latest_version = $5, next_version = $6, status = $7, updated_at = $8
		WHERE registry = $9 AND name = $10`,
		s.Compatibility, s.Description, tags, s.Checkpoint, s.LatestVersion, s.NextVersion, s.Status,
		millis(s.UpdatedAt), s.Registry, s.Name)
}

// DeleteSchema removes the schema with its versions, metadata and subject config, or returns
// registry.ErrNotExist.
func (t *tx) DeleteSchema(ctx context.Context, reg, name string) error {
	what := fmt.Sprintf("delete schema %q in registry %q", name, reg)
	if err := t.exec(ctx, what, `DELETE FROM schemas WHERE registry = $1 AND name = $2`, reg, name); err != nil {
		return err
	}
	_, err := t.tx.Exec(ctx, `DELETE FROM configs WHERE registry = $1 AND subject = $2`, reg, name)
	return mapError(err, what)
}
