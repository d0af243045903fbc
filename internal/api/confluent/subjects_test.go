package confluent_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/sr"
)

func TestRootAndTypes(t *testing.T) {
	e := newEnv(t)
	for _, m := range []string{"GET", "POST"} {
		r := e.do(t, m, "/", map[string]any{})
		if r.status != 200 || strings.TrimSpace(string(r.body)) != "{}" {
			t.Errorf("%s /: %d %s, want 200 {}", m, r.status, r.body)
		}
	}
	types, err := e.client.SupportedTypes(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(types, []sr.SchemaType{sr.TypeAvro, sr.TypeProtobuf, sr.TypeJSON}) {
		t.Errorf("SupportedTypes = %v", types)
	}
}

// TestRegisterAndRead walks the flow every client uses: register, read back by ID and by
// version, list, look up.
func TestRegisterAndRead(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	v1 := record(fID, fAmount)
	ss, err := e.client.CreateSchema(ctx, "payments-value", avroSchema(v1))
	if err != nil {
		t.Fatalf("CreateSchema: %v", err)
	}
	if ss.Subject != "payments-value" || ss.Version != 1 || ss.ID < 1 || ss.Schema.Schema != v1 || ss.Type != sr.TypeAvro {
		t.Errorf("CreateSchema = %+v", ss)
	}
	// The same schema again: the same ID and version, nothing new.
	again, err := e.client.CreateSchema(ctx, "payments-value", avroSchema(v1))
	if err != nil || again.ID != ss.ID || again.Version != 1 {
		t.Errorf("registering again = %+v, %v; want ID %d version 1", again, err, ss.ID)
	}
	// Whitespace does not make another schema: Carta identifies content by its normalized form.
	spaced := strings.ReplaceAll(v1, ",", " , ")
	id, err := e.client.RegisterSchema(ctx, "payments-value", avroSchema(spaced), -1, -1)
	if err != nil || id != ss.ID {
		t.Errorf("registering with other whitespace = %d, %v; want ID %d", id, err, ss.ID)
	}
	v2 := record(fID, fAmount, fOptional)
	ss2 := must(e.client.CreateSchema(ctx, "payments-value", avroSchema(v2)))(t)
	if ss2.Version != 2 || ss2.ID == ss.ID {
		t.Errorf("second version = %+v", ss2)
	}

	byID := must(e.client.SchemaByID(ctx, ss.ID))(t)
	if byID.Schema != v1 || byID.Type != sr.TypeAvro {
		t.Errorf("SchemaByID = %+v", byID)
	}
	text := must(e.client.SchemaTextByID(ctx, ss2.ID))(t)
	if text != v2 {
		t.Errorf("SchemaTextByID = %s", text)
	}
	if subs := must(e.client.SubjectsByID(ctx, ss.ID))(t); !slices.Equal(subs, []string{"payments-value"}) {
		t.Errorf("SubjectsByID = %v", subs)
	}
	if vs := must(e.client.SchemaVersionsByID(ctx, ss2.ID))(t); !slices.Equal(vs, []sr.SubjectVersion{{Subject: "payments-value", Version: 2}}) {
		t.Errorf("SchemaVersionsByID = %v", vs)
	}
	if vs := must(e.client.SubjectVersions(ctx, "payments-value"))(t); !slices.Equal(vs, []int{1, 2}) {
		t.Errorf("SubjectVersions = %v", vs)
	}
	latest := must(e.client.SchemaByVersion(ctx, "payments-value", -1))(t)
	if latest.Version != 2 || latest.ID != ss2.ID || latest.Schema.Schema != v2 || latest.GUID == "" {
		t.Errorf("SchemaByVersion(latest) = %+v", latest)
	}
	first := must(e.client.SchemaByVersion(ctx, "payments-value", 1))(t)
	if first.Version != 1 || first.ID != ss.ID {
		t.Errorf("SchemaByVersion(1) = %+v", first)
	}
	if text := must(e.client.SchemaTextByVersion(ctx, "payments-value", 1))(t); text != v1 {
		t.Errorf("SchemaTextByVersion(1) = %s", text)
	}
	r := e.do(t, "GET", "/subjects/payments-value/versions/latest", nil)
	if r.status != 200 {
		t.Errorf("GET .../versions/latest: %d %s", r.status, r.body)
	}
	all := must(e.client.Schemas(ctx, "payments-value"))(t)
	if len(all) != 2 {
		t.Errorf("Schemas = %+v", all)
	}

	found := must(e.client.LookupSchema(ctx, "payments-value", avroSchema(spaced)))(t)
	if found.Version != 1 || found.ID != ss.ID || found.Subject != "payments-value" {
		t.Errorf("LookupSchema = %+v", found)
	}
	_, err = e.client.LookupSchema(ctx, "payments-value", avroSchema(record(fID)))
	wantCode(t, "LookupSchema(unknown schema)", err, 40403)
	_, err = e.client.LookupSchema(ctx, "nobody", avroSchema(v1))
	wantCode(t, "LookupSchema(unknown subject)", err, 40401)

	// The same content under another subject shares the ID.
	other := must(e.client.CreateSchema(ctx, "audit-value", avroSchema(v1)))(t)
	if other.ID != ss.ID || other.Version != 1 {
		t.Errorf("the same schema under another subject = %+v, want ID %d", other, ss.ID)
	}
	if subs := must(e.client.SubjectsByID(ctx, ss.ID))(t); !slices.Equal(subs, []string{"audit-value", "payments-value"}) {
		t.Errorf("SubjectsByID of a shared ID = %v", subs)
	}
	if subs := must(e.client.Subjects(ctx))(t); !slices.Equal(subs, []string{"audit-value", "payments-value"}) {
		t.Errorf("Subjects = %v", subs)
	}
	pre := must(e.client.Subjects(sr.WithParams(ctx, sr.SubjectPrefix("pay"))))(t)
	if !slices.Equal(pre, []string{"payments-value"}) {
		t.Errorf("Subjects(prefix pay) = %v", pre)
	}
	// ?subject= picks the version of that subject.
	r = e.do(t, "GET", "/schemas/ids/"+strconv.Itoa(ss.ID)+"?subject=payments-value&format=resolved&fetchMaxId=true", nil)
	if r.status != 200 {
		t.Errorf("GET /schemas/ids with subject, format and fetchMaxId: %d %s", r.status, r.body)
	}
}

func TestJSONAndProtobuf(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	js := `{"type":"object","properties":{"id":{"type":"string"}},"additionalProperties":false}`
	ss := must(e.client.CreateSchema(ctx, "orders-value", sr.Schema{Schema: js, Type: sr.TypeJSON}))(t)
	if ss.Type != sr.TypeJSON || ss.Version != 1 {
		t.Errorf("JSON CreateSchema = %+v", ss)
	}
	pb := "syntax = \"proto3\";\npackage shop;\nmessage Shipment { string id = 1; }\n"
	ps := must(e.client.CreateSchema(ctx, "shipments-value", sr.Schema{Schema: pb, Type: sr.TypeProtobuf}))(t)
	if ps.Type != sr.TypeProtobuf || ps.Schema.Schema != pb {
		t.Errorf("Protobuf CreateSchema = %+v", ps)
	}
	got := must(e.client.SchemaByID(ctx, ps.ID))(t)
	if got.Type != sr.TypeProtobuf || got.Schema != pb {
		t.Errorf("SchemaByID(protobuf) = %+v", got)
	}
	// A subject keeps one format: JSON under an Avro subject is refused as incompatible.
	must(e.client.CreateSchema(ctx, "avro-value", avroSchema(record(fID))))(t)
	_, err := e.client.CreateSchema(ctx, "avro-value", sr.Schema{Schema: js, Type: sr.TypeJSON})
	wantCode(t, "JSON under an Avro subject", err, 409)
	// A lookup of another format finds nothing.
	_, err = e.client.LookupSchema(ctx, "orders-value", avroSchema(record(fID)))
	wantCode(t, "an Avro lookup in a JSON subject", err, 40403)
}

func TestIncompatible(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	must(e.client.CreateSchema(ctx, "p", avroSchema(record(fID))))(t)
	_, err := e.client.CreateSchema(ctx, "p", avroSchema(record(fID, fRequired)))
	wantCode(t, "an incompatible registration", err, 409)
	if err != nil && !strings.Contains(err.Error(), "READER_FIELD_MISSING_DEFAULT_VALUE") {
		t.Errorf("the message does not name the rule: %v", err)
	}
	// Nothing was stored: the next version is still 2, and no FAILURE version shows.
	if vs := must(e.client.SubjectVersions(ctx, "p"))(t); !slices.Equal(vs, []int{1}) {
		t.Errorf("versions after a refusal = %v", vs)
	}

	e2 := newEnvWith(t, options{incompatibleCode: 40901})
	must(e2.client.CreateSchema(ctx, "p", avroSchema(record(fID))))(t)
	_, err = e2.client.CreateSchema(ctx, "p", avroSchema(record(fID, fRequired)))
	wantCode(t, "an incompatible registration with error_code 40901", err, 40901)
}

func TestCompatibilityEndpoints(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	// A subject that does not exist yet: anything is compatible with nothing.
	res := must(e.client.CheckCompatibility(ctx, "p", -2, avroSchema(record(fID))))(t)
	if !res.Is {
		t.Errorf("check against a missing subject = %+v", res)
	}
	_, err := e.client.CheckCompatibility(ctx, "p", -1, avroSchema(record(fID)))
	wantCode(t, "check against the latest of a missing subject", err, 40401)

	must(e.client.CreateSchema(ctx, "p", avroSchema(record(fID))))(t)
	must(e.client.CreateSchema(ctx, "p", avroSchema(record(fID, fOptional))))(t)
	ok := must(e.client.CheckCompatibility(ctx, "p", -1, avroSchema(record(fID, fOptional, `{"name":"x","type":"int","default":0}`))))(t)
	if !ok.Is {
		t.Errorf("adding a field with a default = %+v, want compatible", ok)
	}
	bad := must(e.client.CheckCompatibility(sr.WithParams(ctx, sr.Verbose), "p", 1, avroSchema(record(fID, fRequired))))(t)
	if bad.Is || len(bad.Messages) == 0 || !strings.Contains(bad.Messages[0], "errorType:'READER_FIELD_MISSING_DEFAULT_VALUE'") {
		t.Errorf("verbose check against version 1 = %+v", bad)
	}
	if !slices.Contains(bad.Messages, "{oldSchemaVersion: 1}") || !slices.Contains(bad.Messages, "{compatibility: 'BACKWARD'}") {
		t.Errorf("verbose messages lack the version or the level: %q", bad.Messages)
	}
	quiet := must(e.client.CheckCompatibility(ctx, "p", -2, avroSchema(record(fID, fRequired))))(t)
	if quiet.Is || len(quiet.Messages) != 0 {
		t.Errorf("a check without verbose = %+v, want no messages", quiet)
	}
	good := must(e.client.CheckCompatibility(ctx, "p", 2, avroSchema(record(fID, fOptional))))(t)
	if !good.Is {
		t.Errorf("an identical schema is not compatible: %+v", good)
	}
	_, err = e.client.CheckCompatibility(ctx, "p", 7, avroSchema(record(fID)))
	wantCode(t, "check against a missing version", err, 40402)
	e.wantError(t, "POST", "/compatibility/subjects/p/versions/0", map[string]any{"schema": record(fID)}, 422, 42202)
}
