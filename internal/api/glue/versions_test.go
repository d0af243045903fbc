package glue_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsglue "github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
)

// rawFailure is Carta's extension on FAILURE versions, read from the raw response body (the
// SDK drops members it does not know).
type rawFailure struct {
	Status                 string
	CartaMessage           string
	CartaIncompatibilities []struct {
		Rule, Path, Direction, Message string
		Version                        int64
	}
}

func TestRegisterSchemaVersionCompatibility(t *testing.T) {
	e := newEnv(t)
	c := e.client
	e.createAvroSchema(t, "payments", "PaymentCaptured", types.CompatibilityBackward)
	id := schID("payments", "PaymentCaptured")

	// A required field without a default breaks BACKWARD: 200 with Status FAILURE.
	failed := must[*awsglue.RegisterSchemaVersionOutput](t)(c.RegisterSchemaVersion(ctx, &awsglue.RegisterSchemaVersionInput{SchemaId: id, SchemaDefinition: aws.String(avroV2Required)}))
	if failed.Status != types.SchemaVersionStatusFailure || aws.ToInt64(failed.VersionNumber) != 2 {
		t.Fatalf("RegisterSchemaVersion(required field) = %+v; want FAILURE version 2", failed)
	}
	sc := must[*awsglue.GetSchemaOutput](t)(c.GetSchema(ctx, &awsglue.GetSchemaInput{SchemaId: id}))
	if aws.ToInt64(sc.LatestSchemaVersion) != 2 || aws.ToInt64(sc.NextSchemaVersion) != 3 || aws.ToInt64(sc.SchemaCheckpoint) != 1 {
		t.Errorf("after FAILURE: Latest=%d Next=%d Checkpoint=%d; want 2, 3, 1",
			aws.ToInt64(sc.LatestSchemaVersion), aws.ToInt64(sc.NextSchemaVersion), aws.ToInt64(sc.SchemaCheckpoint))
	}

	// The extension members explain the failure, on the registration and on GetSchemaVersion.
	body, _ := json.Marshal(map[string]any{"SchemaId": map[string]string{"RegistryName": "payments", "SchemaName": "PaymentCaptured"}, "SchemaDefinition": avroV2Required})
	r := e.post(t, "AWSGlue.RegisterSchemaVersion", body)
	var reg rawFailure
	if err := json.Unmarshal(r.body, &reg); err != nil || r.status != 200 {
		t.Fatalf("raw RegisterSchemaVersion = %d %s", r.status, r.body)
	}
	body, _ = json.Marshal(map[string]any{"SchemaVersionId": aws.ToString(failed.SchemaVersionId)})
	r = e.post(t, "AWSGlue.GetSchemaVersion", body)
	var get rawFailure
	if err := json.Unmarshal(r.body, &get); err != nil || r.status != 200 {
		t.Fatalf("raw GetSchemaVersion = %d %s", r.status, r.body)
	}
	for name, f := range map[string]rawFailure{"RegisterSchemaVersion": reg, "GetSchemaVersion": get} {
		if f.Status != "FAILURE" || len(f.CartaIncompatibilities) == 0 || !strings.Contains(f.CartaMessage, "READER_FIELD_MISSING_DEFAULT_VALUE") {
			t.Errorf("%s: %+v; want FAILURE with incompatibilities", name, f)
			continue
		}
		i := f.CartaIncompatibilities[0]
		if i.Rule != "READER_FIELD_MISSING_DEFAULT_VALUE" || i.Direction != "BACKWARD" || i.Version != 1 || !strings.Contains(i.Message, "settlement_currency") {
			t.Errorf("%s incompatibility = %+v", name, i)
		}
	}
	// Re-registering the failed definition answers with the same FAILURE version.
	again := must[*awsglue.RegisterSchemaVersionOutput](t)(c.RegisterSchemaVersion(ctx, &awsglue.RegisterSchemaVersionInput{SchemaId: id, SchemaDefinition: aws.String(avroV2Required)}))
	if aws.ToString(again.SchemaVersionId) != aws.ToString(failed.SchemaVersionId) {
		t.Errorf("re-registering a failed definition = %+v; want version %s", again, aws.ToString(failed.SchemaVersionId))
	}

	// An optional field with a default is BACKWARD compatible.
	ok := must[*awsglue.RegisterSchemaVersionOutput](t)(c.RegisterSchemaVersion(ctx, &awsglue.RegisterSchemaVersionInput{SchemaId: id, SchemaDefinition: aws.String(avroV2Optional)}))
	if ok.Status != types.SchemaVersionStatusAvailable || aws.ToInt64(ok.VersionNumber) != 3 {
		t.Fatalf("RegisterSchemaVersion(optional field) = %+v; want AVAILABLE version 3", ok)
	}
	// An identical definition (whitespace aside) returns the existing version.
	spaced := strings.ReplaceAll(avroV2Optional, ",", ", ")
	dup := must[*awsglue.RegisterSchemaVersionOutput](t)(c.RegisterSchemaVersion(ctx, &awsglue.RegisterSchemaVersionInput{SchemaId: id, SchemaDefinition: aws.String(spaced)}))
	if aws.ToString(dup.SchemaVersionId) != aws.ToString(ok.SchemaVersionId) || aws.ToInt64(dup.VersionNumber) != 3 || dup.Status != types.SchemaVersionStatusAvailable {
		t.Errorf("duplicate registration = %+v; want version 3 %s", dup, aws.ToString(ok.SchemaVersionId))
	}

	// Errors.
	_, err := c.RegisterSchemaVersion(ctx, &awsglue.RegisterSchemaVersionInput{SchemaId: schID("payments", "Nope"), SchemaDefinition: aws.String(avroV1)})
	wantErr[*types.EntityNotFoundException](t, err, "Schema is not found.")
	_, err = c.RegisterSchemaVersion(ctx, &awsglue.RegisterSchemaVersionInput{SchemaId: id, SchemaDefinition: aws.String(`{"type":"nope"}`)})
	wantErr[*types.InvalidInputException](t, err, "Schema definition of AVRO data format is invalid")
	_, err = c.RegisterSchemaVersion(ctx, &awsglue.RegisterSchemaVersionInput{SchemaId: id, SchemaDefinition: aws.String("   ")})
	wantErr[*types.InvalidInputException](t, err, "Parameter Name: schemaDefinition")
}

func TestRegisterSchemaVersionDisabled(t *testing.T) {
	e := newEnv(t)
	e.createAvroSchema(t, "r", "frozen", types.CompatibilityDisabled)
	_, err := e.client.RegisterSchemaVersion(ctx, &awsglue.RegisterSchemaVersionInput{SchemaId: schID("r", "frozen"), SchemaDefinition: aws.String(avroV2Optional)})
	wantErr[*types.InvalidInputException](t, err, "Compatibility DISABLED does not allow versioning.")
}

func TestRegisterSchemaVersionRejectMode(t *testing.T) {
	e := newEnvWith(t, options{reject: true})
	e.createAvroSchema(t, "r", "strict", types.CompatibilityBackward)
	_, err := e.client.RegisterSchemaVersion(ctx, &awsglue.RegisterSchemaVersionInput{SchemaId: schID("r", "strict"), SchemaDefinition: aws.String(avroV2Required)})
	wantErr[*types.InvalidInputException](t, err, "not compatible", "READER_FIELD_MISSING_DEFAULT_VALUE", "settlement_currency")

	// The raw error body carries the reasons.
	body, _ := json.Marshal(map[string]any{"SchemaId": map[string]string{"RegistryName": "r", "SchemaName": "strict"}, "SchemaDefinition": avroV2Required})
	r := e.post(t, "AWSGlue.RegisterSchemaVersion", body)
	var eb struct {
		Incompatibilities []struct{ Rule string }
	}
	if err := json.Unmarshal(r.body, &eb); err != nil || r.status != 400 || r.errType != "InvalidInputException" ||
		len(eb.Incompatibilities) == 0 || eb.Incompatibilities[0].Rule != "READER_FIELD_MISSING_DEFAULT_VALUE" {
		t.Errorf("refusal = %d %s", r.status, r.body)
	}
	// Nothing was stored: the schema still has one version.
	sc := must[*awsglue.GetSchemaOutput](t)(e.client.GetSchema(ctx, &awsglue.GetSchemaInput{SchemaId: schID("r", "strict")}))
	if aws.ToInt64(sc.LatestSchemaVersion) != 1 {
		t.Errorf("LatestSchemaVersion = %d; want 1", aws.ToInt64(sc.LatestSchemaVersion))
	}
	// Compatible versions pass.
	ok := must[*awsglue.RegisterSchemaVersionOutput](t)(e.client.RegisterSchemaVersion(ctx, &awsglue.RegisterSchemaVersionInput{SchemaId: schID("r", "strict"), SchemaDefinition: aws.String(avroV2Optional)}))
	if ok.Status != types.SchemaVersionStatusAvailable || aws.ToInt64(ok.VersionNumber) != 2 {
		t.Errorf("compatible registration = %+v", ok)
	}
}

// JSON Schema and Protobuf versions are checked at registration like Avro: a compatible change is
// AVAILABLE, a breaking one a FAILURE with its reasons, and NONE checks nothing.
func TestRegisterSchemaVersionChecksEveryFormat(t *testing.T) {
	e := newEnv(t)
	c := e.client
	formats := []struct {
		format           types.DataFormat
		v1, v2, breaking string
		rule             string
	}{
		{types.DataFormatJson,
			`{"type":"object","properties":{"id":{"type":"string"}},"additionalProperties":false}`,
			`{"type":"object","description":"a payment","properties":{"id":{"type":"string"}},"additionalProperties":false}`,
			`{"type":"object","properties":{"id":{"type":"integer"}},"additionalProperties":false}`,
			"TYPE_CHANGED"},
		{types.DataFormatProtobuf,
			"syntax = \"proto3\";\nmessage A { string id = 1; }\n",
			"syntax = \"proto3\";\nmessage A { string id = 1; int64 n = 2; }\n",
			"syntax = \"proto3\";\nmessage A { int64 id = 1; int64 n = 2; }\n",
			"FIELD_SCALAR_KIND_CHANGED"},
	}
	for _, f := range formats {
		for _, mode := range []types.Compatibility{types.CompatibilityBackward, types.CompatibilityFullAll, types.CompatibilityNone} {
			name := strings.ToLower(string(f.format) + "-" + string(mode))
			out := must[*awsglue.CreateSchemaOutput](t)(c.CreateSchema(ctx, &awsglue.CreateSchemaInput{
				SchemaName: aws.String(name), DataFormat: f.format, Compatibility: mode, SchemaDefinition: aws.String(f.v1),
			}))
			if out.SchemaVersionStatus != types.SchemaVersionStatusAvailable {
				t.Fatalf("CreateSchema(%s) = %+v", name, out)
			}
			res, err := c.RegisterSchemaVersion(ctx, &awsglue.RegisterSchemaVersionInput{SchemaId: schID("default-registry", name), SchemaDefinition: aws.String(f.v2)})
			if err != nil || res.Status != types.SchemaVersionStatusAvailable || aws.ToInt64(res.VersionNumber) != 2 {
				t.Errorf("compatible RegisterSchemaVersion(%s) = %+v, %v", name, res, err)
			}
			bad, err := c.RegisterSchemaVersion(ctx, &awsglue.RegisterSchemaVersionInput{SchemaId: schID("default-registry", name), SchemaDefinition: aws.String(f.breaking)})
			if err != nil {
				t.Fatalf("breaking RegisterSchemaVersion(%s): %v", name, err)
			}
			want := types.SchemaVersionStatusFailure
			if mode == types.CompatibilityNone {
				want = types.SchemaVersionStatusAvailable
			}
			if bad.Status != want || aws.ToInt64(bad.VersionNumber) != 3 {
				t.Errorf("breaking RegisterSchemaVersion(%s) = %s %d, want %s 3", name, bad.Status, aws.ToInt64(bad.VersionNumber), want)
			}
			if want != types.SchemaVersionStatusFailure {
				continue
			}
			raw := string(e.post(t, "AWSGlue.GetSchemaVersion", []byte(fmt.Sprintf(`{"SchemaVersionId":%q}`, aws.ToString(bad.SchemaVersionId)))).body)
			if !strings.Contains(raw, `"Rule":"`+f.rule+`"`) {
				t.Errorf("%s: FAILURE version lacks %s in CartaIncompatibilities: %s", name, f.rule, raw)
			}
		}
	}
}

func TestGetSchemaVersion(t *testing.T) {
	e := newEnv(t)
	c := e.client
	created := e.createAvroSchema(t, "r", "s", types.CompatibilityBackward)
	v2 := must[*awsglue.RegisterSchemaVersionOutput](t)(c.RegisterSchemaVersion(ctx, &awsglue.RegisterSchemaVersionInput{SchemaId: schID("r", "s"), SchemaDefinition: aws.String(avroV2Optional)}))

	byID := must[*awsglue.GetSchemaVersionOutput](t)(c.GetSchemaVersion(ctx, &awsglue.GetSchemaVersionInput{SchemaVersionId: created.SchemaVersionId}))
	if aws.ToString(byID.SchemaDefinition) != avroV1 || byID.DataFormat != types.DataFormatAvro || aws.ToInt64(byID.VersionNumber) != 1 ||
		byID.Status != types.SchemaVersionStatusAvailable || aws.ToString(byID.SchemaArn) != aws.ToString(created.SchemaArn) || byID.CreatedTime == nil {
		t.Errorf("GetSchemaVersion by ID = %+v", byID)
	}
	byNum := must[*awsglue.GetSchemaVersionOutput](t)(c.GetSchemaVersion(ctx, &awsglue.GetSchemaVersionInput{SchemaId: schID("r", "s"), SchemaVersionNumber: num(2)}))
	if aws.ToString(byNum.SchemaVersionId) != aws.ToString(v2.SchemaVersionId) {
		t.Errorf("GetSchemaVersion by number = %+v", byNum)
	}
	byLatest := must[*awsglue.GetSchemaVersionOutput](t)(c.GetSchemaVersion(ctx, &awsglue.GetSchemaVersionInput{SchemaId: &types.SchemaId{SchemaArn: created.SchemaArn}, SchemaVersionNumber: latest()}))
	if aws.ToInt64(byLatest.VersionNumber) != 2 {
		t.Errorf("GetSchemaVersion latest = %+v", byLatest)
	}

	notFound := []*awsglue.GetSchemaVersionInput{
		{SchemaVersionId: aws.String("00000000-0000-4000-8000-000000000000")},
		{SchemaId: schID("r", "s"), SchemaVersionNumber: num(3)},
	}
	for _, in := range notFound {
		_, err := c.GetSchemaVersion(ctx, in)
		wantErr[*types.EntityNotFoundException](t, err, "Schema version is not found.")
	}
	_, err := c.GetSchemaVersion(ctx, &awsglue.GetSchemaVersionInput{SchemaId: schID("r", "nope"), SchemaVersionNumber: latest()})
	wantErr[*types.EntityNotFoundException](t, err, "Schema is not found.")

	invalid := []struct {
		in   *awsglue.GetSchemaVersionInput
		want string
	}{
		{&awsglue.GetSchemaVersionInput{}, "has to be provided"},
		{&awsglue.GetSchemaVersionInput{SchemaVersionId: created.SchemaVersionId, SchemaId: schID("r", "s")}, "No other input parameters can be specified when fetching by SchemaVersionId."},
		{&awsglue.GetSchemaVersionInput{SchemaVersionId: created.SchemaVersionId, SchemaVersionNumber: num(1)}, "No other input parameters can be specified when fetching by SchemaVersionId."},
		{&awsglue.GetSchemaVersionInput{SchemaId: schID("r", "s")}, "One of version number (or) latest version is required."},
		{&awsglue.GetSchemaVersionInput{SchemaVersionNumber: num(1)}, "At least one of (registryName and schemaName) or schemaArn"},
		{&awsglue.GetSchemaVersionInput{SchemaId: schID("r", "s"), SchemaVersionNumber: &types.SchemaVersionNumber{LatestVersion: true, VersionNumber: aws.Int64(1)}}, "Only one of VersionNumber or LatestVersion is required."},
		{&awsglue.GetSchemaVersionInput{SchemaId: schID("r", "s"), SchemaVersionNumber: &types.SchemaVersionNumber{}}, "One of version number (or) latest version is required."},
		{&awsglue.GetSchemaVersionInput{SchemaId: schID("r", "s"), SchemaVersionNumber: num(0)}, "Parameter Name: versionNumber"},
		{&awsglue.GetSchemaVersionInput{SchemaId: schID("r", "s"), SchemaVersionNumber: num(100001)}, "Parameter Name: versionNumber"},
		{&awsglue.GetSchemaVersionInput{SchemaVersionId: aws.String(strings.ToUpper(aws.ToString(created.SchemaVersionId)))}, "Parameter Name: schemaVersionId"},
		{&awsglue.GetSchemaVersionInput{SchemaVersionId: aws.String("not-a-uuid")}, "Parameter Name: schemaVersionId"},
	}
	for _, tc := range invalid {
		_, err := c.GetSchemaVersion(ctx, tc.in)
		wantErr[*types.InvalidInputException](t, err, tc.want)
	}
}

func TestGetSchemaByDefinition(t *testing.T) {
	e := newEnv(t)
	c := e.client
	created := e.createAvroSchema(t, "r", "s", types.CompatibilityBackward)
	// Formatting differences do not matter.
	pretty := strings.ReplaceAll(avroV1, ",", ",\n  ")
	got := must[*awsglue.GetSchemaByDefinitionOutput](t)(c.GetSchemaByDefinition(ctx, &awsglue.GetSchemaByDefinitionInput{SchemaId: schID("r", "s"), SchemaDefinition: aws.String(pretty)}))
	if aws.ToString(got.SchemaVersionId) != aws.ToString(created.SchemaVersionId) || got.Status != types.SchemaVersionStatusAvailable ||
		got.DataFormat != types.DataFormatAvro || aws.ToString(got.SchemaArn) != aws.ToString(created.SchemaArn) || got.CreatedTime == nil {
		t.Errorf("GetSchemaByDefinition = %+v", got)
	}
	_, err := c.GetSchemaByDefinition(ctx, &awsglue.GetSchemaByDefinitionInput{SchemaId: schID("r", "s"), SchemaDefinition: aws.String(avroV2Optional)})
	wantErr[*types.EntityNotFoundException](t, err, "Schema version is not found.")
	_, err = c.GetSchemaByDefinition(ctx, &awsglue.GetSchemaByDefinitionInput{SchemaId: schID("r", "nope"), SchemaDefinition: aws.String(avroV1)})
	wantErr[*types.EntityNotFoundException](t, err, "Schema is not found.")
	_, err = c.GetSchemaByDefinition(ctx, &awsglue.GetSchemaByDefinitionInput{SchemaId: schID("r", "s"), SchemaDefinition: aws.String("{")})
	wantErr[*types.InvalidInputException](t, err, "AVRO")
}

func TestListSchemaVersionsAndDiff(t *testing.T) {
	e := newEnv(t)
	c := e.client
	e.createAvroSchema(t, "r", "s", types.CompatibilityBackward)
	must[*awsglue.RegisterSchemaVersionOutput](t)(c.RegisterSchemaVersion(ctx, &awsglue.RegisterSchemaVersionInput{SchemaId: schID("r", "s"), SchemaDefinition: aws.String(avroV2Required)}))
	must[*awsglue.RegisterSchemaVersionOutput](t)(c.RegisterSchemaVersion(ctx, &awsglue.RegisterSchemaVersionInput{SchemaId: schID("r", "s"), SchemaDefinition: aws.String(avroV2Optional)}))

	list := must[*awsglue.ListSchemaVersionsOutput](t)(c.ListSchemaVersions(ctx, &awsglue.ListSchemaVersionsInput{SchemaId: schID("r", "s")}))
	var statuses []string
	for _, v := range list.Schemas {
		statuses = append(statuses, string(v.Status))
		if aws.ToString(v.SchemaArn) != "arn:aws:glue:us-east-1:123456789012:schema/r/s" || v.CreatedTime == nil || len(aws.ToString(v.SchemaVersionId)) != 36 {
			t.Errorf("list item = %+v", v)
		}
	}
	if strings.Join(statuses, ",") != "AVAILABLE,FAILURE,AVAILABLE" || list.NextToken != nil {
		t.Errorf("ListSchemaVersions statuses = %v, NextToken %v", statuses, list.NextToken)
	}
	_, err := c.ListSchemaVersions(ctx, &awsglue.ListSchemaVersionsInput{SchemaId: schID("r", "nope")})
	wantErr[*types.EntityNotFoundException](t, err, "Schema is not found.")

	diff := must[*awsglue.GetSchemaVersionsDiffOutput](t)(c.GetSchemaVersionsDiff(ctx, &awsglue.GetSchemaVersionsDiffInput{
		SchemaId: schID("r", "s"), FirstSchemaVersionNumber: num(1), SecondSchemaVersionNumber: latest(), SchemaDiffType: types.SchemaDiffTypeSyntaxDiff,
	}))
	if d := aws.ToString(diff.Diff); !strings.Contains(d, "+") || !strings.Contains(d, "settlement_currency") {
		t.Errorf("Diff = %q", d)
	}
	// The model's Diff has at least one character, so a version against itself is refused.
	_, err = c.GetSchemaVersionsDiff(ctx, &awsglue.GetSchemaVersionsDiffInput{
		SchemaId: schID("r", "s"), FirstSchemaVersionNumber: num(1), SecondSchemaVersionNumber: num(1), SchemaDiffType: types.SchemaDiffTypeSyntaxDiff,
	})
	wantErr[*types.InvalidInputException](t, err, "FirstSchemaVersionNumber and SecondSchemaVersionNumber name the same version")
	_, err = c.GetSchemaVersionsDiff(ctx, &awsglue.GetSchemaVersionsDiffInput{
		SchemaId: schID("r", "s"), FirstSchemaVersionNumber: num(1), SecondSchemaVersionNumber: num(9), SchemaDiffType: types.SchemaDiffTypeSyntaxDiff,
	})
	wantErr[*types.EntityNotFoundException](t, err, "Schema version is not found.")
	_, err = c.GetSchemaVersionsDiff(ctx, &awsglue.GetSchemaVersionsDiffInput{
		SchemaId: schID("r", "s"), FirstSchemaVersionNumber: num(1), SecondSchemaVersionNumber: num(2), SchemaDiffType: "SEMANTIC_DIFF",
	})
	wantErr[*types.InvalidInputException](t, err, "SYNTAX_DIFF")
	_, err = c.GetSchemaVersionsDiff(ctx, &awsglue.GetSchemaVersionsDiffInput{
		SchemaId: schID("r", "s"), FirstSchemaVersionNumber: &types.SchemaVersionNumber{}, SecondSchemaVersionNumber: num(2), SchemaDiffType: types.SchemaDiffTypeSyntaxDiff,
	})
	wantErr[*types.InvalidInputException](t, err, "One of version number (or) latest version is required.")
}

func TestCheckSchemaVersionValidity(t *testing.T) {
	e := newEnv(t)
	c := e.client
	ok := must[*awsglue.CheckSchemaVersionValidityOutput](t)(c.CheckSchemaVersionValidity(ctx, &awsglue.CheckSchemaVersionValidityInput{DataFormat: types.DataFormatAvro, SchemaDefinition: aws.String(avroV1)}))
	if !ok.Valid || ok.Error != nil {
		t.Errorf("valid Avro = %+v", ok)
	}
	bad := must[*awsglue.CheckSchemaVersionValidityOutput](t)(c.CheckSchemaVersionValidity(ctx, &awsglue.CheckSchemaVersionValidityInput{DataFormat: types.DataFormatAvro, SchemaDefinition: aws.String(`{"type":"record","name":"x"}`)}))
	if bad.Valid || !strings.Contains(aws.ToString(bad.Error), "AVRO") {
		t.Errorf("invalid Avro = %+v", bad)
	}
	jsonOK := must[*awsglue.CheckSchemaVersionValidityOutput](t)(c.CheckSchemaVersionValidity(ctx, &awsglue.CheckSchemaVersionValidityInput{DataFormat: types.DataFormatJson, SchemaDefinition: aws.String(`{"type":"object"}`)}))
	if !jsonOK.Valid {
		t.Errorf("valid JSON Schema = %+v", jsonOK)
	}
	_, err := c.CheckSchemaVersionValidity(ctx, &awsglue.CheckSchemaVersionValidityInput{DataFormat: "YAML", SchemaDefinition: aws.String(avroV1)})
	wantErr[*types.InvalidInputException](t, err, "Data format is not valid.")
	_, err = c.CheckSchemaVersionValidity(ctx, &awsglue.CheckSchemaVersionValidityInput{DataFormat: types.DataFormatAvro, SchemaDefinition: aws.String(" ")})
	wantErr[*types.InvalidInputException](t, err, "Parameter Name: schemaDefinition")
}

func TestDeleteSchemaVersions(t *testing.T) {
	e := newEnv(t)
	c := e.client
	e.createAvroSchema(t, "r", "s", types.CompatibilityNone)
	id := schID("r", "s")
	for i := range 4 {
		def := strings.Replace(avroV1, `"fields":[`, `"fields":[{"name":"f`+string(rune('a'+i))+`","type":"int","default":0},`, 1)
		must[*awsglue.RegisterSchemaVersionOutput](t)(c.RegisterSchemaVersion(ctx, &awsglue.RegisterSchemaVersionInput{SchemaId: id, SchemaDefinition: aws.String(def)}))
	}
	// Versions 1..5; checkpoint 1. Delete 2-3 and 9 (absent) and 1 (protected).
	out := must[*awsglue.DeleteSchemaVersionsOutput](t)(c.DeleteSchemaVersions(ctx, &awsglue.DeleteSchemaVersionsInput{SchemaId: id, Versions: aws.String("2-3")}))
	if len(out.SchemaVersionErrors) != 0 {
		t.Errorf("DeleteSchemaVersions(2-3) errors = %+v", out.SchemaVersionErrors)
	}
	out = must[*awsglue.DeleteSchemaVersionsOutput](t)(c.DeleteSchemaVersions(ctx, &awsglue.DeleteSchemaVersionsInput{SchemaId: id, Versions: aws.String("1-3")}))
	codes := map[int64]string{}
	for _, ve := range out.SchemaVersionErrors {
		codes[aws.ToInt64(ve.VersionNumber)] = aws.ToString(ve.ErrorDetails.ErrorCode)
		if ve.ErrorDetails.ErrorMessage == nil {
			t.Errorf("error item without message: %+v", ve)
		}
	}
	// Version 1 is the checkpoint too: the checkpoint rule answers first.
	if codes[1] == "" || codes[2] != "EntityNotFoundException" || codes[3] != "EntityNotFoundException" {
		t.Errorf("DeleteSchemaVersions(1-3) errors = %v", codes)
	}
	// Move the checkpoint to 5: it becomes protected; 4 can go.
	must[*awsglue.UpdateSchemaOutput](t)(c.UpdateSchema(ctx, &awsglue.UpdateSchemaInput{SchemaId: id, SchemaVersionNumber: num(5)}))
	out = must[*awsglue.DeleteSchemaVersionsOutput](t)(c.DeleteSchemaVersions(ctx, &awsglue.DeleteSchemaVersionsInput{SchemaId: id, Versions: aws.String("4-5")}))
	if len(out.SchemaVersionErrors) != 1 || aws.ToInt64(out.SchemaVersionErrors[0].VersionNumber) != 5 ||
		aws.ToString(out.SchemaVersionErrors[0].ErrorDetails.ErrorCode) != "ConcurrentModificationException" ||
		!strings.Contains(aws.ToString(out.SchemaVersionErrors[0].ErrorDetails.ErrorMessage), "checkpoint") {
		t.Errorf("DeleteSchemaVersions(4-5) errors = %+v", out.SchemaVersionErrors)
	}
	out = must[*awsglue.DeleteSchemaVersionsOutput](t)(c.DeleteSchemaVersions(ctx, &awsglue.DeleteSchemaVersionsInput{SchemaId: id, Versions: aws.String("1")}))
	if len(out.SchemaVersionErrors) != 1 || aws.ToString(out.SchemaVersionErrors[0].ErrorDetails.ErrorCode) != "InvalidInputException" {
		t.Errorf("DeleteSchemaVersions(1) errors = %+v", out.SchemaVersionErrors)
	}
	list := must[*awsglue.ListSchemaVersionsOutput](t)(c.ListSchemaVersions(ctx, &awsglue.ListSchemaVersionsInput{SchemaId: id}))
	var left []int64
	for _, v := range list.Schemas {
		left = append(left, aws.ToInt64(v.VersionNumber))
	}
	if len(left) != 2 || left[0] != 1 || left[1] != 5 {
		t.Errorf("versions left = %v; want [1 5]", left)
	}

	for _, spec := range []string{"0", "01", "1-", "-1", "a", "1,2", "1 - 2", "3-2"} {
		_, err := c.DeleteSchemaVersions(ctx, &awsglue.DeleteSchemaVersionsInput{SchemaId: id, Versions: aws.String(spec)})
		wantErr[*types.InvalidInputException](t, err)
	}
	_, err := c.DeleteSchemaVersions(ctx, &awsglue.DeleteSchemaVersionsInput{SchemaId: schID("r", "nope"), Versions: aws.String("2")})
	wantErr[*types.EntityNotFoundException](t, err, "Schema is not found.")
}

// TestConcurrentRegistration: producers racing to register the same definition get one version.
func TestConcurrentRegistration(t *testing.T) {
	e := newEnv(t)
	e.createAvroSchema(t, "r", "s", types.CompatibilityBackward)
	const n = 8
	ids := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			out, err := e.client.RegisterSchemaVersion(ctx, &awsglue.RegisterSchemaVersionInput{SchemaId: schID("r", "s"), SchemaDefinition: aws.String(avroV2Optional)})
			if err == nil {
				ids[i] = aws.ToString(out.SchemaVersionId)
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("registration %d: %v", i, errs[i])
		}
		if ids[i] != ids[0] {
			t.Errorf("registration %d got version %s; registration 0 got %s", i, ids[i], ids[0])
		}
	}
	sc := must[*awsglue.GetSchemaOutput](t)(e.client.GetSchema(ctx, &awsglue.GetSchemaInput{SchemaId: schID("r", "s")}))
	if aws.ToInt64(sc.LatestSchemaVersion) != 2 {
		t.Errorf("LatestSchemaVersion = %d; want 2", aws.ToInt64(sc.LatestSchemaVersion))
	}
}
