package e2e

// Carta's storage guarantees (issue 6), proven with real `carta serve` processes:
//
//   - TestConcurrentWritersPostgres and TestConcurrentWritersSQLite: 64 concurrent writers,
//     each with its own AWS SDK Glue client, over three nodes on one PostgreSQL database, or
//     one node on SQLite. Version numbers are gap-free and unique per schema, identical
//     definitions registered at once become one version, every acknowledged version is
//     readable on every node, content IDs are unique.
//   - TestCrossNodeVisibility: a version registered through one node is readable through
//     another as soon as the first acknowledges it, with no wait (a node has no mutable
//     cache).
//   - crash_test.go: registration storms against a node killed with SIGKILL.

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
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

// TestConcurrentWritersPostgres runs the concurrency workload over three nodes on one fresh
// PostgreSQL database, writer w talking to node w%3.
func TestConcurrentWritersPostgres(t *testing.T) {
	dsn := testenv.NewPostgresDatabase(t)
	nodes := startNodes(t, 3, serverOptions{store: dsn})
	testConcurrentWriters(t, nodes, 64, 3, func() registry.Store {
		st, err := postgres.Open(context.Background(), dsn)
		if err != nil {
			t.Fatalf("open the PostgreSQL store: %v", err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	})
}

// TestConcurrentWritersSQLite runs the concurrency workload, with fewer rounds, against one
// node on SQLite.
func TestConcurrentWritersSQLite(t *testing.T) {
	nodes := startNodes(t, 1, serverOptions{})
	testConcurrentWriters(t, nodes, 64, 2, func() registry.Store {
		// One process at a time on the file: stop the node first.
		nodes[0].stop(t)
		st, err := sqlite.Open(context.Background(), filepath.Join(nodes[0].DataDir, "carta.db"))
		if err != nil {
			t.Fatalf("open the SQLite store: %v", err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	})
}

// Shape of the concurrency workload.
const (
	spreadSchemas = 16 // schemas of phase (c)
	groupSize     = 8  // writers that register one identical definition in phase (b)
)

func spreadName(k int) string { return fmt.Sprintf("spread-%02d", k) }

// testConcurrentWriters has writers goroutines (a multiple of 16), each with its own Glue
// client on node w%len(nodes), register in three phases, each released at once:
//
//	(a) every writer registers rounds distinct definitions of the one schema "same";
//	(b) rounds times, groups of 8 writers register one identical definition of "ident" (all
//	    groups at once, each group its own definition): each group gets one version;
//	(c) writer w registers rounds distinct definitions of schema spread-(w%16), then one
//	    definition that is the same under every spread schema.
//
// Then every node must list, per schema, versions 1..N and exactly the acknowledged ones; every
// acknowledged version must be readable by ID on every node with its number and definition;
// and openStore's store (read directly) must pass inspectStore, hold every acknowledged
// version, and give equal definitions one content ID and different ones different IDs.
func testConcurrentWriters(t *testing.T, nodes []*server, writers, rounds int, openStore func() registry.Store) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	const reg = "conc"
	compat := map[string]gluetypes.Compatibility{"same": gluetypes.CompatibilityNone, "ident": gluetypes.CompatibilityNone}
	for k := range spreadSchemas {
		compat[spreadName(k)] = gluetypes.CompatibilityNone
	}
	createSchemas(t, ctx, glueClient(nodes[0].Endpoint), reg, "Conc", compat)

	clients := make([]*awsglue.Client, writers)
	for w := range clients {
		clients[w] = glueClient(nodes[w%len(nodes)].Endpoint)
	}
	var (
		mu   sync.Mutex
		acks []ack
	)
	registerAs := func(w int, name, def string) (ack, error) {
		a, err := register(ctx, clients[w], reg, name, def, w%len(nodes))
		if err != nil {
			return a, fmt.Errorf("writer %d through node %d: register a version of %s: %w", w, w%len(nodes), name, err)
		}
		if a.Status != string(gluetypes.SchemaVersionStatusAvailable) {
			return a, fmt.Errorf("writer %d: version %d of %s is %s, want AVAILABLE (compatibility NONE)", w, a.Number, name, a.Status)
		}
		mu.Lock()
		acks = append(acks, a)
		mu.Unlock()
		return a, nil
	}
	failOn := func(phase string, errs []error) {
		t.Helper()
		for _, err := range errs {
			if err != nil {
				t.Errorf("%s: %v", phase, err)
			}
		}
		if t.Failed() {
			t.FailNow()
		}
	}

	start := time.Now()
	failOn("(a) one schema", parallel(writers, func(w int) error {
		for i := range rounds {
			if _, err := registerAs(w, "same", avroDef("Conc", fmt.Sprintf("a_w%d_%d", w, i), false)); err != nil {
				return err
			}
		}
		return nil
	}))
	phaseA := time.Since(start)

	start = time.Now()
	groups := writers / groupSize
	for r := range rounds {
		got := make([]ack, writers)
		failOn(fmt.Sprintf("(b) identical definitions, round %d", r), parallel(writers, func(w int) error {
			var err error
			got[w], err = registerAs(w, "ident", avroDef("Conc", fmt.Sprintf("b_g%d_r%d", w/groupSize, r), false))
			return err
		}))
		for g := range groups {
			members := got[g*groupSize : (g+1)*groupSize]
			for _, a := range members {
				if a.ID != members[0].ID || a.Number != members[0].Number {
					t.Errorf("(b) round %d: the %d writers of group %d registered one definition at once and got different versions: %+v", r, groupSize, g, members)
					break
				}
			}
		}
	}
	phaseB := time.Since(start)

	start = time.Now()
	common := avroDef("Conc", "common", false)
	failOn("(c) spread over schemas", parallel(writers, func(w int) error {
		name := spreadName(w % spreadSchemas)
		for i := range rounds {
			if _, err := registerAs(w, name, avroDef("Conc", fmt.Sprintf("c_w%d_%d", w, i), false)); err != nil {
				return err
			}
		}
		_, err := registerAs(w, name, common)
		return err
	}))
	phaseC := time.Since(start)
	t.Logf("concurrency: %d writers over %d node(s): %d registrations acknowledged; (a) one schema %v, (b) identical definitions %v, (c) spread %v",
		writers, len(nodes), len(acks), phaseA.Round(time.Millisecond), phaseB.Round(time.Millisecond), phaseC.Round(time.Millisecond))

	// The number of versions each schema must have: version 1 and one per distinct definition.
	want := map[string]int{"same": 1 + writers*rounds, "ident": 1 + groups*rounds}
	for k := range spreadSchemas {
		want[spreadName(k)] = 1 + writers/spreadSchemas*rounds + 1
	}

	// One (schema, definition) is one version, and one version is one (schema, definition).
	idOf := map[[2]string]string{}
	ackOf := map[string]ack{}
	for _, a := range acks {
		key := [2]string{a.Schema, a.Definition}
		if id, ok := idOf[key]; ok && id != a.ID {
			t.Errorf("one definition of %s was registered as two versions, %s and %s: %s", a.Schema, id, a.ID, a.Definition)
		}
		idOf[key] = a.ID
		if prev, ok := ackOf[a.ID]; ok && (prev.Schema != a.Schema || prev.Definition != a.Definition || prev.Number != a.Number) {
			t.Errorf("version %s was acknowledged as %s #%d and as %s #%d", a.ID, prev.Schema, prev.Number, a.Schema, a.Number)
		}
		ackOf[a.ID] = a
	}

	// Every node lists versions 1..N of every schema, and exactly the acknowledged ones after 1.
	for n, node := range nodes {
		api := glueClient(node.Endpoint)
		for name, count := range want {
			items, err := listVersions(ctx, api, reg, name)
			if err != nil {
				t.Fatalf("node %d: ListSchemaVersions %s: %v", n, name, err)
			}
			numbers := make([]int64, len(items))
			acked := 0
			for i, it := range items {
				numbers[i] = aws.ToInt64(it.VersionNumber)
				if numbers[i] == 1 {
					continue
				}
				a, ok := ackOf[aws.ToString(it.SchemaVersionId)]
				if !ok {
					t.Errorf("node %d: %s version %d (%s) was never acknowledged to a writer", n, name, numbers[i], aws.ToString(it.SchemaVersionId))
				} else if a.Schema != name || a.Number != numbers[i] {
					t.Errorf("node %d: %s version %d is %s, acknowledged as %s #%d", n, name, numbers[i], a.ID, a.Schema, a.Number)
				} else {
					acked++
				}
			}
			if len(items) != count || !gapFree(numbers) {
				t.Errorf("node %d: schema %s has version numbers %v; want 1..%d, no gap, no duplicate", n, name, numbers, count)
			}
			if acked != count-1 {
				t.Errorf("node %d: schema %s lists %d acknowledged versions, want %d", n, name, acked, count-1)
			}
		}
	}

	// Every acknowledged version is readable by ID on every node, with its number and definition.
	type read struct {
		node int
		a    ack
	}
	jobs := make(chan read)
	start = time.Now()
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			for j := range jobs {
				got, err := glueClient(nodes[j.node].Endpoint).GetSchemaVersion(ctx, &awsglue.GetSchemaVersionInput{SchemaVersionId: aws.String(j.a.ID)})
				if err != nil {
					t.Errorf("node %d: GetSchemaVersion %s (%s #%d, acknowledged by node %d): %v", j.node, j.a.ID, j.a.Schema, j.a.Number, j.a.Node, err)
					continue
				}
				if aws.ToInt64(got.VersionNumber) != j.a.Number || aws.ToString(got.SchemaDefinition) != j.a.Definition || got.Status != gluetypes.SchemaVersionStatusAvailable {
					t.Errorf("node %d: version %s is #%d %s %q; acknowledged as #%d AVAILABLE %q", j.node, j.a.ID,
						aws.ToInt64(got.VersionNumber), got.Status, aws.ToString(got.SchemaDefinition), j.a.Number, j.a.Definition)
				}
			}
		})
	}
	reads := 0
	for n := range nodes {
		for _, a := range ackOf {
			jobs <- read{n, a}
			reads++
		}
	}
	close(jobs)
	wg.Wait()
	t.Logf("concurrency: %d distinct versions acknowledged, each read back on each of %d node(s): %d reads in %v",
		len(ackOf), len(nodes), reads, time.Since(start).Round(time.Millisecond))

	// The store itself.
	view := inspectStore(t, openStore(), reg)
	for id, a := range ackOf {
		v, ok := view.byID[id]
		if !ok {
			t.Errorf("store: acknowledged version %s (%s #%d) is missing", id, a.Schema, a.Number)
			continue
		}
		if v.Schema != a.Schema || v.Number != a.Number || v.Definition != a.Definition || v.Status != a.Status {
			t.Errorf("store: version %s is %s #%d %s; acknowledged as %s #%d %s", id, v.Schema, v.Number, v.Status, a.Schema, a.Number, a.Status)
		}
	}
	// Equal definitions share one content ID across schemas; different ones never do.
	contentOf := map[string]int64{}
	defOf := map[int64]string{}
	uses := map[int64]int{}
	total := 0
	for _, vs := range view.versions {
		for _, v := range vs {
			total++
			uses[v.ContentID]++
			if id, ok := contentOf[v.Definition]; ok && id != v.ContentID {
				t.Errorf("store: one definition has content IDs %d and %d: %s", id, v.ContentID, v.Definition)
			}
			contentOf[v.Definition] = v.ContentID
			if def, ok := defOf[v.ContentID]; ok && def != v.Definition {
				t.Errorf("store: content ID %d is used by two different definitions: %s and %s", v.ContentID, def, v.Definition)
			}
			defOf[v.ContentID] = v.Definition
		}
	}
	if n := uses[contentOf[common]]; n != spreadSchemas {
		t.Errorf("store: the definition registered under all %d spread schemas has content ID %d, used by %d versions, want %d", spreadSchemas, contentOf[common], n, spreadSchemas)
	}
	sum := 0
	for _, n := range want {
		sum += n
	}
	if total != sum {
		t.Errorf("store: %d versions in registry %s, want %d", total, reg, sum)
	}
	t.Logf("concurrency: store holds %d versions of %d schemas with %d distinct content IDs; numbers gap-free, content IDs unique, audit complete",
		total, len(view.versions), len(defOf))
}

// TestCrossNodeVisibility registers 200 versions, each through one of three nodes on one
// PostgreSQL database, and reads each through the next node as soon as the first acknowledged
// it: by ID and as the schema's latest version. A node caches no mutable state, so the read
// must find the version at once: the test fails on a single retry. It also changes a schema's
// compatibility through one node and reads it through another, 30 times. It reports the
// latency of the read after the acknowledgement.
func TestCrossNodeVisibility(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	nodes := startNodes(t, 3, serverOptions{store: testenv.NewPostgresDatabase(t)})
	clients := make([]*awsglue.Client, len(nodes))
	for i, n := range nodes {
		clients[i] = glueClient(n.Endpoint)
	}
	const reg, name = "vis", "seen"
	createSchemas(t, ctx, clients[0], reg, "Vis", map[string]gluetypes.Compatibility{name: gluetypes.CompatibilityNone})

	const iterations = 200
	var writes, reads, latest []time.Duration
	retries := 0
	for i := range iterations {
		a, b := i%len(nodes), (i+1)%len(nodes)
		began := time.Now()
		ak, err := register(ctx, clients[a], reg, name, avroDef("Vis", fmt.Sprintf("f%d", i), false), a)
		if err != nil {
			t.Fatalf("iteration %d: register through node %d: %v", i, a, err)
		}
		acked := time.Now()
		writes = append(writes, acked.Sub(began))
		for {
			got, err := clients[b].GetSchemaVersion(ctx, &awsglue.GetSchemaVersionInput{SchemaVersionId: aws.String(ak.ID)})
			if err == nil {
				reads = append(reads, time.Since(acked))
				if aws.ToInt64(got.VersionNumber) != ak.Number || aws.ToString(got.SchemaDefinition) != ak.Definition {
					t.Errorf("iteration %d: node %d reads version %s as #%d %q, node %d acknowledged #%d %q", i, b, ak.ID,
						aws.ToInt64(got.VersionNumber), aws.ToString(got.SchemaDefinition), a, ak.Number, ak.Definition)
				}
				break
			}
			var nf *gluetypes.EntityNotFoundException
			if !errors.As(err, &nf) || time.Since(acked) > 10*time.Second {
				t.Fatalf("iteration %d: node %d: GetSchemaVersion %s, acknowledged by node %d %v ago: %v", i, b, ak.ID, a, time.Since(acked), err)
			}
			retries++
			time.Sleep(time.Millisecond)
		}
		before := time.Now()
		got, err := clients[b].GetSchemaVersion(ctx, &awsglue.GetSchemaVersionInput{
			SchemaId: schemaID(reg, name), SchemaVersionNumber: &gluetypes.SchemaVersionNumber{LatestVersion: true},
		})
		latest = append(latest, time.Since(before))
		if err != nil || aws.ToString(got.SchemaVersionId) != ak.ID {
			t.Errorf("iteration %d: node %d's latest version is %v (%v), want %s just acknowledged by node %d", i, b, aws.ToString(got.SchemaVersionId), err, ak.ID, a)
		}
	}

	// A compatibility change through one node governs the next read through another.
	modes := []gluetypes.Compatibility{gluetypes.CompatibilityBackward, gluetypes.CompatibilityFull, gluetypes.CompatibilityNone}
	for i := range 30 {
		a, b := i%len(nodes), (i+2)%len(nodes)
		mode := modes[i%len(modes)]
		if _, err := clients[a].UpdateSchema(ctx, &awsglue.UpdateSchemaInput{
			SchemaId: schemaID(reg, name), Compatibility: mode,
			SchemaVersionNumber: &gluetypes.SchemaVersionNumber{VersionNumber: aws.Int64(1)},
		}); err != nil {
			t.Fatalf("UpdateSchema through node %d: %v", a, err)
		}
		got, err := clients[b].GetSchema(ctx, &awsglue.GetSchemaInput{SchemaId: schemaID(reg, name)})
		if err != nil || got.Compatibility != mode {
			t.Fatalf("after node %d set compatibility %s, node %d reads %v (%v)", a, mode, b, got.Compatibility, err)
		}
	}

	if retries > 0 {
		t.Errorf("reads through another node needed %d retries before they found a version the first node had acknowledged; want 0", retries)
	}
	t.Logf("visibility: %d registrations through node A each read by ID through node B right after the acknowledgement: %d extra waits; "+
		"read-after-write latency (ack to read answered) p50 %v p99 %v max %v; latest-version read p50 %v max %v; registration p50 %v p99 %v max %v",
		iterations, retries,
		us(percentile(reads, 50)), us(percentile(reads, 99)), us(percentile(reads, 100)),
		us(percentile(latest, 50)), us(percentile(latest, 100)),
		us(percentile(writes, 50)), us(percentile(writes, 99)), us(percentile(writes, 100)))
}

func us(d time.Duration) time.Duration { return d.Round(time.Microsecond) }
