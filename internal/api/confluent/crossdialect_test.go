package confluent_test

import (
	"context"
	"slices"
	"testing"

	"github.com/twmb/franz-go/pkg/sr"
)

// TestGlueToConfluent registers through the Glue API and reads through the Confluent API: the
// same versions, numbers, definitions and IDs, and no FAILURE version anywhere.
func TestGlueToConfluent(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	var created struct {
		SchemaVersionId string
	}
	e.glue(t, "CreateSchema", map[string]any{"SchemaName": "PaymentCaptured", "DataFormat": "AVRO", "Compatibility": "BACKWARD",
		"SchemaDefinition": record(fID)}, &created)
	var failed, v3 struct {
		SchemaVersionId string
		VersionNumber   int
		Status          string
	}
	id := map[string]string{"SchemaName": "PaymentCaptured", "RegistryName": "default-registry"}
	// Glue stores an incompatible registration as a FAILURE version, which takes number 2.
	e.glue(t, "RegisterSchemaVersion", map[string]any{"SchemaId": id, "SchemaDefinition": record(fID, fRequired)}, &failed)
	if failed.Status != "FAILURE" || failed.VersionNumber != 2 {
		t.Fatalf("the incompatible Glue registration = %+v, want FAILURE version 2", failed)
	}
	e.glue(t, "RegisterSchemaVersion", map[string]any{"SchemaId": id, "SchemaDefinition": record(fID, fOptional)}, &v3)
	if v3.Status != "AVAILABLE" || v3.VersionNumber != 3 {
		t.Fatalf("the compatible Glue registration = %+v", v3)
	}

	if vs := must(e.client.SubjectVersions(ctx, "PaymentCaptured"))(t); !slices.Equal(vs, []int{1, 3}) {
		t.Errorf("the Confluent versions = %v, want [1 3]: the FAILURE version 2 never shows", vs)
	}
	latest := must(e.client.SchemaByVersion(ctx, "PaymentCaptured", -1))(t)
	if latest.Version != 3 || latest.Schema.Schema != record(fID, fOptional) || latest.GUID != v3.SchemaVersionId {
		t.Errorf("latest = %+v, want version 3 with the Glue definition and SchemaVersionId", latest)
	}
	_, err := e.client.SchemaByVersion(ctx, "PaymentCaptured", 2)
	wantCode(t, "the FAILURE version by number", err, 40402)
	_, err = e.client.LookupSchema(ctx, "PaymentCaptured", avroSchema(record(fID, fRequired)))
	wantCode(t, "the FAILURE version by lookup", err, 40403)

	// The FAILURE version's content has an ID, but no Confluent client can resolve it.
	var glueV struct{ Status string }
	e.glue(t, "GetSchemaVersion", map[string]any{"SchemaVersionId": failed.SchemaVersionId}, &glueV)
	if glueV.Status != "FAILURE" {
		t.Errorf("Glue reads the refused version with status %s, want FAILURE", glueV.Status)
	}
	first := must(e.client.SchemaByVersion(ctx, "PaymentCaptured", 1))(t)
	if first.GUID != created.SchemaVersionId || first.Schema.Schema != record(fID) {
		t.Errorf("version 1 = %+v, want the Glue version 1", first)
	}
	for i := 1; i <= latest.ID+1; i++ {
		if i == first.ID || i == latest.ID {
			continue
		}
		_, err := e.client.SchemaByID(ctx, i)
		wantCode(t, "an ID only a FAILURE version uses (or none)", err, 40403)
	}
	if subs := must(e.client.Subjects(ctx))(t); !slices.Equal(subs, []string{"PaymentCaptured"}) {
		t.Errorf("Subjects = %v", subs)
	}

	// A Glue schema with no version at all is not a Confluent subject.
	e.glue(t, "CreateSchema", map[string]any{"SchemaName": "Empty", "DataFormat": "AVRO"}, nil)
	_, err = e.client.SubjectVersions(ctx, "Empty")
	wantCode(t, "a Glue schema without versions", err, 40401)
}

// TestConfluentToGlue registers through the Confluent API and reads through the Glue API.
func TestConfluentToGlue(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	ss := must(e.client.CreateSchema(ctx, "orders-value", avroSchema(record(fID))))(t)
	ss2 := must(e.client.CreateSchema(ctx, "orders-value", avroSchema(record(fID, fOptional))))(t)
	var schema struct {
		DataFormat, Compatibility string
		LatestSchemaVersion       int
	}
	e.glue(t, "GetSchema", map[string]any{"SchemaId": map[string]string{"SchemaName": "orders-value", "RegistryName": "default-registry"}}, &schema)
	if schema.DataFormat != "AVRO" || schema.Compatibility != "BACKWARD" || schema.LatestSchemaVersion != 2 {
		t.Errorf("the Glue schema = %+v", schema)
	}
	for _, v := range []sr.SubjectSchema{ss, ss2} {
		var got struct {
			SchemaVersionId, SchemaDefinition, Status string
			VersionNumber                             int
		}
		e.glue(t, "GetSchemaVersion", map[string]any{"SchemaVersionId": v.GUID}, &got)
		if got.SchemaDefinition != v.Schema.Schema || got.VersionNumber != v.Version || got.Status != "AVAILABLE" {
			t.Errorf("Glue GetSchemaVersion(%s) = %+v, want %+v", v.GUID, got, v)
		}
	}
	// A registration refused through Confluent leaves nothing in Glue either.
	_, err := e.client.CreateSchema(ctx, "orders-value", avroSchema(record(fID, fRequired)))
	wantCode(t, "incompatible", err, 409)
	var list struct{ Schemas []struct{ VersionNumber int } }
	e.glue(t, "ListSchemaVersions", map[string]any{"SchemaId": map[string]string{"SchemaName": "orders-value", "RegistryName": "default-registry"}}, &list)
	if len(list.Schemas) != 2 {
		t.Errorf("Glue lists %d versions, want 2", len(list.Schemas))
	}
	// Glue finds the Confluent registration by definition.
	var byDef struct{ SchemaVersionId string }
	e.glue(t, "GetSchemaByDefinition", map[string]any{"SchemaId": map[string]string{"SchemaName": "orders-value"},
		"SchemaDefinition": record(fID, fOptional)}, &byDef)
	if byDef.SchemaVersionId != ss2.GUID {
		t.Errorf("GetSchemaByDefinition = %s, want %s", byDef.SchemaVersionId, ss2.GUID)
	}
}
