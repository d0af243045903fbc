// Package postgres is the registry.Store kept in a PostgreSQL database (version 13 or later), for
// several Carta processes that share one registry. It uses pgx with a pgxpool connection pool.
//
// # Writers
//
// registry.Store promises that writers are serialized, so that a read-modify-write inside
// Update is safe. Here that promise holds across every Carta process on the database: each
// Update runs in a READ COMMITTED transaction whose first statement takes the transaction-level
// advisory lock WriteLockKey (pg_advisory_xact_lock). The lock is held until the transaction
// commits or rolls back, and PostgreSQL makes a commit visible before it releases the lock, so
// every statement of the next writer sees the previous writer's rows. That is why the level is
// READ COMMITTED: under REPEATABLE READ the snapshot would be taken by the statement that waits
// for the lock, before the previous writer committed.
//
// The trade-off: writes are one at a time across the whole cluster, and a write waits for the
// one before it however many nodes there are. A registry's write rate is low (schemas change
// at deploy time, not per message), and serialization is what makes version numbers gap-free,
// identical concurrent registrations collapse into one version, audit sequence numbers follow
// commit order, and no transaction ever fails with a serialization error. Within one process,
// writers also queue for a single slot before they take a connection, so waiting writers never
// hold the pool's connections that readers need. Readers are not serialized at all.
//
// A writer that stalls while holding the lock (a stuck process, a network partition) stalls
// every writer until its transaction ends; a server-side idle_in_transaction_session_timeout
// bounds that.
//
// # Readers
//
// View runs a READ ONLY, REPEATABLE READ transaction: it sees one consistent snapshot of the
// database, never waits for a writer, and any write inside it fails.
//
// # Schema
//
// Open applies the embedded migrations (migrations/*.sql) that the database's
// schema_migrations table does not list yet, under the session-level advisory lock
// MigrationLockKey, so that several processes starting at once against a fresh database apply
// each migration exactly once. The tables live in the connection's current schema: set
// search_path in the connection string to keep them out of public.
//
// Names are stored with COLLATE "C", so lists order bytewise, as Go compares strings, whatever
// the database's default collation. Times are stored as milliseconds since the Unix epoch and
// read back in UTC. Content IDs and audit sequence numbers come from identity columns: never
// reused, with a gap wherever a transaction rolled back. Tags and reasons are JSON text; an
// empty tag map (nil or not) and an empty reasons list read back as nil.
//
// # Errors
//
// A duplicate key is registry.ErrExists and a reference to a missing row (a schema in a missing
// registry, a version of a missing schema or content, metadata of a missing version) is
// registry.ErrNotExist; both are detected before the statement can fail, so the transaction
// stays usable after them, as in the SQLite store. A canceled or expired context comes back
// wrapped (errors.Is finds context.Canceled or context.DeadlineExceeded). Connection failures
// and any other server error are returned wrapped, never retried: fn may have had effects
// outside the database.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cartaschema/carta/internal/registry"
)

// WriteLockKey is the key of the transaction-level advisory lock every Update takes first:
// the bytes "CARTA-WR". Advisory locks are per database, so registries in different databases
// of one server do not contend.
const WriteLockKey int64 = 0x43_41_52_54_41_2d_57_52

// MigrationLockKey is the key of the session-level advisory lock Open holds while it migrates:
// the bytes "CARTA-MG".
const MigrationLockKey int64 = 0x43_41_52_54_41_2d_4d_47

// DefaultConnectTimeout bounds each attempt to connect when the connection string sets no
// connect_timeout, so that an unreachable server fails Open instead of hanging it.
const DefaultConnectTimeout = 10 * time.Second

// rollbackTimeout bounds a rollback, which runs even when the caller's context is done.
const rollbackTimeout = 5 * time.Second

// Store is a registry.Store kept in a PostgreSQL database. It is safe for concurrent use, also
// by several processes on one database.
type Store struct {
	pool *pgxpool.Pool
	// writer is this process's one write slot: an Update holds it from before it takes a
	// connection until its transaction ends.
	writer chan struct{}
	where  string // describe's description of the database
}

var _ registry.Store = (*Store)(nil)

// Option configures Open.
type Option func(*pgxpool.Config)

// WithMaxConns sets the largest number of connections the Store opens (pgxpool's default is
// the larger of 4 and the number of CPUs; the pool_max_conns connection string parameter sets
// it too). One of them at a time serves writes.
func WithMaxConns(n int32) Option {
	return func(c *pgxpool.Config) { c.MaxConns = n }
}

// WithPoolConfig lets the caller adjust the pool configuration parsed from the connection
// string, e.g. to add a tracer.
func WithPoolConfig(f func(*pgxpool.Config)) Option {
	return Option(f)
}

// Open connects to the database dsn names (a postgres:// URL or a key=value connection string,
// as libpq and pgx accept them, including the PG* environment variables), checks that it
// answers, and applies every migration it has not applied yet. The caller must Close the Store.
func Open(ctx context.Context, dsn string, opts ...Option) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		// pgx's parse error shows the connection string with its password redacted.
		return nil, fmt.Errorf("postgres: %w", err)
	}
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = DefaultConnectTimeout
	}
	for _, o := range opts {
		o(cfg)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	where := describe(cfg)
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: connect to %s: %w", where, err)
	}
	if err := migrate(ctx, pool); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: migrate %s: %w", where, err)
	}
	return &Store{pool: pool, writer: make(chan struct{}, 1), where: where}, nil
}

// String names the database, server and user of the Store, without the password.
func (s *Store) String() string { return s.where }

// describe names the database of cfg for messages, without the password.
func describe(cfg *pgxpool.Config) string {
	c := cfg.ConnConfig
	return fmt.Sprintf("database %q on %s:%d as user %q", c.Database, c.Host, c.Port, c.User)
}

// Close closes every connection, waiting for the ones in use to be released.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// Ping reports whether the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.pool.Ping(ctx); err != nil {
		return fmt.Errorf("postgres: ping: %w", err)
	}
	return nil
}

// View runs fn in a read-only transaction that sees one consistent snapshot of the database.
// A write inside fn fails. When fn panics, the transaction is rolled back and the panic
// continues.
func (s *Store) View(ctx context.Context, fn func(registry.Tx) error) error {
	return s.run(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, false, fn)
}

// Update runs fn in a read-write transaction, serialized with every other Update on the
// database (see the package doc), and commits it when fn returns nil. When fn returns an error
// or panics, the transaction is rolled back (and the panic continues). fn must not call Update
// itself: that would wait for itself forever.
func (s *Store) Update(ctx context.Context, fn func(registry.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("postgres: update: %w", err)
	}
	select {
	case s.writer <- struct{}{}:
	case <-ctx.Done():
		return fmt.Errorf("postgres: update: waiting for this process's write slot: %w", ctx.Err())
	}
	defer func() { <-s.writer }()
	return s.run(ctx, pgx.TxOptions{IsoLevel: pgx.ReadCommitted, AccessMode: pgx.ReadWrite}, true, fn)
}

// run runs fn in a transaction with opts, first taking the write lock when lock is set.
func (s *Store) run(ctx context.Context, opts pgx.TxOptions, lock bool, fn func(registry.Tx) error) (err error) {
	ptx, err := s.pool.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("postgres: begin: %w", err)
	}
	committed := false
	defer func() {
		if committed {
			return
		}
		// Roll back on an error and on a panic alike; the panic then goes on up the stack.
		// The rollback runs even when ctx is done; when it fails, pgx closes the connection,
		// which ends the transaction on the server.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), rollbackTimeout)
		defer cancel()
		if rerr := ptx.Rollback(rctx); rerr != nil && err != nil && !errors.Is(rerr, pgx.ErrTxClosed) {
			err = errors.Join(err, fmt.Errorf("postgres: rollback: %w", rerr))
		}
	}()
	if lock {
		if _, err := ptx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, WriteLockKey); err != nil {
			return fmt.Errorf("postgres: take the write lock: %w", err)
		}
	}
	if err := fn(&tx{tx: ptx}); err != nil {
		return err
	}
	committed = true
	if err := ptx.Commit(ctx); err != nil {
		return fmt.Errorf("postgres: commit: %w", err)
	}
	return nil
}

// SQLSTATE codes mapError translates.
const (
	uniqueViolation     = "23505"
	foreignKeyViolation = "23503"
)

// mapError translates the server's constraint violations into the registry's sentinels: a
// duplicate key is registry.ErrExists and a reference to a missing row is registry.ErrNotExist;
// a query that found no row is registry.ErrNotExist too. what names the operation. The Tx
// methods check for duplicates and missing parents before they insert, so the violations are a
// fallback here (a row another client wrote outside Carta's write lock).
func mapError(err error, what string) error {
	if err == nil {
		return nil
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case uniqueViolation:
			return fmt.Errorf("%s: %w", what, registry.ErrExists)
		case foreignKeyViolation:
			return fmt.Errorf("%s: referenced entity missing: %w", what, registry.ErrNotExist)
		}
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("%s: %w", what, registry.ErrNotExist)
	}
	return fmt.Errorf("postgres: %s: %w", what, err)
}

// millis is the stored form of a time.
func millis(t time.Time) int64 { return t.UnixMilli() }

// fromMillis is the time a stored millisecond count stands for, in UTC.
func fromMillis(ms int64) time.Time { return time.UnixMilli(ms).UTC() }
