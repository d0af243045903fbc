package testenv

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

func TestMain(m *testing.M) { os.Exit(PostgresMain(m)) }

func TestPostgresToolsMissing(t *testing.T) {
	saved := postgresBinDirs
	postgresBinDirs = []string{t.TempDir()}
	defer func() { postgresBinDirs = saved }()
	t.Setenv("PATH", t.TempDir())
	_, _, err := postgresTools()
	if err == nil || !strings.HasPrefix(err.Error(), "component missing: PostgreSQL 15") {
		t.Fatalf("postgresTools without PostgreSQL: %v, want an error starting with %q", err, "component missing: PostgreSQL 15")
	}
}

func TestNewPostgresDatabase(t *testing.T) {
	ctx := context.Background()
	seen := map[string]bool{}
	for range 2 {
		conn, err := pgx.Connect(ctx, NewPostgresDatabase(t))
		if err != nil {
			t.Fatal(err)
		}
		var name string
		var tables int
		err = conn.QueryRow(ctx, `SELECT current_database(), (SELECT count(*) FROM pg_tables WHERE schemaname = 'public')`).Scan(&name, &tables)
		conn.Close(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if seen[name] || tables != 0 {
			t.Errorf("database %s (seen before: %v) has %d tables, want a new, empty one", name, seen[name], tables)
		}
		seen[name] = true
	}
	if os.Getenv(PostgresDSNEnv) == "" {
		if !pg.private || !strings.HasPrefix(StartPostgres(t), "postgres://postgres@127.0.0.1:") {
			t.Errorf("StartPostgres = %s (private: %v), want a private server on loopback", StartPostgres(t), pg.private)
		}
	}
}
