// Package store_test benchmarks the registry stores side by side, through the registry
// Service, in one run: registration throughput and lookups by version ID at concurrency 1, 16
// and 64, on
//
//   - baseline-tmpfs: the baseline, the SQLite store with its file on tmpfs (/dev/shm), where
//     a sync costs nothing: the code path of sqlite with the disk taken out;
//   - sqlite: the embedded store, a database file in the temporary directory, synchronous=FULL
//     (every commit synced to disk);
//   - postgres: the PostgreSQL store on the private PostgreSQL 15 cluster of testenv (fsync on,
//     its data in the temporary directory too), over TCP on the loopback.
//
// Each result carries the custom metric ops/s: operations completed per second of wall time
// across all goroutines. scripts/bench-storage.sh runs them and prints a table.
package store_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/cartaschema/carta/internal/registry"
	"github.com/cartaschema/carta/internal/server"
	"github.com/cartaschema/carta/internal/store/postgres"
	"github.com/cartaschema/carta/internal/store/sqlite"
	"github.com/cartaschema/carta/internal/testenv"
	"github.com/cartaschema/carta/schema"
)

func TestMain(m *testing.M) { os.Exit(testenv.PostgresMain(m)) }

// benchStore opens one store for a benchmark; it is closed when tb ends.
type benchStore struct {
	name string
	open func(tb testing.TB) registry.Store
}

// tmpfsDir is where the baseline keeps its database.
const tmpfsDir = "/dev/shm"

// tmpfsMagic is TMPFS_MAGIC of statfs(2).
const tmpfsMagic = 0x01021994

// benchStores are measured in this order: the baseline first, PostgreSQL last, so that its
// background work (checkpoints, autovacuum) runs after the SQLite results are in.
var benchStores = []benchStore{
	{"baseline-tmpfs", func(tb testing.TB) registry.Store {
		var fs syscall.Statfs_t
		if err := syscall.Statfs(tmpfsDir, &fs); err != nil || fs.Type != tmpfsMagic {
			tb.Fatalf("component missing: a tmpfs at %s for the baseline store (statfs: type %#x, %v)", tmpfsDir, fs.Type, err)
		}
		dir, err := os.MkdirTemp(tmpfsDir, "carta-bench-")
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { os.RemoveAll(dir) })
		return openSQLite(tb, dir)
	}},
	{"sqlite", func(tb testing.TB) registry.Store {
		return openSQLite(tb, tb.TempDir())
	}},
	{"postgres", func(tb testing.TB) registry.Store {
		st, err := postgres.Open(context.Background(), testenv.NewPostgresDatabase(tb))
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { st.Close() })
		return st
	}},
}

func openSQLite(tb testing.TB, dir string) registry.Store {
	db, err := sqlite.Open(context.Background(), filepath.Join(dir, "carta.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// benchEnv is a Service over one store with the schema registrations go to.
type benchEnv struct {
	svc *registry.Service
	ref registry.SchemaRef
	seq atomic.Int64 // numbers the definitions, so that each registration is a new version
	mu  sync.Mutex
	ids []string // IDs of the registered versions, for lookups
}

func newBenchEnv(tb testing.TB, st benchStore) *benchEnv {
	tb.Helper()
	ctx := context.Background()
	svc, err := registry.NewService(ctx, st.open(tb), registry.Options{
		Handlers: server.Handlers(),
		// Benchmarks register more versions than Glue's quotas allow.
		Quotas: registry.Quotas{MaxVersions: 1 << 30, MaxVersionNumber: 1 << 40},
		Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		tb.Fatal(err)
	}
	e := &benchEnv{svc: svc, ref: registry.SchemaRef{Registry: registry.DefaultRegistry, Name: "bench"}}
	first := e.definition()
	if _, v, err := svc.CreateSchema(ctx, registry.CreateSchemaInput{Name: "bench", Format: schema.Avro,
		Compatibility: schema.None, Definition: &first}); err != nil {
		tb.Fatal(err)
	} else {
		e.ids = append(e.ids, v.ID)
	}
	return e
}

// definition is a new Avro record of a dozen fields, different from every one before.
func (e *benchEnv) definition() string {
	return fmt.Sprintf(`{"type":"record","name":"Payment","namespace":"com.example.bench","fields":[`+
		`{"name":"id","type":"string"},{"name":"amount","type":"long"},{"name":"currency","type":"string"},`+
		`{"name":"merchant","type":"string"},{"name":"card","type":["null","string"],"default":null},`+
		`{"name":"captured_at","type":{"type":"long","logicalType":"timestamp-millis"}},`+
		`{"name":"status","type":{"type":"enum","name":"Status","symbols":["OK","DECLINED"]}},`+
		`{"name":"tags","type":{"type":"map","values":"string"},"default":{}},`+
		`{"name":"f%d","type":"long","default":0}]}`, e.seq.Add(1))
}

// register registers n new versions from c goroutines and returns the wall time.
func (e *benchEnv) register(tb testing.TB, n, c int) time.Duration {
	ctx := context.Background()
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range c {
		wg.Go(func() {
			var ids []string
			defer func() {
				e.mu.Lock()
				e.ids = append(e.ids, ids...)
				e.mu.Unlock()
			}()
			for next.Add(1) <= int64(n) {
				res, err := e.svc.RegisterVersion(ctx, e.ref, e.definition())
				if err != nil {
					tb.Error(err)
					return
				}
				ids = append(ids, res.Version.ID)
			}
		})
	}
	wg.Wait()
	return time.Since(start)
}

// lookup gets n versions by ID (GetSchemaVersion's path) from c goroutines and returns the
// wall time.
func (e *benchEnv) lookup(tb testing.TB, n, c int) time.Duration {
	ctx := context.Background()
	ids := e.ids
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range c {
		wg.Go(func() {
			for {
				i := next.Add(1)
				if i > int64(n) {
					return
				}
				id := ids[int(i*7919)%len(ids)]
				v, _, err := e.svc.GetVersion(ctx, registry.VersionRef{ID: id})
				if err != nil || v.ID != id {
					tb.Errorf("GetVersion %s: %v, %v", id, v, err)
					return
				}
			}
		})
	}
	wg.Wait()
	return time.Since(start)
}

// lookupVersions is how many versions the lookups pick from.
const lookupVersions = 1000

// ensureVersions registers versions until there are lookupVersions.
func (e *benchEnv) ensureVersions(tb testing.TB) {
	if missing := lookupVersions - len(e.ids); missing > 0 {
		e.register(tb, missing, 16)
	}
}

var concurrencies = []int{1, 16, 64}

// BenchmarkStorage measures, per store, RegisterVersion (a new version each time: parse outside
// the transaction, then one serialized write transaction with its audit record, synced) and
// GetVersion by ID (one read transaction) at each concurrency.
func BenchmarkStorage(b *testing.B) {
	for _, st := range benchStores {
		b.Run(st.name, func(b *testing.B) {
			e := newBenchEnv(b, st)
			for _, c := range concurrencies {
				b.Run(fmt.Sprintf("register/c=%d", c), func(b *testing.B) {
					elapsed := e.register(b, b.N, c)
					b.ReportMetric(float64(b.N)/elapsed.Seconds(), "ops/s")
				})
			}
			e.ensureVersions(b)
			for _, c := range concurrencies {
				b.Run(fmt.Sprintf("lookup/c=%d", c), func(b *testing.B) {
					elapsed := e.lookup(b, b.N, c)
					b.ReportMetric(float64(b.N)/elapsed.Seconds(), "ops/s")
				})
			}
		})
	}
}

// TestStorageBenchmarks runs the benchmarks' workloads briefly on every store, so that the
// test run keeps them working.
func TestStorageBenchmarks(t *testing.T) {
	for _, st := range benchStores {
		t.Run(st.name, func(t *testing.T) {
			e := newBenchEnv(t, st)
			for _, c := range concurrencies {
				e.register(t, 2*c, c)
			}
			if want := 1 + 2*(1+16+64); len(e.ids) != want {
				t.Errorf("%d versions registered, want %d", len(e.ids), want)
			}
			for _, c := range concurrencies {
				e.lookup(t, 4*c, c)
			}
		})
	}
}
