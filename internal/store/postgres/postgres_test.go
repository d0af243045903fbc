package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/cartaschema/carta/internal/registry"
	. "github.com/cartaschema/carta/internal/store/postgres"
	"github.com/cartaschema/carta/internal/store/storetest"
	"github.com/cartaschema/carta/internal/testenv"
	"github.com/cartaschema/carta/schema"
)

func TestMain(m *testing.M) { os.Exit(testenv.PostgresMain(m)) }

func openTest(t *testing.T, dsn string) *Store {
	t.Helper()
	s, err := Open(context.Background(), dsn)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return s
}

// TestStore runs the conformance suite, each subtest on a fresh database.
func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) registry.Store {
		return openTest(t, testenv.NewPostgresDatabase(t))
	})
}

// TestDefaultCollationIsNotBytewise checks that the suite's ordering tests prove something: on
// the test cluster, text without COLLATE "C" orders "a" before "B".
func TestDefaultCollationIsNotBytewise(t *testing.T) {
	if os.Getenv(testenv.PostgresDSNEnv) != "" {
		t.Skipf("%s names an external server; its default collation is its own", testenv.PostgresDSNEnv)
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, testenv.NewPostgresDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var linguistic, bytewise bool
	if err := conn.QueryRow(ctx, `SELECT 'a' < 'B', 'B' COLLATE "C" < 'a'`).Scan(&linguistic, &bytewise); err != nil {
		t.Fatal(err)
	}
	if !linguistic || !bytewise {
		t.Errorf(`default collation: 'a' < 'B' is %v (want true); "C": 'B' < 'a' is %v (want true)`, linguistic, bytewise)
	}
}

// TestConcurrentOpenMigratesOnce opens several Stores on one fresh database at once, as nodes
// of a cluster starting together would: the migration lock lets every Open succeed, and each
// migration is recorded once.
func TestConcurrentOpenMigratesOnce(t *testing.T) {
	ctx := context.Background()
	dsn := testenv.NewPostgresDatabase(t)
	const nodes = 4
	var (
		wg     sync.WaitGroup
		start  = make(chan struct{})
		stores = make([]*Store, nodes)
		errs   = make([]error, nodes)
	)
	for i := range nodes {
		wg.Go(func() {
			<-start
			stores[i], errs[i] = Open(ctx, dsn)
		})
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("Open %d: %v", i, err)
			continue
		}
		defer stores[i].Close()
	}
	if t.Failed() {
		return
	}
	var n int
	if err := stores[0].Pool().QueryRow(ctx, `SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != len(migrationNames(t)) {
		t.Errorf("schema_migrations has %d rows, want %d", n, len(migrationNames(t)))
	}
	// Every node works on the one schema.
	for i, s := range stores {
		err := s.Update(ctx, func(tx registry.Tx) error {
			return tx.CreateRegistry(ctx, &registry.Registry{Name: fmt.Sprint("r", i), Status: registry.StatusAvailable})
		})
		if err != nil {
			t.Errorf("Update on node %d: %v", i, err)
		}
	}
}

func migrationNames(t *testing.T) []string {
	t.Helper()
	entries, err := MigrationFS.ReadDir("migrations")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestReopenKeepsDataAndMigratesOnce(t *testing.T) {
	ctx := context.Background()
	dsn := testenv.NewPostgresDatabase(t)
	s := openTest(t, dsn)
	err := s.Update(ctx, func(tx registry.Tx) error {
		return tx.CreateRegistry(ctx, &registry.Registry{Name: "kept", Status: registry.StatusAvailable})
	})
	if err != nil {
		t.Fatal(err)
	}
	before := appliedMigrations(t, s)
	if len(before) == 0 {
		t.Fatal("no migration recorded")
	}
	s.Close()

	s = openTest(t, dsn)
	defer s.Close()
	if err := Migrate(ctx, s.Pool()); err != nil {
		t.Fatalf("migrating a migrated database: %v", err)
	}
	if after := appliedMigrations(t, s); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("migrations after reopening: %v, before: %v", after, before)
	}
	err = s.View(ctx, func(tx registry.Tx) error {
		_, err := tx.GetRegistry(ctx, "kept")
		return err
	})
	if err != nil {
		t.Errorf("GetRegistry after reopening: %v", err)
	}
}

// appliedMigrations returns schema_migrations: name → applied_at.
func appliedMigrations(t *testing.T, s *Store) map[string]int64 {
	t.Helper()
	rows, err := s.Pool().Query(context.Background(), `SELECT name, applied_at FROM schema_migrations`)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]int64{}
	var (
		name string
		at   int64
	)
	_, err = pgx.ForEachRow(rows, []any{&name, &at}, func() error {
		m[name] = at
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// ensure returns the ID of the content canonical, creating it when needed.
func ensure(t *testing.T, s *Store, canonical string) int64 {
	t.Helper()
	ctx := context.Background()
	var id int64
	err := s.Update(ctx, func(tx registry.Tx) error {
		c, err := tx.EnsureContent(ctx, registry.Content{Format: schema.Avro, Canonical: canonical, Fingerprint: canonical})
		if c != nil {
			id = c.ID
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// TestContentIDsNeverReusedAfterReopen deletes every row, content included (no Tx method
// does; an operator might), closes the store and opens it again: a new content still gets an
// ID above every ID handed out before.
func TestContentIDsNeverReusedAfterReopen(t *testing.T) {
	ctx := context.Background()
	dsn := testenv.NewPostgresDatabase(t)
	s := openTest(t, dsn)
	err := s.Update(ctx, func(tx registry.Tx) error {
		if err := tx.CreateRegistry(ctx, &registry.Registry{Name: "r", Status: registry.StatusAvailable}); err != nil {
			return err
		}
		return tx.CreateSchema(ctx, &registry.Schema{Registry: "r", Name: "s", Format: schema.Avro,
			Compatibility: schema.None, NextVersion: 1, Status: registry.StatusAvailable})
	})
	if err != nil {
		t.Fatal(err)
	}
	var last int64
	for i := range 3 {
		last = ensure(t, s, fmt.Sprint("c", i))
	}
	// A rolled-back insert draws an ID too; it is never handed out either.
	errBoom := errors.New("boom")
	err = s.Update(ctx, func(tx registry.Tx) error {
		c, err := tx.EnsureContent(ctx, registry.Content{Format: schema.Avro, Canonical: "rolled back", Fingerprint: "rolled back"})
		if err != nil {
			return err
		}
		last = max(last, c.ID)
		return errBoom
	})
	if !errors.Is(err, errBoom) {
		t.Fatalf("Update = %v, want %v", err, errBoom)
	}
	if err := s.Update(ctx, func(tx registry.Tx) error { return tx.DeleteRegistry(ctx, "r") }); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Pool().Exec(ctx, `DELETE FROM contents`); err != nil {
		t.Fatal(err)
	}
	s.Close()

	s = openTest(t, dsn)
	defer s.Close()
	if id := ensure(t, s, "after"); id <= last {
		t.Errorf("content after deleting everything and reopening got ID %d, want > %d: IDs must never be reused", id, last)
	}
}

// TestTwoStoresOneDatabase runs read-modify-writes through two Stores on one database, as two
// Carta processes would: the advisory write lock keeps the version numbers unique and gap-free.
func TestTwoStoresOneDatabase(t *testing.T) {
	ctx := context.Background()
	dsn := testenv.NewPostgresDatabase(t)
	stores := []*Store{openTest(t, dsn), openTest(t, dsn)}
	for _, s := range stores {
		defer s.Close()
	}
	err := stores[0].Update(ctx, func(tx registry.Tx) error {
		if err := tx.CreateRegistry(ctx, &registry.Registry{Name: "r", Status: registry.StatusAvailable}); err != nil {
			return err
		}
		return tx.CreateSchema(ctx, &registry.Schema{Registry: "r", Name: "s", Format: schema.Avro,
			Compatibility: schema.None, NextVersion: 1, Status: registry.StatusAvailable})
	})
	if err != nil {
		t.Fatal(err)
	}
	const perStore = 15
	errs := make(chan error, 2*perStore)
	var wg sync.WaitGroup
	for h, s := range stores {
		for i := range perStore {
			wg.Go(func() {
				errs <- s.Update(ctx, func(tx registry.Tx) error {
					sc, err := tx.GetSchema(ctx, "r", "s")
					if err != nil {
						return err
					}
					key := fmt.Sprintf("h%d-%d", h, i)
					c, err := tx.EnsureContent(ctx, registry.Content{Format: schema.Avro, Canonical: key, Fingerprint: key})
					if err != nil {
						return err
					}
					if err := tx.CreateVersion(ctx, &registry.Version{ID: key, Registry: "r", Schema: "s", Number: sc.NextVersion,
						Status: registry.StatusAvailable, Format: schema.Avro, Definition: key, ContentID: c.ID}); err != nil {
						return err
					}
					sc.LatestVersion, sc.NextVersion = sc.NextVersion, sc.NextVersion+1
					return tx.UpdateSchema(ctx, sc)
				})
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	err = stores[1].View(ctx, func(tx registry.Tx) error {
		vs, err := tx.ListVersions(ctx, "r", "s", 0, 0, "")
		if err != nil {
			return err
		}
		for i, v := range vs {
			if v.Number != int64(i+1) {
				t.Errorf("version %d has number %d", i+1, v.Number)
			}
		}
		if len(vs) != 2*perStore {
			t.Errorf("%d versions, want %d", len(vs), 2*perStore)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestTxUsableAfterConstraintErrors checks that ErrExists and ErrNotExist from creators leave
// the transaction usable, as in the SQLite store: PostgreSQL aborts a transaction on a failed
// statement, so the creators must not let the statement fail.
func TestTxUsableAfterConstraintErrors(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, testenv.NewPostgresDatabase(t))
	defer s.Close()
	err := s.Update(ctx, func(tx registry.Tx) error {
		r := &registry.Registry{Name: "r", Status: registry.StatusAvailable}
		if err := tx.CreateRegistry(ctx, r); err != nil {
			return err
		}
		sc := &registry.Schema{Registry: "r", Name: "s", Format: schema.Avro, Compatibility: schema.None,
			NextVersion: 1, Status: registry.StatusAvailable}
		if err := tx.CreateSchema(ctx, sc); err != nil {
			return err
		}
		c, err := tx.EnsureContent(ctx, registry.Content{Format: schema.Avro, Canonical: "a", Fingerprint: "a"})
		if err != nil {
			return err
		}
		v := &registry.Version{ID: "v1", Registry: "r", Schema: "s", Number: 1, Status: registry.StatusAvailable,
			Format: schema.Avro, Definition: "a", ContentID: c.ID}
		if err := tx.CreateVersion(ctx, v); err != nil {
			return err
		}
		if err := tx.AddMetadata(ctx, "v1", registry.Metadata{Key: "k", Value: "v"}); err != nil {
			return err
		}

		for _, tc := range []struct {
			what string
			err  error
			want error
		}{
			{"CreateRegistry(dup)", tx.CreateRegistry(ctx, r), registry.ErrExists},
			{"CreateSchema(dup)", tx.CreateSchema(ctx, sc), registry.ErrExists},
			{"CreateSchema(no registry)", tx.CreateSchema(ctx, &registry.Schema{Registry: "nope", Name: "s", Format: schema.Avro}), registry.ErrNotExist},
			{"CreateVersion(dup ID)", tx.CreateVersion(ctx, v), registry.ErrExists},
			{"CreateVersion(dup number)", tx.CreateVersion(ctx, &registry.Version{ID: "v2", Registry: "r", Schema: "s", Number: 1,
				Format: schema.Avro, ContentID: c.ID}), registry.ErrExists},
			{"CreateVersion(no schema)", tx.CreateVersion(ctx, &registry.Version{ID: "v3", Registry: "r", Schema: "nope", Number: 1,
				Format: schema.Avro, ContentID: c.ID}), registry.ErrNotExist},
			{"CreateVersion(no content)", tx.CreateVersion(ctx, &registry.Version{ID: "v4", Registry: "r", Schema: "s", Number: 2,
				Format: schema.Avro, ContentID: c.ID + 1000}), registry.ErrNotExist},
			{"AddMetadata(dup)", tx.AddMetadata(ctx, "v1", registry.Metadata{Key: "k", Value: "v"}), registry.ErrExists},
			{"AddMetadata(no version)", tx.AddMetadata(ctx, "nope", registry.Metadata{Key: "k", Value: "v"}), registry.ErrNotExist},
		} {
			if !errors.Is(tc.err, tc.want) {
				t.Errorf("%s = %v, want %v", tc.what, tc.err, tc.want)
			}
		}
		// The transaction goes on and commits.
		return tx.CreateRegistry(ctx, &registry.Registry{Name: "after", Status: registry.StatusAvailable})
	})
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	err = s.View(ctx, func(tx registry.Tx) error {
		_, err := tx.GetRegistry(ctx, "after")
		return err
	})
	if err != nil {
		t.Errorf("the write after the errors was not committed: %v", err)
	}
}

func TestErrorMapping(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, testenv.NewPostgresDatabase(t))
	defer s.Close()
	err := s.View(ctx, func(tx registry.Tx) error {
		_, err := tx.GetRegistry(ctx, "nope")
		return err
	})
	if !errors.Is(err, registry.ErrNotExist) || !strings.Contains(err.Error(), `"nope"`) {
		t.Errorf("GetRegistry(nope) = %v, want ErrNotExist naming the registry", err)
	}
	// The fallbacks for violations the creators did not foresee.
	if err := MapError(fmt.Errorf("x: %w", &pgconn.PgError{Code: UniqueViolation}), "op"); !errors.Is(err, registry.ErrExists) {
		t.Errorf("MapError(unique violation) = %v, want ErrExists", err)
	}
	if err := MapError(&pgconn.PgError{Code: ForeignKeyViolation}, "op"); !errors.Is(err, registry.ErrNotExist) {
		t.Errorf("MapError(foreign key violation) = %v, want ErrNotExist", err)
	}
	if err := MapError(&pgconn.PgError{Code: "40001"}, "op"); errors.Is(err, registry.ErrExists) || errors.Is(err, registry.ErrNotExist) {
		t.Errorf("MapError(serialization failure) = %v, want neither sentinel", err)
	}
}

// TestWriteLockIsPerDatabase holds the write lock on one database while an Update runs on
// another database of the same server: advisory locks are per database.
func TestWriteLockIsPerDatabase(t *testing.T) {
	ctx := context.Background()
	a := openTest(t, testenv.NewPostgresDatabase(t))
	defer a.Close()
	b := openTest(t, testenv.NewPostgresDatabase(t))
	defer b.Close()
	hold, held, released := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		released <- a.Update(ctx, func(tx registry.Tx) error {
			close(held)
			<-hold
			return nil
		})
	}()
	<-held
	short, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := b.Update(short, func(tx registry.Tx) error { return nil }); err != nil {
		t.Errorf("Update on another database waited for its lock: %v", err)
	}
	close(hold)
	if err := <-released; err != nil {
		t.Fatal(err)
	}
}

// TestWaitForWriteLock holds the write lock in one Store and checks that an Update of a second
// Store on the same database waits for it and gives up with its context.
func TestWaitForWriteLock(t *testing.T) {
	ctx := context.Background()
	dsn := testenv.NewPostgresDatabase(t)
	a, b := openTest(t, dsn), openTest(t, dsn)
	defer a.Close()
	defer b.Close()
	hold, held, released := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		released <- a.Update(ctx, func(tx registry.Tx) error {
			close(held)
			<-hold
			return tx.CreateRegistry(ctx, &registry.Registry{Name: "first", Status: registry.StatusAvailable})
		})
	}()
	<-held
	short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	called := false
	err := b.Update(short, func(tx registry.Tx) error { called = true; return nil })
	if !errors.Is(err, context.DeadlineExceeded) || called {
		t.Errorf("Update while another node holds the lock = %v (fn called: %v), want context.DeadlineExceeded", err, called)
	}
	// Reads do not wait.
	if err := b.View(ctx, func(tx registry.Tx) error { _, err := tx.CountRegistries(ctx); return err }); err != nil {
		t.Errorf("View while another node holds the lock: %v", err)
	}
	close(hold)
	if err := <-released; err != nil {
		t.Fatal(err)
	}
	// The waiting writer sees the holder's commit.
	err = b.Update(ctx, func(tx registry.Tx) error {
		_, err := tx.GetRegistry(ctx, "first")
		return err
	})
	if err != nil {
		t.Errorf("Update after the lock was released: %v", err)
	}
}

func TestOpenErrors(t *testing.T) {
	ctx := context.Background()
	for _, dsn := range []string{
		"postgres://u:secret@[::1",                           // unparsable
		"postgres://u:secret@127.0.0.1:1/db?sslmode=disable", // nothing listens on port 1
	} {
		s, err := Open(ctx, dsn)
		if err == nil {
			s.Close()
			t.Errorf("Open(%q) succeeded", dsn)
			continue
		}
		if strings.Contains(err.Error(), "secret") {
			t.Errorf("Open(%q) error shows the password: %v", dsn, err)
		}
	}
	// A database that does not exist on a server that answers.
	admin := testenv.StartPostgres(t)
	missing := admin + " dbname=carta_no_such_database"
	if u, err := url.Parse(admin); err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") {
		u.Path = "/carta_no_such_database"
		missing = u.String()
	}
	if s, err := Open(ctx, missing); err == nil {
		s.Close()
		t.Error("Open of a missing database succeeded")
	} else if !strings.Contains(err.Error(), "carta_no_such_database") {
		t.Errorf("Open of a missing database: %v, want the database named", err)
	}
}
