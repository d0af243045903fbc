package confluent_test

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"testing"

	"github.com/twmb/franz-go/pkg/sr"
)

func TestModeReadOnly(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	if m := e.client.Mode(ctx)[0]; m.Err != nil || m.Mode != sr.ModeReadWrite {
		t.Fatalf("the global mode = %+v", m)
	}
	e.wantError(t, "GET", "/mode/s", nil, 404, 40409)
	if m := e.client.Mode(sr.WithParams(ctx, sr.DefaultToGlobal), "s")[0]; m.Err != nil || m.Mode != sr.ModeReadWrite {
		t.Errorf("the mode of s with defaultToGlobal = %+v", m)
	}
	must(e.client.CreateSchema(ctx, "s", avroSchema(record(fID))))(t)
	must(e.client.CreateSchema(ctx, "other", avroSchema(record(fID))))(t)

	if m := e.client.SetMode(ctx, sr.ModeReadOnly, "s")[0]; m.Err != nil || m.Mode != sr.ModeReadOnly {
		t.Fatalf("SetMode(READONLY, s) = %+v", m)
	}
	if m := e.client.Mode(ctx, "s")[0]; m.Err != nil || m.Mode != sr.ModeReadOnly {
		t.Errorf("Mode(s) = %+v", m)
	}
	_, err := e.client.CreateSchema(ctx, "s", avroSchema(record(fID, fOptional)))
	wantCode(t, "a registration in READONLY mode", err, 42205)
	_, err = e.client.DeleteSubject(ctx, "s", sr.SoftDelete)
	wantCode(t, "a delete in READONLY mode", err, 42205)
	err = e.client.DeleteSchema(ctx, "s", 1, sr.SoftDelete)
	wantCode(t, "a version delete in READONLY mode", err, 42205)
	// Reads still work, and so do other subjects; the Glue API is held to the mode too.
	must(e.client.SchemaByVersion(ctx, "s", 1))(t)
	must(e.client.CreateSchema(ctx, "other", avroSchema(record(fID, fOptional))))(t)
	r := e.doWith(t, "POST", "/", map[string]any{"SchemaId": map[string]string{"SchemaName": "s"}, "SchemaDefinition": record(fID, fOptional)},
		http.Header{"X-Amz-Target": {"AWSGlue.RegisterSchemaVersion"}, "Content-Type": {"application/x-amz-json-1.1"}})
	if r.status != 400 || jsonField(t, r.body, "__type") != "InvalidInputException" {
		t.Errorf("a Glue registration in READONLY mode: %d %s", r.status, r.body)
	}

	if m := e.client.ResetMode(ctx, "s")[0]; m.Err != nil || m.Mode != sr.ModeReadOnly {
		t.Errorf("ResetMode(s) = %+v, want the old READONLY", m)
	}
	e.wantError(t, "DELETE", "/mode/s", nil, 404, 40409)
	must(e.client.CreateSchema(ctx, "s", avroSchema(record(fID, fOptional))))(t)

	// The global mode.
	if m := e.client.SetMode(ctx, sr.ModeReadOnly)[0]; m.Err != nil {
		t.Fatal(m.Err)
	}
	_, err = e.client.CreateSchema(ctx, "new", avroSchema(record(fID)))
	wantCode(t, "a registration in global READONLY mode", err, 42205)
	// A subject's own mode wins over the global one.
	e.client.SetMode(ctx, sr.ModeReadWrite, "new")
	must(e.client.CreateSchema(ctx, "new", avroSchema(record(fID))))(t)
	if m := e.client.ResetMode(ctx)[0]; m.Err != nil || m.Mode != sr.ModeReadOnly {
		t.Errorf("ResetMode(global) = %+v", m)
	}
	if m := e.client.Mode(ctx)[0]; m.Mode != sr.ModeReadWrite {
		t.Errorf("the global mode after a reset = %+v", m)
	}

	e.wantError(t, "PUT", "/mode", map[string]string{"mode": "READMOSTLY"}, 422, 42204)
	e.wantError(t, "PUT", "/mode/s", map[string]string{}, 422, 42204)
	e.wantError(t, "PUT", "/mode/bad%20name", map[string]string{"mode": "READONLY"}, 422, 42208)
}

// TestModeImport migrates subjects the way a migration tool does: IMPORT mode, then
// registrations that keep the source registry's IDs and version numbers.
func TestModeImport(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	must(e.client.CreateSchema(ctx, "existing", avroSchema(record(fID))))(t)
	if m := e.client.SetMode(ctx, sr.ModeImport)[0]; srCode(m.Err) != 42205 {
		t.Errorf("global IMPORT mode over existing subjects: %v, want 42205", m.Err)
	}
	if m := e.client.SetMode(ctx, sr.ModeImport, "existing")[0]; srCode(m.Err) != 42205 {
		t.Errorf("IMPORT mode on a subject with versions: %v, want 42205", m.Err)
	}
	if m := e.client.SetMode(ctx, sr.ModeImport, "imported")[0]; m.Err != nil || m.Mode != sr.ModeImport {
		t.Fatalf("IMPORT mode on an empty subject = %+v", m)
	}

	id := must(e.client.RegisterSchema(ctx, "imported", avroSchema(record(fID, fAmount)), 100, 5))(t)
	if id != 100 {
		t.Errorf("an imported registration got ID %d, want 100", id)
	}
	// No compatibility check: a breaking change imports as it was in the source.
	id = must(e.client.RegisterSchema(ctx, "imported", avroSchema(record(fID, fAmount, fRequired)), 101, 6))(t)
	if id != 101 {
		t.Errorf("the second import got ID %d", id)
	}
	if vs := must(e.client.SubjectVersions(ctx, "imported"))(t); !slices.Equal(vs, []int{5, 6}) {
		t.Errorf("imported versions = %v, want [5 6]", vs)
	}
	if got := must(e.client.SchemaByID(ctx, 101))(t); got.Schema != record(fID, fAmount, fRequired) {
		t.Errorf("SchemaByID(101) = %+v", got)
	}
	// The same import again answers with what is there.
	if id := must(e.client.RegisterSchema(ctx, "imported", avroSchema(record(fID, fAmount)), 100, 5))(t); id != 100 {
		t.Errorf("a repeated import = %d", id)
	}
	// An ID taken by other content, content under another ID, a number already used.
	_, err := e.client.RegisterSchema(ctx, "imported", avroSchema(record(fAmount)), 100, 7)
	wantCode(t, "an ID of other content", err, 42205)
	_, err = e.client.RegisterSchema(ctx, "imported", avroSchema(record(fID, fAmount)), 102, 7)
	wantCode(t, "content under another ID", err, 42207)
	_, err = e.client.RegisterSchema(ctx, "imported", avroSchema(record(fAmount)), 102, 4)
	wantCode(t, "a number below the latest", err, 42205)
	// The Glue API cannot write into a subject being imported.
	r := e.doWith(t, "POST", "/", map[string]any{"SchemaId": map[string]string{"SchemaName": "imported"}, "SchemaDefinition": record(fAmount)},
		http.Header{"X-Amz-Target": {"AWSGlue.RegisterSchemaVersion"}, "Content-Type": {"application/x-amz-json-1.1"}})
	if r.status != 400 {
		t.Errorf("a Glue registration in IMPORT mode: %d %s", r.status, r.body)
	}

	// Back to READWRITE: new content gets IDs above the imported ones, versions go on.
	e.client.ResetMode(ctx, "imported")
	ss := must(e.client.CreateSchema(ctx, "imported", avroSchema(record(fID, fAmount, fRequired, `{"name":"n","type":"int","default":0}`))))(t)
	if ss.ID <= 101 || ss.Version != 7 {
		t.Errorf("a registration after the import = %+v, want an ID above 101 and version 7", ss)
	}
	_, err = e.client.RegisterSchema(ctx, "imported", avroSchema(record(fAmount)), 200, 8)
	wantCode(t, "an ID outside IMPORT mode", err, 42205)
	// force=true allows IMPORT over existing subjects.
	r = e.do(t, "PUT", "/mode?force=true", map[string]string{"mode": "IMPORT"})
	if r.status != 200 {
		t.Errorf("PUT /mode?force=true IMPORT: %d %s", r.status, r.body)
	}
}

func TestContexts(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	pay := sr.InContext(ctx, ".payments")
	ss := must(e.client.CreateSchema(pay, "orders", avroSchema(record(fID))))(t)
	if ss.Subject != ":.payments:orders" || ss.Version != 1 {
		t.Errorf("CreateSchema in a context = %+v", ss)
	}
	if c := e.glueCompatibility(t, "payments", "orders"); c != "BACKWARD" {
		t.Errorf("the Glue schema payments/orders has compatibility %q", c)
	}
	must(e.client.CreateSchema(ctx, "plain", avroSchema(record(fID))))(t)
	if cs := must(e.client.Contexts(ctx))(t); !slices.Equal(cs, []string{".", ".payments"}) {
		t.Errorf("Contexts = %v", cs)
	}
	if subs := must(e.client.Subjects(ctx))(t); !slices.Equal(subs, []string{"plain"}) {
		t.Errorf("Subjects of the default context = %v", subs)
	}
	if subs := must(e.client.Subjects(pay))(t); !slices.Equal(subs, []string{":.payments:orders"}) {
		t.Errorf("Subjects of .payments = %v", subs)
	}
	if subs := must(e.client.Subjects(sr.WithParams(ctx, sr.SubjectPrefix(":*:"))))(t); !slices.Equal(subs, []string{":.payments:orders", "plain"}) {
		t.Errorf("Subjects of every context = %v", subs)
	}
	if subs := must(e.client.Subjects(sr.WithParams(ctx, sr.SubjectPrefix(":.payments:o"))))(t); !slices.Equal(subs, []string{":.payments:orders"}) {
		t.Errorf("Subjects with a qualified prefix = %v", subs)
	}
	// A qualified subject works from the default context; IDs are global.
	if vs := must(e.client.SubjectVersions(ctx, ":.payments:orders"))(t); !slices.Equal(vs, []int{1}) {
		t.Errorf("versions of :.payments:orders = %v", vs)
	}
	if got := must(e.client.SchemaByID(pay, ss.ID))(t); got.Schema != record(fID) {
		t.Errorf("SchemaByID in the context = %+v", got)
	}
	if subs := must(e.client.SubjectsByID(ctx, ss.ID))(t); !slices.Equal(subs, []string{":.payments:orders", "plain"}) {
		t.Errorf("SubjectsByID across contexts = %v", subs)
	}
	// A context's config governs its subjects only.
	r := e.do(t, "PUT", "/contexts/.payments/config", map[string]string{"compatibility": "FULL"})
	if r.status != 200 {
		t.Fatalf("PUT /contexts/.payments/config: %d %s", r.status, r.body)
	}
	must(e.client.CreateSchema(pay, "refunds", avroSchema(record(fID))))(t)
	if c := e.glueCompatibility(t, "payments", "refunds"); c != "FULL" {
		t.Errorf("a subject of .payments has %s, want the context's FULL", c)
	}
	if c := e.glueCompatibility(t, "payments", "orders"); c != "FULL" {
		t.Errorf("an existing subject of .payments has %s, want the context's FULL", c)
	}
	if c := e.glueCompatibility(t, "default-registry", "plain"); c != "BACKWARD" {
		t.Errorf("a subject of the default context has %s", c)
	}
	if c := e.client.Compatibility(pay)[0]; c.Err != nil || c.Level != sr.CompatFull {
		t.Errorf("the config of .payments = %+v", c)
	}
	r = e.do(t, "GET", "/config/:.payments:", nil)
	if r.status != 200 || jsonField(t, r.body, "compatibilityLevel") != "FULL" {
		t.Errorf("GET /config/:.payments: = %d %s", r.status, r.body)
	}
	e.wantError(t, "GET", "/contexts/bad%20ctx/subjects", nil, 422, 42208)
	// The default context by name: its subjects are qualified, so that they resolve back from
	// any context.
	r = e.do(t, "GET", "/contexts/.payments/schemas/ids/"+strconv.Itoa(ss.ID)+"/subjects", nil)
	var subs []string
	r.json(t, &subs)
	if !slices.Equal(subs, []string{":.:plain", ":.payments:orders", ":.payments:refunds"}) {
		t.Errorf("SubjectsByID in a context = %v", subs)
	}
	if vs := must(e.client.SubjectVersions(pay, ":.:plain"))(t); !slices.Equal(vs, []int{1}) {
		t.Errorf("versions of :.:plain from .payments = %v", vs)
	}
}

func TestSchemasGUIDsAndMetadata(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	a1 := must(e.client.CreateSchema(ctx, "a", avroSchema(record(fID))))(t)
	a2 := must(e.client.CreateSchema(ctx, "a", avroSchema(record(fID, fOptional))))(t)
	b1 := must(e.client.CreateSchema(ctx, "b", sr.Schema{Schema: `{"type":"object"}`, Type: sr.TypeJSON,
		SchemaMetadata: &sr.SchemaMetadata{Properties: map[string]string{"owner": "team-b"}}}))(t)
	if err := e.client.DeleteSchema(ctx, "a", 1, sr.SoftDelete); err != nil {
		t.Fatal(err)
	}

	all := must(e.client.AllSchemas(ctx))(t)
	if len(all) != 2 || all[0].Version != 2 || all[1].Subject != "b" {
		t.Errorf("AllSchemas = %+v", all)
	}
	if all[1].SchemaMetadata == nil || all[1].SchemaMetadata.Properties["owner"] != "team-b" {
		t.Errorf("the metadata of b = %+v", all[1].SchemaMetadata)
	}
	if all := must(e.client.AllSchemas(sr.WithParams(ctx, sr.ShowDeleted)))(t); len(all) != 3 {
		t.Errorf("AllSchemas with deleted = %d versions, want 3", len(all))
	}
	latest := must(e.client.AllSchemas(sr.WithParams(ctx, sr.ShowDeleted, sr.LatestOnly)))(t)
	if len(latest) != 2 || latest[0].Version != 2 || latest[1].ID != b1.ID {
		t.Errorf("AllSchemas latestOnly = %+v", latest)
	}
	page := must(e.client.AllSchemas(sr.WithParams(ctx, sr.ShowDeleted, sr.Offset(1), sr.Limit(1))))(t)
	if len(page) != 1 || page[0].ID != a2.ID {
		t.Errorf("AllSchemas offset 1 limit 1 = %+v", page)
	}
	pre := must(e.client.AllSchemas(sr.WithParams(ctx, sr.SubjectPrefix("b"))))(t)
	if len(pre) != 1 || pre[0].Type != sr.TypeJSON {
		t.Errorf("AllSchemas prefix b = %+v", pre)
	}

	byGUID := must(e.client.SchemaByGUID(ctx, a1.GUID))(t)
	if byGUID.Schema.Schema != a1.Schema.Schema || byGUID.ID != a1.ID {
		t.Errorf("SchemaByGUID = %+v", byGUID)
	}
	e.wantError(t, "GET", "/schemas/guids/not-a-uuid", nil, 404, 40403)
	e.wantError(t, "GET", "/schemas/guids/00000000-0000-4000-8000-000000000000", nil, 404, 40403)

	r := e.do(t, "GET", "/v1/metadata/id", nil)
	if r.status != 200 {
		t.Errorf("GET /v1/metadata/id: %d %s", r.status, r.body)
	}
	refs := must(e.client.SchemaReferences(ctx, "a", 2))(t)
	if len(refs) != 0 {
		t.Errorf("SchemaReferences = %+v", refs)
	}
	e.wantError(t, "GET", "/subjects/a/versions/9/referencedby", nil, 404, 40402)
	e.wantError(t, "GET", "/schemas?limit=x", nil, 400, 400)
}

// TestGUIDOfFailureVersion: a FAILURE version's SchemaVersionId is not a Confluent GUID.
func TestGUIDOfFailureVersion(t *testing.T) {
	e := newEnv(t)
	e.glue(t, "CreateSchema", map[string]any{"SchemaName": "g", "DataFormat": "AVRO", "SchemaDefinition": record(fID)}, nil)
	var failed struct{ SchemaVersionId, Status string }
	e.glue(t, "RegisterSchemaVersion", map[string]any{"SchemaId": map[string]string{"SchemaName": "g"}, "SchemaDefinition": record(fID, fRequired)}, &failed)
	if failed.Status != "FAILURE" {
		t.Fatalf("Glue registration = %+v", failed)
	}
	e.wantError(t, "GET", "/schemas/guids/"+failed.SchemaVersionId, nil, 404, 40403)
}
