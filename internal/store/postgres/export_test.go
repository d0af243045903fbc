package postgres

import "github.com/jackc/pgx/v5/pgxpool"

// The internals postgres_test.go (package postgres_test, which imports testenv, which imports
// the server, which imports this package) needs.

var (
	Migrate     = migrate
	MapError    = mapError
	MigrationFS = migrationFS
)

const (
	UniqueViolation     = uniqueViolation
	ForeignKeyViolation = foreignKeyViolation
)

// Pool returns the Store's connection pool.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }
