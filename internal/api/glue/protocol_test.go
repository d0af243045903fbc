package glue_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"

	awsglue "github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
)

var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// checkEnvelope asserts the headers every answer carries, and the error headers and body.
func checkEnvelope(t *testing.T, r rawResponse, wantStatus int, wantType string) {
	t.Helper()
	if r.status != wantStatus {
		t.Errorf("status = %d; want %d (body %s)", r.status, wantStatus, truncateBody(r.body))
	}
	if r.status >= 500 {
		t.Errorf("a server fault for a client's mistake: %s", truncateBody(r.body))
	}
	if id := r.header.Get("x-amzn-RequestId"); !uuidPattern.MatchString(id) {
		t.Errorf("x-amzn-RequestId = %q", id)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/x-amz-json-1.1" {
		t.Errorf("Content-Type = %q", ct)
	}
	if !json.Valid(r.body) {
		t.Errorf("body is not JSON: %s", truncateBody(r.body))
	}
	if wantType == "" {
		if et := r.header.Get("X-Amzn-ErrorType"); et != "" {
			t.Errorf("X-Amzn-ErrorType = %q on a success", et)
		}
		return
	}
	if r.errType != wantType || r.header.Get("X-Amzn-ErrorType") != wantType {
		t.Errorf("__type = %q, X-Amzn-ErrorType = %q; want %s (message %q)", r.errType, r.header.Get("X-Amzn-ErrorType"), wantType, r.message)
	}
	if r.message == "" {
		t.Errorf("error without a Message: %s", truncateBody(r.body))
	}
}

func truncateBody(b []byte) string {
	if len(b) > 300 {
		return string(b[:300]) + "..."
	}
	return string(b)
}

func TestProtocolErrors(t *testing.T) {
	e := newEnv(t)
	e.createAvroSchema(t, "r", "s", "BACKWARD")
	long := strings.Repeat("n", 256)
	bigDef, _ := json.Marshal(strings.Repeat("x", 170001))
	nested, _ := json.Marshal(strings.Repeat("[", 100000))
	nestedObj, _ := json.Marshal(strings.Repeat(`{"type":`, 20000) + `"int"` + strings.Repeat("}", 20000))

	cases := []struct {
		name, target, body string
		status             int
		errType, message   string
	}{
		{"malformed JSON", "AWSGlue.CreateRegistry", `{"RegistryName":`, 400, "SerializationException", ""},
		{"not an object", "AWSGlue.CreateRegistry", `["RegistryName"]`, 400, "SerializationException", ""},
		{"null body", "AWSGlue.ListRegistries", `null`, 400, "SerializationException", ""},
		{"trailing data", "AWSGlue.ListRegistries", `{}{}`, 400, "SerializationException", ""},
		{"wrong member type", "AWSGlue.CreateRegistry", `{"RegistryName": 5}`, 400, "SerializationException", "RegistryName"},
		{"wrong nested type", "AWSGlue.GetRegistry", `{"RegistryId": "r"}`, 400, "SerializationException", "RegistryId"},
		{"wrong map type", "AWSGlue.CreateRegistry", `{"RegistryName":"x","Tags":["a"]}`, 400, "SerializationException", "Tags"},
		{"wrong map value type", "AWSGlue.CreateRegistry", `{"RegistryName":"x","Tags":{"a":1}}`, 400, "SerializationException", "Tags"},
		{"fractional number", "AWSGlue.ListRegistries", `{"MaxResults": 1.5}`, 400, "SerializationException", "MaxResults"},
		{"huge number", "AWSGlue.ListRegistries", `{"MaxResults": 1e400}`, 400, "SerializationException", "MaxResults"},
		{"boolean as string", "AWSGlue.GetSchemaVersion", `{"SchemaId":{"RegistryName":"r","SchemaName":"s"},"SchemaVersionNumber":{"LatestVersion":"true"}}`, 400, "SerializationException", "LatestVersion"},
		{"unknown target", "AWSGlue.GetDatabases", `{}`, 400, "UnknownOperationException", "GetDatabases"},
		{"another service", "Kinesis_20131202.ListStreams", `{}`, 400, "UnknownOperationException", ""},
		{"missing target", "", `{}`, 400, "UnknownOperationException", "X-Amz-Target"},
		{"empty body", "AWSGlue.ListRegistries", ``, 200, "", ""},
		{"unknown members ignored", "AWSGlue.ListRegistries", `{"Whatever": [1,2,3]}`, 200, "", ""},
		{"missing RegistryName", "AWSGlue.CreateRegistry", `{}`, 400, "InvalidInputException", "registryName"},
		{"missing RegistryId", "AWSGlue.GetRegistry", `{}`, 400, "InvalidInputException", "registryId"},
		{"missing SchemaId", "AWSGlue.GetSchema", `{}`, 400, "InvalidInputException", "schemaId"},
		{"missing SchemaName", "AWSGlue.CreateSchema", `{"DataFormat":"AVRO"}`, 400, "InvalidInputException", "schemaName"},
		{"missing DataFormat", "AWSGlue.CreateSchema", `{"SchemaName":"x"}`, 400, "InvalidInputException", "dataFormat"},
		{"missing definition", "AWSGlue.RegisterSchemaVersion", `{"SchemaId":{"RegistryName":"r","SchemaName":"s"}}`, 400, "InvalidInputException", "schemaDefinition"},
		{"missing Versions", "AWSGlue.DeleteSchemaVersions", `{"SchemaId":{"RegistryName":"r","SchemaName":"s"}}`, 400, "InvalidInputException", "versions"},
		{"missing diff type", "AWSGlue.GetSchemaVersionsDiff", `{"SchemaId":{"RegistryName":"r","SchemaName":"s"},"FirstSchemaVersionNumber":{"VersionNumber":1},"SecondSchemaVersionNumber":{"VersionNumber":1}}`, 400, "InvalidInputException", "schemaDiffType"},
		{"missing second version", "AWSGlue.GetSchemaVersionsDiff", `{"SchemaId":{"RegistryName":"r","SchemaName":"s"},"FirstSchemaVersionNumber":{"VersionNumber":1},"SchemaDiffType":"SYNTAX_DIFF"}`, 400, "InvalidInputException", "secondSchemaVersionNumber"},
		{"missing metadata pair", "AWSGlue.PutSchemaVersionMetadata", `{"SchemaId":{"RegistryName":"r","SchemaName":"s"},"SchemaVersionNumber":{"LatestVersion":true}}`, 400, "InvalidInputException", "metadataKeyValue"},
		{"missing ResourceArn", "AWSGlue.GetTags", `{}`, 400, "InvalidInputException", "resourceArn"},
		{"missing TagsToAdd", "AWSGlue.TagResource", `{"ResourceArn":"arn:aws:glue:us-east-1:123456789012:registry/r"}`, 400, "InvalidInputException", "tagsToAdd"},
		{"missing TagsToRemove", "AWSGlue.UntagResource", `{"ResourceArn":"arn:aws:glue:us-east-1:123456789012:registry/r"}`, 400, "InvalidInputException", "tagsToRemove"},
		{"missing validity format", "AWSGlue.CheckSchemaVersionValidity", `{"SchemaDefinition":"{}"}`, 400, "InvalidInputException", "dataFormat"},
		{"invalid name", "AWSGlue.CreateRegistry", `{"RegistryName":"bad name!"}`, 400, "InvalidInputException", "Parameter Name: registryName"},
		{"256-character name", "AWSGlue.CreateRegistry", `{"RegistryName":"` + long + `"}`, 400, "InvalidInputException", "The resource name contains too many or too few characters. Parameter Name: registryName"},
		{"256-character schema name", "AWSGlue.GetSchema", `{"SchemaId":{"RegistryName":"r","SchemaName":"` + long + `"}}`, 400, "InvalidInputException", "Parameter Name: schemaName"},
		{"upper-case UUID", "AWSGlue.GetSchemaVersion", `{"SchemaVersionId":"0A1B2C3D-0000-4000-8000-000000000000"}`, 400, "InvalidInputException", "Parameter Name: schemaVersionId"},
		{"short UUID", "AWSGlue.GetSchemaVersion", `{"SchemaVersionId":"0a1b2c3d"}`, 400, "InvalidInputException", "Parameter Name: schemaVersionId"},
		{"170,001-character definition", "AWSGlue.RegisterSchemaVersion", `{"SchemaId":{"RegistryName":"r","SchemaName":"s"},"SchemaDefinition":` + string(bigDef) + `}`, 400, "InvalidInputException", "Parameter Name: schemaDefinition"},
		{"deeply nested definition", "AWSGlue.RegisterSchemaVersion", `{"SchemaId":{"RegistryName":"r","SchemaName":"s"},"SchemaDefinition":` + string(nested) + `}`, 400, "InvalidInputException", ""},
		{"deeply nested object definition", "AWSGlue.CreateSchema", `{"SchemaName":"deep","DataFormat":"AVRO","SchemaDefinition":` + string(nestedObj) + `}`, 400, "InvalidInputException", ""},
		{"deeply nested JSON Schema", "AWSGlue.CreateSchema", `{"SchemaName":"deepjson","DataFormat":"JSON","SchemaDefinition":` + string(nested) + `}`, 400, "InvalidInputException", ""},
		{"deeply nested request", "AWSGlue.ListRegistries", `{"X":` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + `}`, 400, "SerializationException", ""},
		{"empty NextToken", "AWSGlue.ListRegistries", `{"NextToken":""}`, 400, "InvalidInputException", "Invalid NextToken"},
		{"negative version", "AWSGlue.GetSchemaVersion", `{"SchemaId":{"RegistryName":"r","SchemaName":"s"},"SchemaVersionNumber":{"VersionNumber":-1}}`, 400, "InvalidInputException", "versionNumber"},
		{"LatestVersion false alone", "AWSGlue.GetSchemaVersion", `{"SchemaId":{"RegistryName":"r","SchemaName":"s"},"SchemaVersionNumber":{"LatestVersion":false}}`, 400, "InvalidInputException", "One of version number (or) latest version is required."},
		{"null members are absent", "AWSGlue.CreateRegistry", `{"RegistryName":null}`, 400, "InvalidInputException", "registryName"},
		{"non-Glue ARN", "AWSGlue.GetSchema", `{"SchemaId":{"SchemaArn":"arn:aws:iam::123456789012:role/x"}}`, 400, "InvalidInputException", "schemaArn"},
		{"ARN without resource", "AWSGlue.GetSchema", `{"SchemaId":{"SchemaArn":"arn:aws:glue:us-east-1:123456789012"}}`, 400, "InvalidInputException", "schemaArn"},
		{"ARN of another account", "AWSGlue.GetSchema", `{"SchemaId":{"SchemaArn":"arn:aws:glue:us-east-1:000000000000:schema/r/s"}}`, 400, "EntityNotFoundException", "Schema is not found."},
		{"ARN of another partition", "AWSGlue.GetSchema", `{"SchemaId":{"SchemaArn":"arn:aws-cn:glue:cn-north-1:123456789012:schema/r/s"}}`, 400, "EntityNotFoundException", "Schema is not found."},
		{"bad enum", "AWSGlue.CreateSchema", `{"SchemaName":"x","DataFormat":"avro"}`, 400, "InvalidInputException", "Data format is not valid."},
		{"invalid UTF-8 in a name", "AWSGlue.CreateRegistry", "{\"RegistryName\":\"a\xff\"}", 400, "InvalidInputException", "registryName"},
		{"NUL in a description", "AWSGlue.CreateRegistry", `{"RegistryName":"nul","Description":"a\u0000b"}`, 400, "InvalidInputException", "description"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := e.post(t, tc.target, []byte(tc.body))
			checkEnvelope(t, r, tc.status, tc.errType)
			if !strings.Contains(r.message, tc.message) {
				t.Errorf("Message = %q; want it to contain %q", r.message, tc.message)
			}
		})
	}
}

func TestProtocolEnvelope(t *testing.T) {
	e := newEnv(t)

	t.Run("oversize body", func(t *testing.T) {
		body := bytes.Repeat([]byte(" "), 3<<20)
		copy(body, `{"RegistryName":"x"}`)
		r := e.post(t, "AWSGlue.CreateRegistry", body)
		checkEnvelope(t, r, 400, "InvalidInputException")
		if !strings.Contains(r.message, "larger than") {
			t.Errorf("Message = %q", r.message)
		}
	})
	t.Run("GET /", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/", nil)
		r := do(t, req)
		checkEnvelope(t, r, http.StatusMethodNotAllowed, "UnknownOperationException")
		if r.header.Get("Allow") != "POST" {
			t.Errorf("Allow = %q", r.header.Get("Allow"))
		}
	})
	t.Run("GET elsewhere", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/subjects", nil)
		checkEnvelope(t, do(t, req), http.StatusNotFound, "UnknownOperationException")
	})
	t.Run("POST elsewhere", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/v1/registries", strings.NewReader(`{}`))
		req.Header.Set("X-Amz-Target", "AWSGlue.ListRegistries")
		checkEnvelope(t, do(t, req), 400, "UnknownOperationException")
	})
	t.Run("application/json", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/", strings.NewReader(`{}`))
		req.Header.Set("X-Amz-Target", "AWSGlue.ListRegistries")
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
		checkEnvelope(t, do(t, req), 200, "")
	})
	t.Run("other content type", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/", strings.NewReader(`{}`))
		req.Header.Set("X-Amz-Target", "AWSGlue.ListRegistries")
		req.Header.Set("Content-Type", "text/xml")
		checkEnvelope(t, do(t, req), 400, "SerializationException")
	})
	t.Run("success", func(t *testing.T) {
		r := e.post(t, "AWSGlue.GetRegistry", []byte(`{"RegistryId":{"RegistryName":"default-registry"}}`))
		checkEnvelope(t, r, 200, "")
		var out map[string]any
		if err := json.Unmarshal(r.body, &out); err != nil {
			t.Fatal(err)
		}
		if _, ok := out["Description"]; ok {
			t.Errorf("empty Description not omitted: %s", r.body)
		}
		created, _ := out["CreatedTime"].(string)
		if !regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`).MatchString(created) {
			t.Errorf("CreatedTime = %v", out["CreatedTime"])
		}
	})
	t.Run("request IDs differ", func(t *testing.T) {
		a := e.post(t, "AWSGlue.ListRegistries", nil)
		b := e.post(t, "AWSGlue.ListRegistries", nil)
		if a.header.Get("x-amzn-RequestId") == b.header.Get("x-amzn-RequestId") {
			t.Error("two requests share a request ID")
		}
	})
	t.Run("SigV4 region", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/", strings.NewReader(`{"RegistryId":{"RegistryName":"default-registry"}}`))
		req.Header.Set("X-Amz-Target", "AWSGlue.GetRegistry")
		req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261123/ap-southeast-2/glue/aws4_request, SignedHeaders=host;x-amz-date, Signature=00")
		r := do(t, req)
		checkEnvelope(t, r, 200, "")
		if !bytes.Contains(r.body, []byte(`"arn:aws:glue:ap-southeast-2:123456789012:registry/default-registry"`)) {
			t.Errorf("body = %s", r.body)
		}
	})
}

// syncBuffer is a log sink shared with the server's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestInternalError: a fault of the store is the only way to a 500, which says "internal
// error" to the caller and logs the cause with the request ID.
func TestInternalError(t *testing.T) {
	var logs syncBuffer
	e := newEnvWith(t, options{logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err := e.db.Close(); err != nil {
		t.Fatal(err)
	}
	r := e.post(t, "AWSGlue.GetRegistry", []byte(`{"RegistryId":{"RegistryName":"default-registry"}}`))
	if r.status != 500 || r.errType != "InternalServiceException" || r.message != "internal error" ||
		r.header.Get("X-Amzn-ErrorType") != "InternalServiceException" {
		t.Fatalf("answer = %d %s", r.status, r.body)
	}
	id := r.header.Get("x-amzn-RequestId")
	if !strings.Contains(logs.String(), id) {
		t.Errorf("the log does not name request %s:\n%s", id, logs.String())
	}
	// The SDK sees the typed error.
	_, err := e.client.GetRegistry(ctx, &awsglue.GetRegistryInput{RegistryId: regID("default-registry")})
	wantErr[*types.InternalServiceException](t, err, "internal error")
}
