package postgres

import (
	"context"
	"fmt"

	"github.com/cartaschema/carta/internal/registry"
)

const configColumns = `registry, subject, compatibility, normalize, policy, mode, updated_at`

func scanConfig(s scanner) (registry.Config, error) {
	var (
		c         registry.Config
		normalize string
		updated   int64
	)
	if err := s.Scan(&c.Registry, &c.Subject, &c.Compatibility, &normalize, &c.Policy, &c.Mode, &updated); err != nil {
		return c, err
	}
	c.UpdatedAt = fromMillis(updated)
	var err error
	c.Normalize, err = decodeOptionalBool(normalize)
	return c, err
}

// encodeOptionalBool is the stored form of a setting that may be unset: "", "true" or "false".
func encodeOptionalBool(b *bool) string {
	if b == nil {
		return ""
	}
	return fmt.Sprint(*b)
}

func decodeOptionalBool(s string) (*bool, error) {
	switch s {
	case "":
		return nil, nil
	case "true", "false":
		b := s == "true"
		return &b, nil
	}
	return nil, fmt.Errorf("postgres: decode config: %q is not true, false or empty", s)
}

// GetConfig returns the config of the level or registry.ErrNotExist.
func (t *tx) GetConfig(ctx context.Context, reg, subject string) (*registry.Config, error) {
	c, err := scanConfig(t.tx.QueryRow(ctx, `SELECT `+configColumns+` FROM configs
		WHERE registry = $1 AND subject = $2`, reg, subject))
	if err != nil {
		return nil, mapError(err, fmt.Sprintf("config of subject %q in registry %q", subject, reg))
	}
	return &c, nil
}

// PutConfig creates or replaces the config of the level c names.
func (t *tx) PutConfig(ctx context.Context, c *registry.Config) error {
	_, err := t.tx.Exec(ctx, `INSERT INTO configs (`+configColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (registry, subject) DO UPDATE SET compatibility = excluded.compatibility,
			normalize = excluded.normalize, policy = excluded.policy, mode = excluded.mode,
			updated_at = excluded.updated_at`,
		c.Registry, c.Subject, string(c.Compatibility), encodeOptionalBool(c.Normalize), string(c.Policy), c.Mode, millis(c.UpdatedAt))
	return mapError(err, fmt.Sprintf("put config of subject %q in registry %q", c.Subject, c.Registry))
}

// DeleteConfig removes the config of the level, or returns registry.ErrNotExist.
func (t *tx) DeleteConfig(ctx context.Context, reg, subject string) error {
	return t.exec(ctx, fmt.Sprintf("delete config of subject %q in registry %q", subject, reg),
		`DELETE FROM configs WHERE registry = $1 AND subject = $2`, reg, subject)
}

// ListConfigs returns every config ordered by (registry, subject).
func (t *tx) ListConfigs(ctx context.Context) ([]registry.Config, error) {
	rows, err := t.tx.Query(ctx, `SELECT `+configColumns+` FROM configs ORDER BY registry, subject`)
	return collect(rows, err, "list configs", scanConfig)
}
