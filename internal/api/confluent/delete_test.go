package confluent_test

import (
	"context"
	"slices"
	"strconv"
	"testing"

	"github.com/twmb/franz-go/pkg/sr"
)

func TestSoftAndHardDeleteVersion(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	v1 := must(e.client.CreateSchema(ctx, "p", avroSchema(record(fID))))(t)
	v2 := must(e.client.CreateSchema(ctx, "p", avroSchema(record(fID, fOptional))))(t)
	v3 := must(e.client.CreateSchema(ctx, "p", avroSchema(record(fID, fOptional, `{"name":"n","type":"int","default":0}`))))(t)

	// Hard delete needs a soft delete first.
	err := e.client.DeleteSchema(ctx, "p", 2, sr.HardDelete)
	wantCode(t, "hard delete of a live version", err, 40407)
	if err := e.client.DeleteSchema(ctx, "p", 2, sr.SoftDelete); err != nil {
		t.Fatalf("soft delete of version 2: %v", err)
	}
	err = e.client.DeleteSchema(ctx, "p", 2, sr.SoftDelete)
	wantCode(t, "a second soft delete", err, 40406)

	withDeleted := sr.WithParams(ctx, sr.ShowDeleted)
	if vs := must(e.client.SubjectVersions(ctx, "p"))(t); !slices.Equal(vs, []int{1, 3}) {
		t.Errorf("versions after a soft delete = %v", vs)
	}
	if vs := must(e.client.SubjectVersions(withDeleted, "p"))(t); !slices.Equal(vs, []int{1, 2, 3}) {
		t.Errorf("versions with deleted = %v", vs)
	}
	if vs := must(e.client.SubjectVersions(sr.WithParams(ctx, sr.DeletedOnly), "p"))(t); !slices.Equal(vs, []int{2}) {
		t.Errorf("deleted versions only = %v", vs)
	}
	_, err = e.client.SchemaByVersion(ctx, "p", 2)
	wantCode(t, "a soft-deleted version", err, 40402)
	if got := must(e.client.SchemaByVersion(withDeleted, "p", 2))(t); got.ID != v2.ID {
		t.Errorf("a soft-deleted version with deleted=true = %+v", got)
	}
	// A soft-deleted version still resolves by ID, for the consumers of old records, and
	// through the Glue API by its SchemaVersionId.
	if got := must(e.client.SchemaByID(ctx, v2.ID))(t); got.Schema != v2.Schema.Schema {
		t.Errorf("SchemaByID of a soft-deleted version = %+v", got)
	}
	if subs := must(e.client.SubjectsByID(ctx, v2.ID))(t); len(subs) != 0 {
		t.Errorf("SubjectsByID of a soft-deleted version = %v, want none without deleted", subs)
	}
	if subs := must(e.client.SubjectsByID(withDeleted, v2.ID))(t); !slices.Equal(subs, []string{"p"}) {
		t.Errorf("SubjectsByID with deleted = %v", subs)
	}
	var glueV struct{ Status string }
	e.glue(t, "GetSchemaVersion", map[string]any{"SchemaVersionId": v2.GUID}, &glueV)
	if glueV.Status != "AVAILABLE" {
		t.Errorf("Glue reads the soft-deleted version with status %q", glueV.Status)
	}
	_, err = e.client.LookupSchema(ctx, "p", avroSchema(v2.Schema.Schema))
	wantCode(t, "lookup of a soft-deleted version", err, 40403)
	if got := must(e.client.LookupSchema(withDeleted, "p", avroSchema(v2.Schema.Schema)))(t); got.Version != 2 {
		t.Errorf("lookup with deleted = %+v", got)
	}

	// Registering the soft-deleted definition again makes a new version.
	again := must(e.client.CreateSchema(ctx, "p", avroSchema(v2.Schema.Schema)))(t)
	if again.Version != 4 || again.ID != v2.ID {
		t.Errorf("re-registering a soft-deleted definition = %+v, want version 4 with ID %d", again, v2.ID)
	}

	// Hard delete, and the version is gone for both dialects.
	if err := e.client.DeleteSchema(ctx, "p", 2, sr.HardDelete); err != nil {
		t.Fatalf("hard delete of version 2: %v", err)
	}
	_, err = e.client.SchemaByVersion(withDeleted, "p", 2)
	wantCode(t, "a hard-deleted version", err, 40402)
	err = e.client.DeleteSchema(ctx, "p", 2, sr.HardDelete)
	wantCode(t, "a second hard delete", err, 40402)
	e.wantGlueNotFound(t, v2.GUID)
	// The latest: soft-delete the newest live version, then -1 resolves to the one before.
	if err := e.client.DeleteSchema(ctx, "p", -1, sr.SoftDelete); err != nil {
		t.Fatal(err)
	}
	if got := must(e.client.SchemaByVersion(ctx, "p", -1))(t); got.Version != v3.Version {
		t.Errorf("latest after soft-deleting version 4 = %d, want %d", got.Version, v3.Version)
	}
	e.wantError(t, "DELETE", "/subjects/p/versions/0", nil, 422, 42202)
	e.wantError(t, "DELETE", "/subjects/p/versions/9", nil, 404, 40402)
	e.wantError(t, "DELETE", "/subjects/nobody/versions/1", nil, 404, 40401)
	e.wantError(t, "DELETE", "/subjects/p/versions/1?permanent=maybe", nil, 400, 400)
	if got := must(e.client.SchemaByVersion(ctx, "p", 1))(t); got.ID != v1.ID {
		t.Errorf("version 1 after the deletes = %+v", got)
	}
}

// wantGlueNotFound checks that the Glue API no longer finds a version.
func (e *env) wantGlueNotFound(t *testing.T, versionID string) {
	t.Helper()
	r := e.doWith(t, "POST", "/", map[string]string{"SchemaVersionId": versionID},
		map[string][]string{"X-Amz-Target": {"AWSGlue.GetSchemaVersion"}, "Content-Type": {"application/x-amz-json-1.1"}})
	if r.status != 400 || jsonField(t, r.body, "__type") != "EntityNotFoundException" {
		t.Errorf("Glue GetSchemaVersion(%s) of a hard-deleted version: %d %s", versionID, r.status, r.body)
	}
}

func jsonField(t *testing.T, body []byte, name string) string {
	t.Helper()
	var m map[string]any
	response{body: body}.json(t, &m)
	s, _ := m[name].(string)
	return s
}

// TestSoftDeletedVersionsAreNotChecked: a transitive check skips a soft-deleted version.
func TestSoftDeletedVersionsAreNotChecked(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.client.SetCompatibility(ctx, sr.SetCompatibility{Level: sr.CompatBackwardTransitive}, "t")
	must(e.client.CreateSchema(ctx, "t", avroSchema(record(fID))))(t)
	must(e.client.CreateSchema(ctx, "t", avroSchema(record(fID, fOptional))))(t)
	// currency as an int with a default reads version 1 (no currency) but not version 2
	// (currency a string).
	intCurrency := record(fID, `{"name":"currency","type":"int","default":0}`)
	_, err := e.client.CreateSchema(ctx, "t", avroSchema(intCurrency))
	wantCode(t, "incompatible with version 2", err, 409)
	if err := e.client.DeleteSchema(ctx, "t", 2, sr.SoftDelete); err != nil {
		t.Fatal(err)
	}
	res := must(e.client.CheckCompatibility(ctx, "t", -2, avroSchema(intCurrency)))(t)
	if !res.Is {
		t.Errorf("the check still counts the soft-deleted version: %+v", res)
	}
	if got := must(e.client.CreateSchema(ctx, "t", avroSchema(intCurrency)))(t); got.Version != 3 {
		t.Errorf("registration once version 2 is soft-deleted = %+v", got)
	}
	_, err = e.client.CheckCompatibility(ctx, "t", 2, avroSchema(intCurrency))
	wantCode(t, "a check against a soft-deleted version", err, 40402)
}

func TestSoftAndHardDeleteSubject(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	a := must(e.client.CreateSchema(ctx, "a", avroSchema(record(fID))))(t)
	must(e.client.CreateSchema(ctx, "a", avroSchema(record(fID, fOptional))))(t)
	must(e.client.CreateSchema(ctx, "b", avroSchema(record(fAmount))))(t)

	_, err := e.client.DeleteSubject(ctx, "a", sr.HardDelete)
	wantCode(t, "hard delete of a live subject", err, 40405)
	if vs := must(e.client.DeleteSubject(ctx, "a", sr.SoftDelete))(t); !slices.Equal(vs, []int{1, 2}) {
		t.Errorf("soft delete of a = %v", vs)
	}
	_, err = e.client.DeleteSubject(ctx, "a", sr.SoftDelete)
	wantCode(t, "a second soft delete", err, 40404)
	_, err = e.client.DeleteSubject(ctx, "nobody", sr.SoftDelete)
	wantCode(t, "delete of a missing subject", err, 40401)

	if subs := must(e.client.Subjects(ctx))(t); !slices.Equal(subs, []string{"b"}) {
		t.Errorf("Subjects after a soft delete = %v", subs)
	}
	if subs := must(e.client.Subjects(sr.WithParams(ctx, sr.ShowDeleted)))(t); !slices.Equal(subs, []string{"a", "b"}) {
		t.Errorf("Subjects with deleted = %v", subs)
	}
	if subs := must(e.client.Subjects(sr.WithParams(ctx, sr.DeletedOnly)))(t); !slices.Equal(subs, []string{"a"}) {
		t.Errorf("Subjects deleted only = %v", subs)
	}
	_, err = e.client.SubjectVersions(ctx, "a")
	wantCode(t, "versions of a soft-deleted subject", err, 40401)
	if vs := must(e.client.SubjectVersions(sr.WithParams(ctx, sr.ShowDeleted), "a"))(t); !slices.Equal(vs, []int{1, 2}) {
		t.Errorf("versions of a soft-deleted subject with deleted = %v", vs)
	}
	_, err = e.client.SchemaByVersion(ctx, "a", -1)
	wantCode(t, "latest of a soft-deleted subject", err, 40401)
	err = e.client.DeleteSchema(ctx, "a", 1, sr.SoftDelete)
	wantCode(t, "soft delete of a version of a soft-deleted subject", err, 40404)
	// The ID still resolves.
	if got := must(e.client.SchemaByID(ctx, a.ID))(t); got.Schema != a.Schema.Schema {
		t.Errorf("SchemaByID of a soft-deleted subject = %+v", got)
	}

	if vs := must(e.client.DeleteSubject(ctx, "a", sr.HardDelete))(t); !slices.Equal(vs, []int{1, 2}) {
		t.Errorf("hard delete of a = %v", vs)
	}
	_, err = e.client.SchemaByID(ctx, a.ID)
	wantCode(t, "an ID no version uses any more", err, 40403)
	if subs := must(e.client.Subjects(sr.WithParams(ctx, sr.ShowDeleted)))(t); !slices.Equal(subs, []string{"b"}) {
		t.Errorf("Subjects after a hard delete = %v", subs)
	}
	e.wantError(t, "GET", "/schemas/ids/"+strconv.Itoa(a.ID)+"/versions", nil, 404, 40403)
	// The subject starts over, keeping its ID for the same content (content IDs are never
	// reused and content is never forgotten).
	again := must(e.client.CreateSchema(ctx, "a", avroSchema(record(fID))))(t)
	if again.Version != 1 || again.ID != a.ID {
		t.Errorf("a subject registered after a hard delete = %+v, want version 1 with ID %d", again, a.ID)
	}
	// Soft delete, then register again: the subject is back with the next number.
	must(e.client.DeleteSubject(ctx, "b", sr.SoftDelete))(t)
	back := must(e.client.CreateSchema(ctx, "b", avroSchema(record(fAmount))))(t)
	if back.Version != 2 {
		t.Errorf("registering into a soft-deleted subject = %+v, want version 2", back)
	}
	if vs := must(e.client.SubjectVersions(ctx, "b"))(t); !slices.Equal(vs, []int{2}) {
		t.Errorf("versions of the revived subject = %v", vs)
	}
}
