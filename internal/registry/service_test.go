package registry_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cartaschema/carta/internal/registry"
	"github.com/cartaschema/carta/internal/store/sqlite"
	"github.com/cartaschema/carta/schema"
	"github.com/cartaschema/carta/schema/avro"
	"github.com/cartaschema/carta/schema/jsonschema"
	"github.com/cartaschema/carta/schema/protobuf"
)

func newService(t testing.TB, opts registry.Options) *registry.Service {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "carta.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	opts.Handlers = []schema.Handler{avro.Handler{}, jsonschema.Handler{}, protobuf.Handler{}}
	svc, err := registry.NewService(ctx, db, opts)
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

// record builds an Avro record schema with the given field declarations.
func record(fields ...string) string {
	return `{"type":"record","name":"PaymentCaptured","namespace":"com.example","fields":[` + strings.Join(fields, ",") + `]}`
}

const (
	fID       = `{"name":"payment_id","type":"string"}`
	fAmount   = `{"name":"amount_cents","type":"long"}`
	fRequired = `{"name":"settlement_currency","type":"string"}`
	fOptional = `{"name":"settlement_currency","type":["null","string"],"default":null}`
)

func code(err error) registry.Code { return registry.ErrorCode(err) }

func mustCreate(t *testing.T, svc *registry.Service, name string, mode schema.Mode, def string) *registry.Schema {
	t.Helper()
	sc, v, err := svc.CreateSchema(context.Background(), registry.CreateSchemaInput{
		Name: name, Format: schema.Avro, Compatibility: mode, Definition: &def,
	})
	if err != nil {
		t.Fatal(err)
	}
	if v == nil || v.Number != 1 || v.Status != registry.StatusAvailable {
		t.Fatalf("version 1 = %+v", v)
	}
	return sc
}

func register(t *testing.T, svc *registry.Service, name, def string) *registry.RegisterResult {
	t.Helper()
	res, err := svc.RegisterVersion(context.Background(), registry.SchemaRef{Registry: registry.DefaultRegistry, Name: name}, def)
	if err != nil {
		t.Fatalf("register: %v", err)
	}
	return res
}

func TestRegisterFailureConsumesNumberAndKeepsCheckpoint(t *testing.T) {
	ctx := context.Background()
	svc := newService(t, registry.Options{})
	mustCreate(t, svc, "p", schema.Backward, record(fID, fAmount))

	bad := register(t, svc, "p", record(fID, fAmount, fRequired))
	if bad.Version.Status != registry.StatusFailure || bad.Version.Number != 2 {
		t.Fatalf("breaking version = %+v, want FAILURE number 2", bad.Version)
	}
	if len(bad.Version.Reasons) != 1 || bad.Version.Reasons[0].Rule != "READER_FIELD_MISSING_DEFAULT_VALUE" ||
		bad.Version.Reasons[0].Version != 1 || bad.Version.Reasons[0].Direction != schema.DirBackward {
		t.Fatalf("reasons = %+v", bad.Version.Reasons)
	}
	// The same breaking definition again answers with the same attempt, consuming nothing.
	again := register(t, svc, "p", record(fID, fAmount, fRequired))
	if again.Version.ID != bad.Version.ID || !again.Existing {
		t.Fatalf("repeated failing registration = %+v, want the earlier attempt", again)
	}
	good := register(t, svc, "p", record(fID, fAmount, fOptional))
	if good.Version.Status != registry.StatusAvailable || good.Version.Number != 3 {
		t.Fatalf("compatible version = %+v, want AVAILABLE number 3", good.Version)
	}
	sc, err := svc.GetSchema(ctx, registry.SchemaRef{Registry: registry.DefaultRegistry, Name: "p"})
	if err != nil {
		t.Fatal(err)
	}
	if sc.LatestVersion != 3 || sc.NextVersion != 4 || sc.Checkpoint != 1 {
		t.Fatalf("schema counters latest=%d next=%d checkpoint=%d, want 3 4 1", sc.LatestVersion, sc.NextVersion, sc.Checkpoint)
	}
	// Whitespace and key order do not make a new version.
	dup := register(t, svc, "p", strings.ReplaceAll(record(fID, fAmount, fOptional), ",", " ,\n "))
	if !dup.Existing || dup.Version.ID != good.Version.ID {
		t.Fatalf("reformatted definition = %+v, want existing version 3", dup)
	}
	// The latest selector skips FAILURE versions.
	v, _, err := svc.GetVersion(ctx, registry.VersionRef{Schema: registry.SchemaRef{Registry: registry.DefaultRegistry, Name: "p"}, Selector: registry.VersionSelector{Latest: true}})
	if err != nil || v.Number != 3 {
		t.Fatalf("latest = %+v, %v", v, err)
	}
}

func TestFailedDefinitionRegistersAfterModeChange(t *testing.T) {
	ctx := context.Background()
	svc := newService(t, registry.Options{})
	mustCreate(t, svc, "p", schema.Backward, record(fID))
	bad := register(t, svc, "p", record(fID, fRequired))
	if bad.Version.Status != registry.StatusFailure {
		t.Fatalf("want FAILURE, got %+v", bad.Version)
	}
	none := schema.None
	if _, err := svc.UpdateSchema(ctx, registry.UpdateSchemaInput{
		Ref: registry.SchemaRef{Registry: registry.DefaultRegistry, Name: "p"}, Compatibility: &none,
		Checkpoint: &registry.VersionSelector{Latest: true},
	}); err != nil {
		t.Fatal(err)
	}
	ok := register(t, svc, "p", record(fID, fRequired))
	if ok.Version.Status != registry.StatusAvailable || ok.Version.Number != 3 || ok.Existing {
		t.Fatalf("after NONE the definition must register as a new version 3, got %+v", ok)
	}
}

func TestTransitiveModesStartAtCheckpoint(t *testing.T) {
	ctx := context.Background()
	svc := newService(t, registry.Options{})
	ref := registry.SchemaRef{Registry: registry.DefaultRegistry, Name: "t"}
	mustCreate(t, svc, "t", schema.BackwardAll, record(fID))
	if r := register(t, svc, "t", record(fID, `{"name":"b","type":"int","default":0}`)); r.Version.Status != registry.StatusAvailable {
		t.Fatalf("v2 = %+v", r.Version)
	}
	// Dropping b's default: v2 data carries b, v1 data does not, so only v1 breaks.
	v3 := record(fID, `{"name":"b","type":"int"}`)
	r3 := register(t, svc, "t", v3)
	if r3.Version.Status != registry.StatusFailure || len(r3.Version.Reasons) != 1 || r3.Version.Reasons[0].Version != 1 {
		t.Fatalf("v3 = %+v", r3.Version)
	}
	// Moving the checkpoint to v2 takes v1 out of the transitive check.
	if _, err := svc.UpdateSchema(ctx, registry.UpdateSchemaInput{Ref: ref, Checkpoint: &registry.VersionSelector{Number: 2}}); err != nil {
		t.Fatal(err)
	}
	r4 := register(t, svc, "t", v3)
	if r4.Version.Status != registry.StatusAvailable || r4.Version.Number != 4 {
		t.Fatalf("after the checkpoint moved: %+v", r4.Version)
	}
	// A FAILURE version cannot become the checkpoint.
	_, err := svc.UpdateSchema(ctx, registry.UpdateSchemaInput{Ref: ref, Checkpoint: &registry.VersionSelector{Number: 3}})
	if code(err) != registry.CodeInvalid {
		t.Fatalf("checkpoint on a FAILURE version: %v", err)
	}
}

func TestDisabledAndRejectMode(t *testing.T) {
	svc := newService(t, registry.Options{})
	mustCreate(t, svc, "d", schema.Disabled, record(fID))
	_, err := svc.RegisterVersion(context.Background(), registry.SchemaRef{Registry: registry.DefaultRegistry, Name: "d"}, record(fID, fOptional))
	if code(err) != registry.CodeNotPermitted || !strings.Contains(err.Error(), "Compatibility DISABLED does not allow versioning") {
		t.Fatalf("DISABLED: %v", err)
	}

	strict := newService(t, registry.Options{RejectIncompatible: true})
	strict.CreateSchema(context.Background(), registry.CreateSchemaInput{Name: "p", Format: schema.Avro, Definition: ptr(record(fID))})
	_, err = strict.RegisterVersion(registry.WithActor(context.Background(), "AKIDCI"), registry.SchemaRef{Registry: registry.DefaultRegistry, Name: "p"}, record(fID, fRequired))
	var e *registry.Error
	if code(err) != registry.CodeIncompatible || !asErr(err, &e) || len(e.Reasons) != 1 || !strings.Contains(e.Message, "settlement_currency") {
		t.Fatalf("reject mode: %v", err)
	}
	sc, _ := strict.GetSchema(context.Background(), registry.SchemaRef{Registry: registry.DefaultRegistry, Name: "p"})
	if sc.LatestVersion != 1 {
		t.Fatalf("a refused registration must not consume a number, latest=%d", sc.LatestVersion)
	}
	log, err := strict.AuditLog(context.Background(), 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	last := log[len(log)-1]
	if last.Action != "RegisterSchemaVersion" || last.Actor != "AKIDCI" || last.Result != string(registry.CodeIncompatible) || last.Rule != "BACKWARD" || !strings.Contains(last.Detail, "READER_FIELD_MISSING_DEFAULT_VALUE") {
		t.Fatalf("audit of the refusal = %+v", last)
	}
}

// uncheckedJSON parses JSON Schema but, like a format whose checker has not landed, cannot
// compare two schemas: a fake of one port, inside this package's unit test.
type uncheckedJSON struct{ jsonschema.Handler }

func (uncheckedJSON) CanRead(_, _ schema.Schema) ([]schema.Incompatibility, error) {
	return nil, schema.ErrCheckUnsupported
}

func (u uncheckedJSON) CanReadWith(r, w schema.Schema, _ schema.CheckOptions) ([]schema.Incompatibility, error) {
	return u.CanRead(r, w)
}

func TestFormatsWithoutCheckerAreRefusedNotAcceptedUnchecked(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "carta.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	svc, err := registry.NewService(ctx, db, registry.Options{Handlers: []schema.Handler{uncheckedJSON{}}})
	if err != nil {
		t.Fatal(err)
	}
	v1, v2 := `{"type":"object","properties":{"a":{"type":"string"}}}`, `{"type":"object","properties":{"a":{"type":"integer"}}}`
	if _, _, err := svc.CreateSchema(ctx, registry.CreateSchemaInput{Name: "s", Format: schema.JSON, Compatibility: schema.Backward, Definition: &v1}); err != nil {
		t.Fatal(err)
	}
	_, err = svc.RegisterVersion(ctx, registry.SchemaRef{Registry: registry.DefaultRegistry, Name: "s"}, v2)
	if code(err) != registry.CodeInvalid || !strings.Contains(err.Error(), "not available yet") {
		t.Fatalf("a mode that needs a check: %v", err)
	}
	svc.CreateSchema(ctx, registry.CreateSchemaInput{Name: "n", Format: schema.JSON, Compatibility: schema.None, Definition: &v1})
	res, err := svc.RegisterVersion(ctx, registry.SchemaRef{Registry: registry.DefaultRegistry, Name: "n"}, v2)
	if err != nil || res.Version.Number != 2 || res.Version.Status != registry.StatusAvailable {
		t.Fatalf("NONE: %+v %v", res, err)
	}
}

func TestEveryFormatIsCheckedAtRegistration(t *testing.T) {
	ctx := context.Background()
	svc := newService(t, registry.Options{})
	for _, tc := range []struct {
		format   schema.Format
		v1, v2   string
		wantRule string
	}{
		{schema.JSON, `{"type":"object","properties":{"a":{"type":"string"}}}`, `{"type":"object","properties":{"a":{"type":"integer"}}}`, "TYPE_CHANGED"},
		{schema.Protobuf, "syntax = \"proto3\";\nmessage A { string a = 1; }\n", "syntax = \"proto3\";\nmessage A { int64 a = 1; }\n", "FIELD_SCALAR_KIND_CHANGED"},
	} {
		name := "s-" + string(tc.format)
		if _, _, err := svc.CreateSchema(ctx, registry.CreateSchemaInput{Name: name, Format: tc.format, Compatibility: schema.Backward, Definition: &tc.v1}); err != nil {
			t.Fatalf("%s v1: %v", tc.format, err)
		}
		res, err := svc.RegisterVersion(ctx, registry.SchemaRef{Registry: registry.DefaultRegistry, Name: name}, tc.v2)
		if err != nil || res.Version.Status != registry.StatusFailure || len(res.Version.Reasons) == 0 || res.Version.Reasons[0].Rule != tc.wantRule {
			t.Fatalf("%s under BACKWARD: %+v %v", tc.format, res, err)
		}
	}
}

func TestDeleteVersionsProtections(t *testing.T) {
	ctx := context.Background()
	svc := newService(t, registry.Options{})
	ref := registry.SchemaRef{Registry: registry.DefaultRegistry, Name: "p"}
	mustCreate(t, svc, "p", schema.None, record(fID))
	for i := 0; i < 4; i++ {
		register(t, svc, "p", record(fID, fmt.Sprintf(`{"name":"f%d","type":"int","default":0}`, i)))
	}
	if _, err := svc.UpdateSchema(ctx, registry.UpdateSchemaInput{Ref: ref, Checkpoint: &registry.VersionSelector{Number: 3}}); err != nil {
		t.Fatal(err)
	}
	errs, err := svc.DeleteVersions(ctx, ref, "1-9")
	if err != nil {
		t.Fatal(err)
	}
	got := map[int64]registry.Code{}
	for _, e := range errs {
		got[e.Number] = e.Code
	}
	if len(got) != 2 || got[1] != registry.CodeInvalid || got[3] != registry.CodeConflict {
		t.Fatalf("version errors = %+v", errs)
	}
	vs, _, _ := svc.ListVersions(ctx, ref, 0, 100)
	if len(vs) != 2 || vs[0].Number != 1 || vs[1].Number != 3 {
		t.Fatalf("left versions = %+v", vs)
	}
	// Numbers are never reused after deletes.
	res := register(t, svc, "p", record(fID, `{"name":"z","type":"int","default":0}`))
	if res.Version.Number != 6 {
		t.Fatalf("next number after deletes = %d, want 6", res.Version.Number)
	}
	for _, bad := range []string{"0", "3-2", "x", "-1", ""} {
		if _, err := svc.DeleteVersions(ctx, ref, bad); code(err) != registry.CodeInvalid {
			t.Errorf("range %q: %v", bad, err)
		}
	}
}

func TestMetadataQuotaAndQuery(t *testing.T) {
	ctx := context.Background()
	svc := newService(t, registry.Options{})
	mustCreate(t, svc, "p", schema.None, record(fID))
	ref := registry.VersionRef{Schema: registry.SchemaRef{Registry: registry.DefaultRegistry, Name: "p"}, Selector: registry.VersionSelector{Number: 1}}
	for i := 0; i < 10; i++ {
		key := "k"
		if i >= 5 {
			key = fmt.Sprintf("key%d", i)
		}
		if _, _, err := svc.PutMetadata(ctx, ref, key, fmt.Sprint("v", i)); err != nil {
			t.Fatalf("pair %d: %v", i, err)
		}
	}
	if _, _, err := svc.PutMetadata(ctx, ref, "one", "more"); code(err) != registry.CodeLimitExceeded {
		t.Fatalf("11th pair: %v", err)
	}
	if _, _, err := svc.PutMetadata(ctx, ref, "k", "v0"); code(err) != registry.CodeAlreadyExists {
		t.Fatalf("duplicate pair: %v", err)
	}
	_, page, next, err := svc.QueryMetadata(ctx, registry.MetadataQuery{Ref: ref, Limit: 2})
	if err != nil || len(page) != 2 || len(page["k"]) != 5 || next == "" {
		t.Fatalf("first page = %v next=%q err=%v", page, next, err)
	}
	_, page, _, _ = svc.QueryMetadata(ctx, registry.MetadataQuery{Ref: ref, Filter: []registry.Metadata{{Key: "k", Value: "v3"}}})
	if len(page) != 1 || len(page["k"]) != 1 || page["k"][0].Value != "v3" {
		t.Fatalf("filtered = %v", page)
	}
	if _, _, err := svc.RemoveMetadata(ctx, ref, "k", "nope"); code(err) != registry.CodeNotFound {
		t.Fatalf("remove absent: %v", err)
	}
}

func TestNotFoundMessagesKeepTheSerDePrefixes(t *testing.T) {
	ctx := context.Background()
	svc := newService(t, registry.Options{})
	_, err := svc.GetRegistry(ctx, "nope")
	wantPrefix(t, err, registry.CodeNotFound, "Registry is not found.")
	_, _, err = svc.GetVersionByDefinition(ctx, registry.SchemaRef{Registry: registry.DefaultRegistry, Name: "nope"}, record(fID))
	wantPrefix(t, err, registry.CodeNotFound, "Schema is not found.")
	mustCreate(t, svc, "p", schema.Backward, record(fID))
	_, _, err = svc.GetVersionByDefinition(ctx, registry.SchemaRef{Registry: registry.DefaultRegistry, Name: "p"}, record(fID, fOptional))
	wantPrefix(t, err, registry.CodeNotFound, "Schema version is not found.")
	_, _, err = svc.GetVersion(ctx, registry.VersionRef{ID: "00000000-0000-4000-8000-000000000000"})
	wantPrefix(t, err, registry.CodeNotFound, "Schema version is not found.")
}

func TestDiffVersions(t *testing.T) {
	ctx := context.Background()
	svc := newService(t, registry.Options{})
	mustCreate(t, svc, "p", schema.Backward, record(fID))
	register(t, svc, "p", record(fID, fOptional))
	d, err := svc.DiffVersions(ctx, registry.SchemaRef{Registry: registry.DefaultRegistry, Name: "p"}, registry.VersionSelector{Number: 1}, registry.VersionSelector{Number: 2})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(d, "--- p version 1\n+++ p version 2\n@@ ") || !strings.Contains(d, "\n+    {\n+      \"name\": \"settlement_currency\",") {
		t.Fatalf("diff =\n%s", d)
	}
}

func TestAuditRecordsRuleAndResult(t *testing.T) {
	ctx := registry.WithActor(context.Background(), "AKIDALICE")
	svc := newService(t, registry.Options{})
	svc.CreateSchema(ctx, registry.CreateSchemaInput{Name: "p", Format: schema.Avro, Definition: ptr(record(fID))})
	svc.RegisterVersion(ctx, registry.SchemaRef{Registry: registry.DefaultRegistry, Name: "p"}, record(fID, fRequired))
	log, err := svc.AuditLog(ctx, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	last := log[len(log)-1]
	if last.Actor != "AKIDALICE" || last.Target != "schema/default-registry/p/version/2" || last.Rule != "BACKWARD" || last.Result != "failure" {
		t.Fatalf("audit = %+v", last)
	}
	var reasons []schema.Incompatibility
	if err := json.Unmarshal([]byte(last.Detail), &reasons); err != nil || len(reasons) != 1 {
		t.Fatalf("detail %q: %v", last.Detail, err)
	}
}

func wantPrefix(t *testing.T, err error, c registry.Code, prefix string) {
	t.Helper()
	if code(err) != c || !strings.HasPrefix(registry.ErrorMessage(err), prefix) {
		t.Fatalf("got %v (%s), want %s starting with %q", err, code(err), c, prefix)
	}
}

func asErr(err error, target **registry.Error) bool {
	e, ok := err.(*registry.Error)
	if ok {
		*target = e
	}
	return ok
}

func ptr[T any](v T) *T { return &v }

func TestCheckVersionIsADryRun(t *testing.T) {
	ctx := context.Background()
	svc := newService(t, registry.Options{})
	ref := registry.SchemaRef{Registry: registry.DefaultRegistry, Name: "p"}
	mustCreate(t, svc, "p", schema.Full, record(fID))
	res, err := svc.CheckVersion(ctx, ref, record(fID, fRequired))
	if err != nil {
		t.Fatal(err)
	}
	if res.Mode != schema.Full || res.Policy != schema.Strict || len(res.Reasons) != 1 || res.Reasons[0].Direction != schema.DirBackward {
		t.Fatalf("check = %+v", res)
	}
	if res, err = svc.CheckVersion(ctx, ref, record(fID, fOptional)); err != nil || len(res.Reasons) != 0 {
		t.Fatalf("compatible candidate: %+v %v", res, err)
	}
	sc, _ := svc.GetSchema(ctx, ref)
	if sc.LatestVersion != 1 || sc.NextVersion != 2 {
		t.Fatalf("a dry run must not consume numbers: latest=%d next=%d", sc.LatestVersion, sc.NextVersion)
	}
	if _, err := svc.CheckVersion(ctx, ref, `{"type":"nope"}`); code(err) != registry.CodeInvalid {
		t.Fatalf("invalid candidate: %v", err)
	}
}

func TestPolicyTag(t *testing.T) {
	ctx := context.Background()
	svc := newService(t, registry.Options{DefaultPolicy: schema.Lenient})
	def := `{"type":"object"}`
	_, _, err := svc.CreateSchema(ctx, registry.CreateSchemaInput{Name: "j", Format: schema.JSON, Definition: &def, Tags: map[string]string{registry.PolicyTag: "SLOPPY"}})
	if code(err) != registry.CodeInvalid || !strings.Contains(err.Error(), registry.PolicyTag) {
		t.Fatalf("unknown policy: %v", err)
	}
	if _, _, err := svc.CreateSchema(ctx, registry.CreateSchemaInput{Name: "j", Format: schema.JSON, Compatibility: schema.None, Definition: &def}); err != nil {
		t.Fatal(err)
	}
	ref := registry.SchemaRef{Registry: registry.DefaultRegistry, Name: "j"}
	res, err := svc.CheckVersion(ctx, ref, def)
	if err != nil || res.Policy != schema.Lenient {
		t.Fatalf("server default: %+v %v", res, err)
	}
	if err := svc.TagResource(ctx, registry.ResourceRef{Registry: registry.DefaultRegistry, Schema: "j"}, map[string]string{registry.PolicyTag: "STRICT"}); err != nil {
		t.Fatal(err)
	}
	if res, err = svc.CheckVersion(ctx, ref, def); err != nil || res.Policy != schema.Strict {
		t.Fatalf("tagged STRICT: %+v %v", res, err)
	}
	err = svc.TagResource(ctx, registry.ResourceRef{Registry: registry.DefaultRegistry, Schema: "j"}, map[string]string{registry.PolicyTag: ""})
	if code(err) != registry.CodeInvalid {
		t.Fatalf("empty policy tag: %v", err)
	}
}
