package e2e

// Helpers of the storage tests (storage_test.go, crash_test.go): real `carta serve` processes
// on PostgreSQL or SQLite, AWS SDK Glue clients that never retry, and a check of a store's
// contents read directly through registry.Store.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	awsglue "github.com/aws/aws-sdk-go-v2/service/glue"
	gluetypes "github.com/aws/aws-sdk-go-v2/service/glue/types"

	"github.com/aws/smithy-go"

	"github.com/cartaschema/carta/internal/registry"
	cartaserver "github.com/cartaschema/carta/internal/server"
	"github.com/cartaschema/carta/internal/testenv"
	"github.com/cartaschema/carta/schema"
)

// glueClient is testenv.GlueClient (a fresh connection per request, so none belongs to a node
// the test has killed) without retries: every call is sent exactly once, so a registration the
// test counts as unacknowledged was never silently sent again, and every failure shows.
func glueClient(endpoint string) *awsglue.Client {
	return awsglue.New(testenv.GlueClient(endpoint).Options(), func(o *awsglue.Options) {
		o.Retryer = aws.NopRetryer{}
	})
}

// startNodes starts n `carta serve` processes with opts at the same time (on a fresh
// PostgreSQL database they race to migrate it) and stops them with SIGTERM when the test ends.
func startNodes(t *testing.T, n int, opts serverOptions) []*server {
	t.Helper()
	nodes := make([]*server, n)
	errs := make([]error, n)
	dirs := make([]string, n)
	for i := range dirs {
		dirs[i] = t.TempDir()
	}
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			o := opts
			o.dataDir = dirs[i]
			// A free port can be taken between choosing and binding it; try again then.
			for range 3 {
				if nodes[i], errs[i] = launch(t, o, ""); errs[i] == nil {
					return
				}
			}
		})
	}
	wg.Wait()
	for i, s := range nodes {
		if s != nil {
			t.Cleanup(func() { s.stop(t) })
		} else {
			t.Errorf("component failed: node %d: carta serve did not become ready: %v", i, errs[i])
		}
	}
	if t.Failed() {
		t.FailNow()
	}
	return nodes
}

// kill stops the server with SIGKILL and waits until it is gone; its cleanup then does
// nothing.
func (s *server) kill(t *testing.T) {
	t.Helper()
	s.stopOnce.Do(func() {
		select {
		case <-s.done:
			t.Errorf("carta serve at %s exited before it was killed (%v); output:\n%s", s.Endpoint, s.waitErr, s.out.String())
			return
		default:
		}
		if err := s.cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Errorf("SIGKILL carta serve: %v", err)
		}
		<-s.done
	})
}

// restart starts a new process with the options of the killed s, on its address, so that
// clients keep their endpoint.
func (s *server) restart(t *testing.T) *server {
	t.Helper()
	addr := strings.TrimPrefix(s.Endpoint, "http://")
	var lastErr error
	for range 20 {
		ns, err := launch(t, s.opts, addr)
		if err == nil {
			t.Cleanup(func() { ns.stop(t) })
			return ns
		}
		lastErr = err
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("component failed: carta serve did not restart on %s: %v", addr, lastErr)
	return nil
}

// avroDef is an Avro record with a long field id and a long field named field: optional (with
// a default) or required. Two records of one name that differ in the optional field are
// compatible in every direction; a required field is not BACKWARD compatible with a record
// that lacks it.
func avroDef(name, field string, required bool) string {
	if required {
		return fmt.Sprintf(`{"type":"record","name":%q,"fields":[{"name":"id","type":"long"},{"name":%q,"type":"long"}]}`, name, field)
	}
	return fmt.Sprintf(`{"type":"record","name":%q,"fields":[{"name":"id","type":"long"},{"name":%q,"type":"long","default":0}]}`, name, field)
}

// createSchemas creates the registry and its schemas, each with its version 1 (the record
// name with the field v1) and the given compatibility.
func createSchemas(t *testing.T, ctx context.Context, api *awsglue.Client, reg, record string, compat map[string]gluetypes.Compatibility) {
	t.Helper()
	if _, err := api.CreateRegistry(ctx, &awsglue.CreateRegistryInput{RegistryName: aws.String(reg)}); err != nil {
		t.Fatalf("CreateRegistry %s: %v", reg, err)
	}
	names := make([]string, 0, len(compat))
	for name := range compat {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if _, err := api.CreateSchema(ctx, &awsglue.CreateSchemaInput{
			RegistryId:       &gluetypes.RegistryId{RegistryName: aws.String(reg)},
			SchemaName:       aws.String(name),
			DataFormat:       gluetypes.DataFormatAvro,
			Compatibility:    compat[name],
			SchemaDefinition: aws.String(avroDef(record, "v1", false)),
		}); err != nil {
			t.Fatalf("CreateSchema %s/%s: %v", reg, name, err)
		}
	}
}

func schemaID(reg, name string) *gluetypes.SchemaId {
	return &gluetypes.SchemaId{RegistryName: aws.String(reg), SchemaName: aws.String(name)}
}

// ack is an acknowledged registration: HTTP 200 with a version ID.
type ack struct {
	Schema     string
	Definition string
	ID         string
	Number     int64
	Status     string
	Node       int
}

// register registers definition as a version of reg/name and returns the acknowledgement.
func register(ctx context.Context, api *awsglue.Client, reg, name, definition string, node int) (ack, error) {
	out, err := api.RegisterSchemaVersion(ctx, &awsglue.RegisterSchemaVersionInput{
		SchemaId: schemaID(reg, name), SchemaDefinition: aws.String(definition),
	})
	if err != nil {
		return ack{}, err
	}
	if aws.ToString(out.SchemaVersionId) == "" || aws.ToInt64(out.VersionNumber) < 1 {
		return ack{}, fmt.Errorf("RegisterSchemaVersion answered without a version: %+v", out)
	}
	return ack{Schema: name, Definition: definition, ID: aws.ToString(out.SchemaVersionId),
		Number: aws.ToInt64(out.VersionNumber), Status: string(out.Status), Node: node}, nil
}

// listVersions returns the versions of a schema through ListSchemaVersions, every page, in
// number order.
func listVersions(ctx context.Context, api *awsglue.Client, reg, name string) ([]gluetypes.SchemaVersionListItem, error) {
	return readRetry(func() ([]gluetypes.SchemaVersionListItem, error) { return listVersionsOnce(ctx, api, reg, name) })
}

// readRetry repeats a read (never a write) up to three times while it fails without an answer
// from the API: the checks after a storm are about what the store holds, and a response lost
// on the way (seen once in CI, under full load, as "use of closed network connection" while
// reading a 200 body) says nothing about it.
func readRetry[T any](read func() (T, error)) (T, error) {
	var (
		v   T
		err error
	)
	for range 3 {
		if v, err = read(); err == nil {
			return v, nil
		}
		var apiErr smithy.APIError
		if errors.As(err, &apiErr) {
			return v, err
		}
		time.Sleep(50 * time.Millisecond)
	}
	return v, err
}

func listVersionsOnce(ctx context.Context, api *awsglue.Client, reg, name string) ([]gluetypes.SchemaVersionListItem, error) {
	var all []gluetypes.SchemaVersionListItem
	p := awsglue.NewListSchemaVersionsPaginator(api, &awsglue.ListSchemaVersionsInput{
		SchemaId: schemaID(reg, name), MaxResults: aws.Int32(100),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		all = append(all, page.Schemas...)
	}
	slices.SortFunc(all, func(a, b gluetypes.SchemaVersionListItem) int {
		return int(aws.ToInt64(a.VersionNumber) - aws.ToInt64(b.VersionNumber))
	})
	return all, nil
}

// gapFree reports whether the numbers are exactly 1..len(numbers) in order.
func gapFree(numbers []int64) bool {
	for i, n := range numbers {
		if n != int64(i+1) {
			return false
		}
	}
	return true
}

// httpStatus is the HTTP status of the answer err came with, or 0 when there was no answer
// (the connection failed).
func httpStatus(err error) int {
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}

// parallel runs fn(i) for i in [0, n) on n goroutines released together and returns the
// errors, one per goroutine.
func parallel(n int, fn func(i int) error) []error {
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			<-start
			errs[i] = fn(i)
		})
	}
	close(start)
	wg.Wait()
	return errs
}

// storeView is what a store holds for one registry, read in one transaction.
type storeView struct {
	schemas  map[string]*registry.Schema
	versions map[string][]registry.Version // per schema, in number order
	byID     map[string]registry.Version
	contents map[int64]*registry.Content
	audit    []registry.AuditEntry
}

// contentFingerprint is the fingerprint the registry gives content: the hex SHA-256 of the
// format, a zero byte and the canonical form.
func contentFingerprint(format schema.Format, canonical string) string {
	h := sha256.New()
	h.Write([]byte(format))
	h.Write([]byte{0})
	h.Write([]byte(canonical))
	return hex.EncodeToString(h.Sum(nil))
}

// inspectStore reads registry reg of st directly and checks that nothing in it is
// half-written or inconsistent:
//   - per schema, the version numbers are 1..N (no gap, no duplicate), and the schema's
//     latest version is N and its next number N+1;
//   - version IDs are unique;
//   - every version's content row exists, is of its format, holds the canonical form of the
//     version's definition and the fingerprint of that form;
//   - content IDs and content are one to one: equal content has one ID, different content
//     different IDs;
//   - the audit log has one CreateSchema record per schema, exactly one RegisterSchemaVersion
//     record per version after the first (result ok for AVAILABLE, failure for FAILURE), and
//     no RegisterSchemaVersion record of a version that does not exist.
func inspectStore(t *testing.T, st registry.Store, reg string) *storeView {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	v := &storeView{
		schemas:  map[string]*registry.Schema{},
		versions: map[string][]registry.Version{},
		byID:     map[string]registry.Version{},
		contents: map[int64]*registry.Content{},
	}
	err := st.View(ctx, func(tx registry.Tx) error {
		scs, err := tx.ListSchemas(ctx, reg, "", "", 0)
		if err != nil {
			return err
		}
		for i := range scs {
			sc := scs[i]
			v.schemas[sc.Name] = &sc
			vs, err := tx.ListVersions(ctx, reg, sc.Name, 0, 0, "")
			if err != nil {
				return err
			}
			v.versions[sc.Name] = vs
			for _, ver := range vs {
				if _, ok := v.contents[ver.ContentID]; ok {
					continue
				}
				c, err := tx.GetContent(ctx, ver.ContentID)
				if errors.Is(err, registry.ErrNotExist) {
					t.Errorf("store: version %s (%s #%d) refers to content %d, which does not exist", ver.ID, sc.Name, ver.Number, ver.ContentID)
					continue
				}
				if err != nil {
					return err
				}
				v.contents[ver.ContentID] = c
			}
		}
		v.audit, err = tx.ListAudit(ctx, 0, 0)
		return err
	})
	if err != nil {
		t.Fatalf("store: reading registry %s: %v", reg, err)
	}

	handlers := map[schema.Format]schema.Handler{}
	for _, h := range cartaserver.Handlers() {
		handlers[h.Format()] = h
	}
	idOfFingerprint := map[string]int64{}
	for id, c := range v.contents {
		key := string(c.Format) + "/" + c.Fingerprint
		if other, ok := idOfFingerprint[key]; ok {
			t.Errorf("store: content %d and %d have the same fingerprint %s", id, other, key)
		}
		idOfFingerprint[key] = id
		if fp := contentFingerprint(c.Format, c.Canonical); fp != c.Fingerprint {
			t.Errorf("store: content %d has fingerprint %s, but its canonical form hashes to %s", id, c.Fingerprint, fp)
		}
	}
	registered := map[string]string{} // audit target of a registration → result
	created := map[string]int{}       // audit target of a CreateSchema → count
	for _, a := range v.audit {
		if !strings.HasPrefix(a.Target, "schema/"+reg+"/") {
			continue
		}
		switch a.Action {
		case "RegisterSchemaVersion":
			if a.Result != "ok" && a.Result != "failure" {
				continue // a refusal stores no version
			}
			if _, dup := registered[a.Target]; dup {
				t.Errorf("store: two audit records of the registration of %s", a.Target)
			}
			registered[a.Target] = a.Result
		case "CreateSchema":
			created[a.Target]++
		}
	}
	versionsSeen := 0
	for name, sc := range v.schemas {
		vs := v.versions[name]
		numbers := make([]int64, len(vs))
		for i, ver := range vs {
			numbers[i] = ver.Number
		}
		if !gapFree(numbers) {
			t.Errorf("store: schema %s has version numbers %v, want 1..%d without a gap or a duplicate", name, numbers, len(vs))
		}
		if sc.LatestVersion != int64(len(vs)) || sc.NextVersion != int64(len(vs))+1 {
			t.Errorf("store: schema %s has latest version %d and next number %d, but %d versions", name, sc.LatestVersion, sc.NextVersion, len(vs))
		}
		if n := created["schema/"+reg+"/"+name]; n != 1 {
			t.Errorf("store: %d CreateSchema audit records for schema %s, want 1", n, name)
		}
		for _, ver := range vs {
			if _, dup := v.byID[ver.ID]; dup {
				t.Errorf("store: version ID %s is used twice", ver.ID)
			}
			v.byID[ver.ID] = ver
			if c := v.contents[ver.ContentID]; c != nil {
				h := handlers[ver.Format]
				if h == nil {
					t.Errorf("store: version %s has format %q, which no handler parses", ver.ID, ver.Format)
				} else if p, err := h.Parse(ver.Definition, schema.Limits{}.WithDefaults()); err != nil {
					t.Errorf("store: the definition of version %s does not parse: %v", ver.ID, err)
				} else if c.Format != ver.Format || c.Canonical != p.Canonical() {
					t.Errorf("store: content %d of version %s is %s %q, want %s %q", c.ID, ver.ID, c.Format, c.Canonical, ver.Format, p.Canonical())
				}
			}
			if ver.Number == 1 {
				continue
			}
			versionsSeen++
			target := fmt.Sprintf("schema/%s/%s/version/%d", reg, name, ver.Number)
			want := "ok"
			if ver.Status == registry.StatusFailure {
				want = "failure"
			}
			if got, ok := registered[target]; !ok {
				t.Errorf("store: no audit record of the registration of %s (version %s)", target, ver.ID)
			} else if got != want {
				t.Errorf("store: the audit record of %s says %q, but the version is %s", target, got, ver.Status)
			}
		}
	}
	if len(registered) != versionsSeen {
		var orphans []string
		for target := range registered {
			var name string
			var n int64
			rest := strings.TrimPrefix(target, "schema/"+reg+"/")
			if i := strings.LastIndex(rest, "/version/"); i >= 0 {
				name = rest[:i]
				fmt.Sscan(rest[i+len("/version/"):], &n)
			}
			if vs := v.versions[name]; n < 1 || n > int64(len(vs)) {
				orphans = append(orphans, target)
			}
		}
		t.Errorf("store: %d registration audit records for %d versions after the first; records of no version: %v", len(registered), versionsSeen, orphans)
	}
	return v
}

// percentile returns the p-th percentile (0..100) of ds, which it sorts.
func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	i := int(float64(len(ds)-1) * p / 100)
	return ds[i]
}
