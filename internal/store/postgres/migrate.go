package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// migrationFS holds the schema changes, applied in file name order. A migration, once released,
// is never edited: a change is a new file.
//
//go:embed migrations/*.sql
var migrationFS embed.FS

// migrate applies, in name order, every embedded migration not yet recorded in
// schema_migrations. It holds the session-level advisory lock MigrationLockKey on one
// connection throughout, so a second process migrating the same database at once waits and
// then finds everything applied. Each migration runs in its own transaction together with the
// row that records it, so a crash leaves it either applied and recorded or neither.
func migrate(ctx context.Context, pool *pgxpool.Pool) (err error) {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, MigrationLockKey); err != nil {
		return fmt.Errorf("take the migration lock: %w", err)
	}
	defer func() {
		// Unlock even when ctx is done. When this fails the connection is probably broken;
		// closing it releases the lock on the server.
		uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), rollbackTimeout)
		defer cancel()
		if _, uerr := conn.Exec(uctx, `SELECT pg_advisory_unlock($1)`, MigrationLockKey); uerr != nil {
			conn.Hijack().Close(uctx)
			if err == nil {
				err = fmt.Errorf("release the migration lock: %w", uerr)
			}
		}
	}()

	if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		name       TEXT COLLATE "C" NOT NULL PRIMARY KEY,
		applied_at BIGINT           NOT NULL
	)`); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}

	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		if err := migrateFile(ctx, conn.Conn(), name); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil
}

// migrateFile applies one migration unless schema_migrations records it already.
func migrateFile(ctx context.Context, conn *pgx.Conn, name string) error {
	return pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		var applied bool
		err := tx.QueryRow(ctx, `SELECT true FROM schema_migrations WHERE name = $1`, name).Scan(&applied)
		if err == nil {
			return nil
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		body, err := fs.ReadFile(migrationFS, name)
		if err != nil {
			return err
		}
		// Without arguments, pgx sends the file in one simple-protocol query, which may hold
		// several statements.
		if _, err := tx.Exec(ctx, string(body)); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO schema_migrations (name, applied_at) VALUES ($1, $2)`,
			name, millis(time.Now()))
		return err
	})
}
