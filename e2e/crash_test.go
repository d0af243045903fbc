package e2e

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsglue "github.com/aws/aws-sdk-go-v2/service/glue"
	gluetypes "github.com/aws/aws-sdk-go-v2/service/glue/types"

	"github.com/cartaschema/carta/internal/registry"
	"github.com/cartaschema/carta/internal/store/postgres"
	"github.com/cartaschema/carta/internal/store/sqlite"
	"github.com/cartaschema/carta/internal/testenv"
)

// CrashKillsEnv names the environment variable that sets how many times the crash tests kill
// the node, per store (default 25).
const CrashKillsEnv = "CARTA_CRASH_KILLS"

func crashKills(t *testing.T) int {
	t.Helper()
	v := os.Getenv(CrashKillsEnv)
	if v == "" {
		return 25
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		t.Fatalf("%s=%q: want a positive number of kills", CrashKillsEnv, v)
	}
	return n
}

// TestCrashSafetySQLite runs the crash storm against a node on SQLite in its data directory,
// and finally has SQLite check the file's integrity.
func TestCrashSafetySQLite(t *testing.T) {
	testCrashSafety(t, "sqlite", serverOptions{}, func(t *testing.T, last *server) registry.Store {
		path := filepath.Join(last.DataDir, "carta.db")
		db, err := sql.Open("sqlite", path)
		if err != nil {
			t.Fatal(err)
		}
		var result string
		if err := db.QueryRow("PRAGMA integrity_check").Scan(&result); err != nil || result != "ok" {
			t.Errorf("PRAGMA integrity_check of %s: %q, %v; want ok", path, result, err)
		}
		db.Close()
		st, err := sqlite.Open(context.Background(), path)
		if err != nil {
			t.Fatalf("open the SQLite store: %v", err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	})
}

// TestCrashSafetyPostgres runs the crash storm against a node on PostgreSQL. The node dies,
// PostgreSQL does not: what is proven is that a process killed inside a transaction leaves
// nothing half-written and no lock behind.
func TestCrashSafetyPostgres(t *testing.T) {
	dsn := testenv.NewPostgresDatabase(t)
	testCrashSafety(t, "postgres", serverOptions{store: dsn}, func(t *testing.T, _ *server) registry.Store {
		st, err := postgres.Open(context.Background(), dsn)
		if err != nil {
			t.Fatalf("open the PostgreSQL store: %v", err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	})
}

// crashWriter is what one writer of the storm saw.
type crashWriter struct {
	acks         []ack
	attempted    []string // every definition it sent
	refused      int      // registrations the down node refused to connect: never received
	unanswered   int      // registrations sent without an answer (the node died): outcome unknown
	committed    int      // of the unanswered definitions, those found registered afterwards
	reregistered int      // acknowledged definitions registered again
	pending      string   // the definition without an answer (at the end: when the storm ended)
	pendingAgain int      // index in acks of the pending definition when it was acknowledged before, else -1
}

// testCrashSafety starts one node with opts and has 8 writers register versions of 4 schemas
// (3 with compatibility NONE, one BACKWARD that receives some incompatible definitions, which
// become FAILURE versions) as fast as they can, while the node is killed with SIGKILL at random
// moments, crashKills times, and restarted on the same data and address each time.
//
// A writer that gets no answer does not know whether its registration committed; it asks
// (GetSchemaByDefinition) once the node is back and registers the same definition again, which
// must return the same version if the first attempt committed. One registration in ten
// repeats a definition the writer had acknowledged, which must return the same version.
//
// After the last restart: every acknowledged registration is there with its UUID, number,
// definition and status, per schema the numbers are 1..N and the schema's latest and next
// numbers agree, no definition is registered twice in a schema, no version exists that no
// writer sent, and the store read directly (openStore, after the node stopped) passes
// inspectStore: every version has its content and its audit record.
func testCrashSafety(t *testing.T, storeName string, opts serverOptions, openStore func(t *testing.T, last *server) registry.Store) {
	kills := crashKills(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	began := time.Now()
	node := startServerWith(t, opts)

	const reg = "crash"
	const writers = 8
	schemas := []string{"crash-0", "crash-1", "crash-2", "crash-3"}
	const backwardSchema = "crash-3"
	compat := map[string]gluetypes.Compatibility{}
	for _, s := range schemas {
		compat[s] = gluetypes.CompatibilityNone
	}
	compat[backwardSchema] = gluetypes.CompatibilityBackward
	createSchemas(t, ctx, glueClient(node.Endpoint), reg, "Crash", compat)

	stop := make(chan struct{})
	stopped := func() bool {
		select {
		case <-stop:
			return true
		default:
			return false
		}
	}
	results := make([]crashWriter, writers)
	var acked atomic.Int64 // acknowledgements so far, all writers
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			me := &results[w]
			me.pendingAgain = -1
			api := glueClient(node.Endpoint) // restarts keep the address
			rng := rand.New(rand.NewPCG(uint64(w), uint64(time.Now().UnixNano())))
			name := schemas[w%len(schemas)]
			seq := 0
			for !stopped() {
				def, again := me.pending, me.pendingAgain
				if def == "" {
					if len(me.acks) > 0 && rng.IntN(10) == 0 {
						again = rng.IntN(len(me.acks))
						def = me.acks[again].Definition
					} else {
						seq++
						// A required field is not BACKWARD compatible: a FAILURE version.
						required := name == backwardSchema && seq%3 == 0
						def = avroDef("Crash", fmt.Sprintf("w%d_%d", w, seq), required)
						me.attempted = append(me.attempted, def)
					}
				}
				rctx, rcancel := context.WithTimeout(ctx, 10*time.Second)
				found := ""
				if me.pending != "" {
					// The last attempt got no answer: did it commit?
					out, err := api.GetSchemaByDefinition(rctx, &awsglue.GetSchemaByDefinitionInput{
						SchemaId: schemaID(reg, name), SchemaDefinition: aws.String(def),
					})
					var nf *gluetypes.EntityNotFoundException
					switch {
					case err == nil:
						found = aws.ToString(out.SchemaVersionId)
					case errors.As(err, &nf):
					case httpStatus(err) == 0:
						rcancel()
						time.Sleep(10 * time.Millisecond) // the node is down
						continue
					default:
						rcancel()
						t.Errorf("writer %d: GetSchemaByDefinition: %v", w, err)
						return
					}
				}
				a, err := register(rctx, api, reg, name, def, 0)
				rcancel()
				if err != nil {
					if st := httpStatus(err); st != 0 && st != 200 {
						t.Errorf("writer %d: RegisterSchemaVersion answered HTTP %d: %v", w, st, err)
						return
					}
					// No (complete) answer: the outcome is unknown until the node is back, unless
					// the connection was refused.
					if errors.Is(err, syscall.ECONNREFUSED) {
						me.refused++
					} else {
						me.unanswered++
					}
					me.pending, me.pendingAgain = def, again
					time.Sleep(10 * time.Millisecond)
					continue
				}
				if me.pending != "" && found != "" && again < 0 {
					me.committed++
					if a.ID != found {
						t.Errorf("writer %d: an unanswered registration committed as %s, and registering the same definition again made %s", w, found, a.ID)
					}
				}
				me.pending, me.pendingAgain = "", -1
				wantStatus := string(gluetypes.SchemaVersionStatusAvailable)
				if name == backwardSchema && isRequired(a.Definition) {
					wantStatus = string(gluetypes.SchemaVersionStatusFailure)
				}
				if a.Status != wantStatus {
					t.Errorf("writer %d: %s #%d is %s, want %s: %s", w, name, a.Number, a.Status, wantStatus, a.Definition)
				}
				if again >= 0 {
					me.reregistered++
					if first := me.acks[again]; a.ID != first.ID || a.Number != first.Number {
						t.Errorf("writer %d: registering %s again gave #%d %s, the first time #%d %s", w, def, a.Number, a.ID, first.Number, first.ID)
					}
					continue
				}
				me.acks = append(me.acks, a)
				acked.Add(1)
			}
		})
	}

	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 0))
	var restarts []time.Duration
	for k := range kills {
		// Every process, the restarted ones too, must take writes: a killed process that left
		// its write lock behind would stall them.
		since := acked.Load()
		time.Sleep(20*time.Millisecond + time.Duration(rng.Int64N(int64(280*time.Millisecond))))
		for deadline := time.Now().Add(10 * time.Second); acked.Load() == since; time.Sleep(5 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Errorf("no registration was acknowledged in 10s after restart %d; output of the process:\n%s", k, node.out.String())
				break
			}
		}
		if t.Failed() {
			break
		}
		killed := time.Now()
		node.kill(t)
		node = node.restart(t)
		restarts = append(restarts, time.Since(killed))
	}
	time.Sleep(300 * time.Millisecond) // the last process takes writes too
	close(stop)
	wg.Wait()
	storm := time.Since(began)
	if t.Failed() {
		t.FailNow()
	}

	// Every acknowledged registration, through the API of the last process.
	api := glueClient(node.Endpoint)
	var acks []ack
	attempted := map[string]bool{}
	var available, failure, refused, unanswered, committed, reregistered int
	for _, r := range results {
		acks = append(acks, r.acks...)
		for _, d := range r.attempted {
			attempted[d] = true
		}
		refused += r.refused
		unanswered += r.unanswered
		committed += r.committed
		reregistered += r.reregistered
	}
	for _, a := range acks {
		if a.Status == string(gluetypes.SchemaVersionStatusFailure) {
			failure++
		} else {
			available++
		}
		got, err := readRetry(func() (*awsglue.GetSchemaVersionOutput, error) {
			return api.GetSchemaVersion(ctx, &awsglue.GetSchemaVersionInput{SchemaVersionId: aws.String(a.ID)})
		})
		if err != nil {
			t.Errorf("acknowledged version %s (%s #%d) after the last restart: %v", a.ID, a.Schema, a.Number, err)
			continue
		}
		if aws.ToInt64(got.VersionNumber) != a.Number || aws.ToString(got.SchemaDefinition) != a.Definition || string(got.Status) != a.Status {
			t.Errorf("acknowledged version %s is now #%d %s %q; acknowledged as #%d %s %q", a.ID,
				aws.ToInt64(got.VersionNumber), got.Status, aws.ToString(got.SchemaDefinition), a.Number, a.Status, a.Definition)
		}
	}
	if len(acks) < 2*kills {
		t.Errorf("only %d registrations were acknowledged over %d kills: the storm did not write", len(acks), kills)
	}
	counts := make([]int, len(schemas))
	for i, name := range schemas {
		items, err := listVersions(ctx, api, reg, name)
		if err != nil {
			t.Fatalf("ListSchemaVersions %s: %v", name, err)
		}
		numbers := make([]int64, len(items))
		for j, it := range items {
			numbers[j] = aws.ToInt64(it.VersionNumber)
		}
		if !gapFree(numbers) {
			t.Errorf("schema %s has version numbers %v after the crashes, want 1..%d", name, numbers, len(numbers))
		}
		sc, err := api.GetSchema(ctx, &awsglue.GetSchemaInput{SchemaId: schemaID(reg, name)})
		if err != nil {
			t.Fatalf("GetSchema %s: %v", name, err)
		}
		if aws.ToInt64(sc.LatestSchemaVersion) != int64(len(items)) || aws.ToInt64(sc.NextSchemaVersion) != int64(len(items))+1 {
			t.Errorf("schema %s: latest version %d, next %d, with %d versions", name, aws.ToInt64(sc.LatestSchemaVersion), aws.ToInt64(sc.NextSchemaVersion), len(items))
		}
		counts[i] = len(items)
	}

	// The store, read directly once the last process has stopped cleanly.
	node.stop(t)
	view := inspectStore(t, openStore(t, node), reg)
	for _, a := range acks {
		v, ok := view.byID[a.ID]
		if !ok {
			t.Errorf("store: acknowledged version %s (%s #%d) is missing", a.ID, a.Schema, a.Number)
		} else if v.Schema != a.Schema || v.Number != a.Number || v.Definition != a.Definition || v.Status != a.Status {
			t.Errorf("store: version %s is %s #%d %s; acknowledged as %s #%d %s", a.ID, v.Schema, v.Number, v.Status, a.Schema, a.Number, a.Status)
		}
	}
	first := avroDef("Crash", "v1", false)
	unknownCommitted := 0
	pending := map[string]bool{}
	for _, r := range results {
		if r.pending != "" && r.pendingAgain < 0 {
			pending[r.pending] = true
		}
	}
	for name, vs := range view.versions {
		seen := map[string]string{}
		for _, v := range vs {
			if id, dup := seen[v.Definition]; dup {
				t.Errorf("store: schema %s holds one definition twice, as %s and %s: %s", name, id, v.ID, v.Definition)
			}
			seen[v.Definition] = v.ID
			if v.Definition != first && !attempted[v.Definition] {
				t.Errorf("store: version %s (%s #%d) has a definition no writer sent: %s", v.ID, name, v.Number, v.Definition)
			}
			if pending[v.Definition] {
				unknownCommitted++
			}
		}
	}
	t.Logf("crash(%s): %d SIGKILLs in %v (kill to ready again: p50 %v, max %v); %d writers: %d registrations acknowledged (%d AVAILABLE, %d FAILURE), "+
		"%d refused while the node was down, %d sent without an answer, %d of those committed (the retry returned the same version), %d acknowledged definitions registered again (same version), "+
		"%d left unanswered at the end of which %d committed; versions per schema %v; every acknowledged version present with its UUID, number, definition and status; "+
		"numbers gap-free; no half-written rows; audit complete",
		storeName, len(restarts), storm.Round(time.Millisecond), percentile(restarts, 50).Round(time.Millisecond), percentile(restarts, 100).Round(time.Millisecond),
		writers, len(acks), available, failure, refused, unanswered, committed, reregistered, len(pending), unknownCommitted, counts)
}

// isRequired reports whether an avroDef definition has the required field.
func isRequired(def string) bool {
	return strings.HasSuffix(def, `"type":"long"}]}`)
}
