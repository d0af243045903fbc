package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"time"
)

// migrationFS holds the schema changes, applied in file name order. A migration, once released,
// is never edited: a change is a new file.
//
//go:embed migrations/*.sql
var migrationFS embed.FS

// migrate applies, in name order, every embedded migration not yet recorded in
// schema_migrations. Each migration runs in its own IMMEDIATE transaction together with the row
// that records it, so a crash leaves it either applied and recorded or neither, and two
// processes opening the same file at once apply it once.
func migrate(ctx context.Context, c *sql.DB) error {
	if _, err := c.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		name       TEXT    NOT NULL PRIMARY KEY,
		applied_at INTEGER NOT NULL
	)`); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}

	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		if err := migrateFile(ctx, c, name); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil
}

// migrateFile applies one migration unless schema_migrations records it already.
func migrateFile(ctx context.Context, c *sql.DB, name string) error {
	tx, err := c.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()

	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE name = ?`, name).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	body, err := fs.ReadFile(migrationFS, name)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, string(body)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)`,
		name, millis(time.Now())); err != nil {
		return err
	}
	return tx.Commit()
}
