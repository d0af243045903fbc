// Package sqlite is the embedded registry.Store: one SQLite database file, opened with the pure-Go
// modernc.org/sqlite driver.
//
// The database runs in WAL mode with synchronous=FULL, so a write is on disk before Update
// returns and survives kill -9 or a power cut. Writers are serialized on one connection that
// begins every transaction with BEGIN IMMEDIATE, which makes a read-modify-write inside Update
// safe; readers use a separate pool of read-only connections and never block the writer.
//
// Times are stored as milliseconds since the Unix epoch and read back in UTC, so a time written
// with a finer precision reads back truncated to the millisecond. An empty tag map (nil or not)
// and an empty reasons list read back as nil.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"runtime"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/cartaschema/carta/internal/registry"
)

// busyTimeout is how long a connection waits for a lock another process holds (a second
// server on the same file, a backup) before failing with SQLITE_BUSY.
const busyTimeout = 10 * time.Second

// DB is a registry.Store kept in one SQLite database file. It is safe for concurrent use.
type DB struct {
	path  string
	write *sql.DB // one connection: every Update runs on it, one at a time
	read  *sql.DB // a pool of query-only connections for View
}

var _ registry.Store = (*DB)(nil)

// Open opens the SQLite database at path, creating the file when it does not exist, and applies
// every migration it has not applied yet. The caller must Close the DB.
func Open(ctx context.Context, path string) (*DB, error) {
	if path == "" {
		return nil, errors.New("sqlite: empty database path")
	}
	if strings.Contains(path, "?") {
		// The driver would take the rest of the name for connection parameters.
		return nil, fmt.Errorf("sqlite: database path %q contains '?'", path)
	}
	db := &DB{path: path}

	var err error
	// journal_mode is set on the write connection only: it is persistent, and switching a
	// fresh file to WAL needs an exclusive lock a reader would compete for.
	db.write, err = sql.Open("sqlite", dsn(path, url.Values{
		"_txlock":       {"immediate"},
		"_journal_mode": {"WAL"},
	}))
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	db.write.SetMaxOpenConns(1)
	db.write.SetMaxIdleConns(1)
	db.write.SetConnMaxLifetime(0)
	db.write.SetConnMaxIdleTime(0)

	if err := db.write.PingContext(ctx); err != nil {
		db.write.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	if err := migrate(ctx, db.write); err != nil {
		db.write.Close()
		return nil, fmt.Errorf("sqlite: migrate %s: %w", path, err)
	}

	db.read, err = sql.Open("sqlite", dsn(path, url.Values{
		"_query_only": {"1"},
	}))
	if err != nil {
		db.write.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	n := max(4, runtime.GOMAXPROCS(0))
	db.read.SetMaxOpenConns(n)
	db.read.SetMaxIdleConns(n)
	if err := db.read.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	return db, nil
}

// dsn returns the driver's data source name for the file at path with the settings every
// connection shares plus extra.
func dsn(path string, extra url.Values) string {
	q := url.Values{
		"_busy_timeout": {fmt.Sprint(busyTimeout.Milliseconds())},
		"_foreign_keys": {"1"},
		"_synchronous":  {"FULL"},
	}
	for k, v := range extra {
		q[k] = v
	}
	// A plain file name, not a "file:" URI: the driver strips the query, and no character of
	// the path is interpreted by SQLite's URI parser.
	return path + "?" + q.Encode()
}

// Path returns the file name the DB was opened with.
func (db *DB) Path() string { return db.path }

// Close closes every connection. Transactions in progress fail.
func (db *DB) Close() error {
	var errs []error
	if db.read != nil {
		errs = append(errs, db.read.Close())
	}
	if db.write != nil {
		errs = append(errs, db.write.Close())
	}
	return errors.Join(errs...)
}

// Ping reports whether the database answers a query on both the read and the write side; it is
// the readiness probe of the server.
func (db *DB) Ping(ctx context.Context) error {
	for _, c := range []*sql.DB{db.read, db.write} {
		var one int
		if err := c.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
			return fmt.Errorf("sqlite: ping: %w", err)
		}
	}
	return nil
}

// View runs fn in a read-only transaction that sees one consistent snapshot of the database.
// A write inside fn fails.
func (db *DB) View(ctx context.Context, fn func(registry.Tx) error) error {
	return run(ctx, db.read, &sql.TxOptions{ReadOnly: true}, fn)
}

// Update runs fn in a read-write transaction and commits it when fn returns nil. When fn returns
// an error or panics, the transaction is rolled back (and the panic continues). Updates run one
// at a time, so fn must not call Update itself: that would wait for itself forever.
func (db *DB) Update(ctx context.Context, fn func(registry.Tx) error) error {
	return run(ctx, db.write, nil, fn)
}

func run(ctx context.Context, c *sql.DB, opts *sql.TxOptions, fn func(registry.Tx) error) (err error) {
	sqlTx, err := c.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("sqlite: begin: %w", err)
	}
	committed := false
	defer func() {
		if committed {
			return
		}
		// Roll back on an error and on a panic alike; the panic then goes on up the stack.
		if rerr := sqlTx.Rollback(); rerr != nil && err != nil && !errors.Is(rerr, sql.ErrTxDone) {
			err = errors.Join(err, fmt.Errorf("sqlite: rollback: %w", rerr))
		}
	}()
	if err := fn(&tx{tx: sqlTx}); err != nil {
		return err
	}
	committed = true
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("sqlite: commit: %w", err)
	}
	return nil
}

// codeError is implemented by the driver's *sqlite.Error.
type codeError interface {
	error
	Code() int
}

// mapError translates the driver's constraint violations into the registry's sentinels: a
// duplicate key is registry.ErrExists and a reference to a missing row (a schema in a missing
// registry, metadata of a missing version) is registry.ErrNotExist. what names the operation.
func mapError(err error, what string) error {
	if err == nil {
		return nil
	}
	var ce codeError
	if errors.As(err, &ce) {
		switch ce.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return fmt.Errorf("%s: %w", what, registry.ErrExists)
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return fmt.Errorf("%s: referenced entity missing: %w", what, registry.ErrNotExist)
		}
	}
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s: %w", what, registry.ErrNotExist)
	}
	return fmt.Errorf("sqlite: %s: %w", what, err)
}

// millis is the stored form of a time.
func millis(t time.Time) int64 { return t.UnixMilli() }

// fromMillis is the time a stored millisecond count stands for, in UTC.
func fromMillis(ms int64) time.Time { return time.UnixMilli(ms).UTC() }
