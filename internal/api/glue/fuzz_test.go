package glue_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/cartaschema/carta/internal/api/glue"
)

// FuzzHandler sends arbitrary (target, body) pairs through the handler over a real store. The
// handler must never answer 500 nor panic, and must always answer JSON; errors carry __type.
func FuzzHandler(f *testing.F) {
	seeds := map[string]string{
		"CreateRegistry":              `{"RegistryName":"fz","Description":"d","Tags":{"k":"v"}}`,
		"GetRegistry":                 `{"RegistryId":{"RegistryArn":"arn:aws:glue:us-east-1:123456789012:registry/r"}}`,
		"ListRegistries":              `{"MaxResults":2,"NextToken":"AXsibyI6Ikxpc3RSZWdpc3RyaWVzIiwibiI6InIifQ"}`,
		"UpdateRegistry":              `{"RegistryId":{"RegistryName":"r"},"Description":"x"}`,
		"DeleteRegistry":              `{"RegistryId":{"RegistryName":"gone"}}`,
		"CreateSchema":                `{"RegistryId":{"RegistryName":"r"},"SchemaName":"s2","DataFormat":"AVRO","Compatibility":"FULL_ALL","SchemaDefinition":"{\"type\":\"record\",\"name\":\"A\",\"fields\":[]}"}`,
		"GetSchema":                   `{"SchemaId":{"SchemaArn":"arn:aws:glue:us-east-1:123456789012:schema/r/s"}}`,
		"ListSchemas":                 `{"RegistryId":{"RegistryName":"r"},"MaxResults":1}`,
		"UpdateSchema":                `{"SchemaId":{"RegistryName":"r","SchemaName":"s"},"SchemaVersionNumber":{"LatestVersion":true},"Compatibility":"NONE"}`,
		"DeleteSchema":                `{"SchemaId":{"RegistryName":"r","SchemaName":"gone"}}`,
		"RegisterSchemaVersion":       `{"SchemaId":{"RegistryName":"r","SchemaName":"s"},"SchemaDefinition":"{\"type\":\"record\",\"name\":\"PaymentCaptured\",\"namespace\":\"com.example\",\"fields\":[{\"name\":\"id\",\"type\":\"string\"}]}"}`,
		"GetSchemaVersion":            `{"SchemaId":{"RegistryName":"r","SchemaName":"s"},"SchemaVersionNumber":{"VersionNumber":1}}`,
		"ListSchemaVersions":          `{"SchemaId":{"RegistryName":"r","SchemaName":"s"},"MaxResults":1}`,
		"GetSchemaByDefinition":       `{"SchemaId":{"RegistryName":"r","SchemaName":"s"},"SchemaDefinition":"\"int\""}`,
		"GetSchemaVersionsDiff":       `{"SchemaId":{"RegistryName":"r","SchemaName":"s"},"FirstSchemaVersionNumber":{"VersionNumber":1},"SecondSchemaVersionNumber":{"LatestVersion":true},"SchemaDiffType":"SYNTAX_DIFF"}`,
		"CheckSchemaVersionValidity":  `{"DataFormat":"JSON","SchemaDefinition":"{\"type\":\"object\",\"properties\":{\"a\":{\"$ref\":\"#/x\"}}}"}`,
		"DeleteSchemaVersions":        `{"SchemaId":{"RegistryName":"r","SchemaName":"s"},"Versions":"2-99999999999999999999"}`,
		"PutSchemaVersionMetadata":    `{"SchemaId":{"RegistryName":"r","SchemaName":"s"},"SchemaVersionNumber":{"LatestVersion":true},"MetadataKeyValue":{"MetadataKey":"k","MetadataValue":"v"}}`,
		"QuerySchemaVersionMetadata":  `{"SchemaId":{"RegistryName":"r","SchemaName":"s"},"SchemaVersionNumber":{"VersionNumber":1},"MetadataList":[{"MetadataKey":"k"}],"MaxResults":1}`,
		"RemoveSchemaVersionMetadata": `{"SchemaVersionId":"00000000-0000-4000-8000-000000000000","MetadataKeyValue":{"MetadataKey":"k","MetadataValue":"v"}}`,
		"TagResource":                 `{"ResourceArn":"arn:aws:glue:us-east-1:123456789012:schema/r/s","TagsToAdd":{"a":"b"}}`,
		"UntagResource":               `{"ResourceArn":"arn:aws:glue:us-east-1:123456789012:registry/r","TagsToRemove":["a"]}`,
		"GetTags":                     `{"ResourceArn":"arn:aws:glue:us-east-1:123456789012:registry/r"}`,
	}
	for _, op := range glue.Operations() {
		f.Add("AWSGlue."+op, []byte(seeds[op]))
		f.Add("AWSGlue."+op, []byte(`{}`))
	}
	f.Add("AWSGlue.CreateSchema", []byte(`{"SchemaName":"p","DataFormat":"PROTOBUF","SchemaDefinition":"syntax = \"proto3\"; message A { int32 a = 1; }"}`))
	f.Add("AWSGlue.RegisterSchemaVersion", []byte(`{"SchemaId":{"RegistryName":"r","SchemaName":"s"},"SchemaDefinition":"[[[[[[[[[[[[[[[["}`))
	f.Add("", []byte(`{`))
	f.Add("AWSGlue.", []byte(`[]`))

	e := newEnv(f)
	e.createAvroSchema(f, "r", "s", "BACKWARD")
	f.Fuzz(func(t *testing.T, target string, body []byte) {
		req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		req.Header.Set("X-Amz-Target", target)
		rec := httptest.NewRecorder()
		start := time.Now()
		e.handler.ServeHTTP(rec, req)
		if d := time.Since(start); d > 5*time.Second {
			t.Fatalf("%s %q: took %v", target, body, d)
		}
		if rec.Code >= 500 {
			t.Fatalf("%s %q: status %d: %s", target, body, rec.Code, rec.Body.Bytes())
		}
		var out map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
			t.Fatalf("%s %q: answer is not a JSON object: %v: %q", target, body, err, rec.Body.Bytes())
		}
		if rec.Code != http.StatusOK {
			if typ, _ := out["__type"].(string); typ == "" || rec.Header().Get("X-Amzn-ErrorType") != typ {
				t.Fatalf("%s %q: status %d without a consistent __type: %s", target, body, rec.Code, rec.Body.Bytes())
			}
		}
	})
}
