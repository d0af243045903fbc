package sqlite

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cartaschema/carta/internal/registry"
	"github.com/cartaschema/carta/internal/store/storetest"
	"github.com/cartaschema/carta/schema"
)

func openTest(t *testing.T, path string) *DB {
	t.Helper()
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return db
}

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) registry.Store {
		return openTest(t, filepath.Join(t.TempDir(), "carta.db"))
	})
}

func TestPragmas(t *testing.T) {
	db := openTest(t, filepath.Join(t.TempDir(), "carta.db"))
	defer db.Close()
	ctx := context.Background()
	for _, tc := range []struct {
		pragma string
		write  string // on the write connection
		read   string // on a read connection
	}{
		{"journal_mode", "wal", "wal"},
		{"synchronous", "2", "2"}, // FULL
		{"foreign_keys", "1", "1"},
		{"busy_timeout", fmt.Sprint(busyTimeout.Milliseconds()), fmt.Sprint(busyTimeout.Milliseconds())},
		{"query_only", "0", "1"},
	} {
		var w, r string
		if err := db.write.QueryRowContext(ctx, "PRAGMA "+tc.pragma).Scan(&w); err != nil {
			t.Fatal(err)
		}
		if err := db.read.QueryRowContext(ctx, "PRAGMA "+tc.pragma).Scan(&r); err != nil {
			t.Fatal(err)
		}
		if w != tc.write || r != tc.read {
			t.Errorf("PRAGMA %s: write connection %q, read connection %q; want %q, %q", tc.pragma, w, r, tc.write, tc.read)
		}
	}
	if err := db.Ping(ctx); err != nil {
		t.Errorf("Ping: %v", err)
	}
}

func TestReopenKeepsDataAndMigratesOnce(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "carta.db")
	db := openTest(t, path)
	err := db.Update(ctx, func(tx registry.Tx) error {
		return tx.CreateRegistry(ctx, &registry.Registry{Name: "kept", Status: registry.StatusAvailable})
	})
	if err != nil {
		t.Fatal(err)
	}
	before := appliedMigrations(t, db)
	if len(before) == 0 {
		t.Fatal("no migration recorded")
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db = openTest(t, path)
	defer db.Close()
	if err := migrate(ctx, db.write); err != nil {
		t.Fatalf("migrating a migrated database: %v", err)
	}
	if after := appliedMigrations(t, db); !equalMaps(before, after) {
		t.Errorf("migrations after reopening: %v, before: %v", after, before)
	}
	err = db.View(ctx, func(tx registry.Tx) error {
		_, err := tx.GetRegistry(ctx, "kept")
		return err
	})
	if err != nil {
		t.Errorf("GetRegistry after reopening: %v", err)
	}
}

// appliedMigrations returns schema_migrations: name → applied_at.
func appliedMigrations(t *testing.T, db *DB) map[string]int64 {
	t.Helper()
	rows, err := db.read.Query(`SELECT name, applied_at FROM schema_migrations`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	m := map[string]int64{}
	for rows.Next() {
		var name string
		var at int64
		if err := rows.Scan(&name, &at); err != nil {
			t.Fatal(err)
		}
		m[name] = at
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return m
}

func equalMaps(a, b map[string]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func TestOpenErrors(t *testing.T) {
	ctx := context.Background()
	if _, err := Open(ctx, ""); err == nil {
		t.Error("Open(\"\") succeeded")
	}
	if _, err := Open(ctx, filepath.Join(t.TempDir(), "what?.db")); err == nil {
		t.Error("Open of a name with '?' succeeded")
	}
	if _, err := Open(ctx, filepath.Join(t.TempDir(), "missing-dir", "carta.db")); err == nil {
		t.Error("Open in a missing directory succeeded")
	}
	notDB := filepath.Join(t.TempDir(), "not.db")
	if err := os.WriteFile(notDB, []byte(strings.Repeat("not a database ", 100)), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(ctx, notDB); err == nil {
		t.Error("Open of a file that is not a database succeeded")
	}
}

// durabilityEnv names the database the child process of TestDurability writes to.
const durabilityEnv = "CARTA_SQLITE_DURABILITY_CHILD"

// TestDurability kills a writer with SIGKILL right after Update acknowledged a write and checks
// that the write is in the database: an acknowledged write survives kill -9.
func TestDurability(t *testing.T) {
	if path := os.Getenv(durabilityEnv); path != "" {
		durabilityChild(path)
		return
	}
	const acks = 25
	path := filepath.Join(t.TempDir(), "carta.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestDurability$", "-test.count=1")
	cmd.Env = append(os.Environ(), durabilityEnv+"="+path)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// The child writes registries r1, r2, ... and prints "committed N" after Update returned
	// for rN. Kill it the moment the acks-th acknowledgement arrives.
	var last int
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		n, ok := strings.CutPrefix(sc.Text(), "committed ")
		if !ok {
			continue
		}
		if last, err = strconv.Atoi(n); err != nil {
			t.Fatalf("child said %q", sc.Text())
		}
		if last == acks {
			break
		}
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	if last != acks {
		t.Fatalf("child stopped after %d acknowledged writes (%v)", last, sc.Err())
	}

	db := openTest(t, path)
	defer db.Close()
	ctx := context.Background()
	err = db.View(ctx, func(tx registry.Tx) error {
		for i := 1; i <= acks; i++ {
			if _, err := tx.GetRegistry(ctx, fmt.Sprint("r", i)); err != nil {
				return fmt.Errorf("acknowledged write %d lost: %w", i, err)
			}
			if _, err := tx.GetSchema(ctx, fmt.Sprint("r", i), "s"); err != nil {
				return fmt.Errorf("acknowledged write %d lost: %w", i, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Error(err)
	}
}

// durabilityChild writes until it is killed; it never returns.
func durabilityChild(path string) {
	ctx := context.Background()
	db, err := Open(ctx, path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	for i := 1; ; i++ {
		name := fmt.Sprint("r", i)
		err := db.Update(ctx, func(tx registry.Tx) error {
			if err := tx.CreateRegistry(ctx, &registry.Registry{Name: name, Status: registry.StatusAvailable}); err != nil {
				return err
			}
			return tx.CreateSchema(ctx, &registry.Schema{Registry: name, Name: "s", Format: schema.Avro,
				Compatibility: schema.Backward, NextVersion: 1, Status: registry.StatusAvailable})
		})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		// Unbuffered: the line leaves the process before the next write begins.
		fmt.Fprintf(os.Stdout, "committed %d\n", i)
		if i > 10000 {
			// The parent is gone; do not fill the disk.
			time.Sleep(time.Hour)
		}
	}
}

func TestErrorMapping(t *testing.T) {
	ctx := context.Background()
	db := openTest(t, filepath.Join(t.TempDir(), "carta.db"))
	defer db.Close()
	err := db.View(ctx, func(tx registry.Tx) error {
		_, err := tx.GetRegistry(ctx, "nope")
		return err
	})
	if !errors.Is(err, registry.ErrNotExist) || !strings.Contains(err.Error(), `"nope"`) {
		t.Errorf("GetRegistry(nope) = %v, want ErrNotExist naming the registry", err)
	}
}

// TestContentIDAfterDeletedContent removes the newest content row behind the store's back (no
// Tx method does): AUTOINCREMENT still never hands its ID out again.
func TestContentIDAfterDeletedContent(t *testing.T) {
	ctx := context.Background()
	db := openTest(t, filepath.Join(t.TempDir(), "carta.db"))
	defer db.Close()
	ensure := func(canonical string) int64 {
		t.Helper()
		var id int64
		err := db.Update(ctx, func(tx registry.Tx) error {
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
	ensure("a")
	last := ensure("b")
	if _, err := db.write.ExecContext(ctx, `DELETE FROM contents WHERE id = ?`, last); err != nil {
		t.Fatal(err)
	}
	if id := ensure("c"); id <= last {
		t.Errorf("content after deleting ID %d got ID %d: IDs must never be reused", last, id)
	}
}

// TestTwoHandlesOneFile runs read-modify-writes through two DBs on one file, as two server
// processes sharing a data directory would: BEGIN IMMEDIATE and busy_timeout keep the version
// numbers unique and gap-free.
func TestTwoHandlesOneFile(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "carta.db")
	dbs := []*DB{openTest(t, path), openTest(t, path)}
	for _, db := range dbs {
		defer db.Close()
	}
	err := dbs[0].Update(ctx, func(tx registry.Tx) error {
		if err := tx.CreateRegistry(ctx, &registry.Registry{Name: "r", Status: registry.StatusAvailable}); err != nil {
			return err
		}
		return tx.CreateSchema(ctx, &registry.Schema{Registry: "r", Name: "s", Format: schema.Avro,
			Compatibility: schema.None, NextVersion: 1, Status: registry.StatusAvailable})
	})
	if err != nil {
		t.Fatal(err)
	}
	const perHandle = 15
	errs := make(chan error, 2*perHandle)
	var wg sync.WaitGroup
	for h, db := range dbs {
		for i := range perHandle {
			wg.Go(func() {
				errs <- db.Update(ctx, func(tx registry.Tx) error {
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
	err = dbs[1].View(ctx, func(tx registry.Tx) error {
		vs, err := tx.ListVersions(ctx, "r", "s", 0, 0, "")
		if err != nil {
			return err
		}
		for i, v := range vs {
			if v.Number != int64(i+1) {
				t.Errorf("version %d has number %d", i+1, v.Number)
			}
		}
		if len(vs) != 2*perHandle {
			t.Errorf("%d versions, want %d", len(vs), 2*perHandle)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
