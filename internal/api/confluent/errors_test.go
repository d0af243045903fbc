package confluent_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestBadInput sends what a broken or hostile client sends: each is answered with its
// error_code in Confluent's JSON error shape, never a 500.
func TestBadInput(t *testing.T) {
	e := newEnvWith(t, options{maxBodyBytes: 64 << 10})
	must(e.client.CreateSchema(t.Context(), "p", avroSchema(record(fID))))(t)
	huge := strings.Repeat("x", 70<<10)
	cases := []struct {
		name, method, path string
		body               any
		status, code       int
	}{
		{"unknown route", "GET", "/nothing/here", nil, 404, 404},
		{"probe of associations", "GET", "/associations/resources/-/t?resourceType=topic&associationType=value", nil, 404, 404},
		{"unknown route under a context", "GET", "/contexts/.x/nothing", nil, 404, 404},
		{"wrong method", "PATCH", "/subjects", nil, 405, 405},
		{"wrong method on a subject", "PUT", "/subjects/p/versions", nil, 405, 405},
		{"malformed JSON", "POST", "/subjects/p/versions", `{"schema":`, 400, 400},
		{"not an object", "POST", "/subjects/p/versions", `["schema"]`, 400, 400},
		{"trailing data", "POST", "/subjects/p/versions", `{"schema":"\"int\""} {}`, 400, 400},
		{"schema of the wrong type", "POST", "/subjects/p/versions", `{"schema":1}`, 400, 400},
		{"no schema", "POST", "/subjects/p/versions", `{}`, 422, 42201},
		{"empty body", "POST", "/subjects/p/versions", ``, 422, 42201},
		{"invalid Avro", "POST", "/subjects/p/versions", map[string]any{"schema": `{"type":"record"}`}, 422, 42201},
		{"not JSON Avro", "POST", "/subjects/p/versions", map[string]any{"schema": `{{{`}, 422, 42201},
		{"invalid JSON Schema", "POST", "/subjects/j/versions", map[string]any{"schema": `{"type":7}`, "schemaType": "JSON"}, 422, 42201},
		{"invalid Protobuf", "POST", "/subjects/q/versions", map[string]any{"schema": `message {`, "schemaType": "PROTOBUF"}, 422, 42201},
		{"unknown schemaType", "POST", "/subjects/p/versions", map[string]any{"schema": `"int"`, "schemaType": "XML"}, 422, 42201},
		{"metadata not an object", "POST", "/subjects/p/versions", map[string]any{"schema": `"int"`, "metadata": []int{1}}, 422, 42201},
		{"ruleSet not an object", "POST", "/subjects/p/versions", map[string]any{"schema": `"int"`, "ruleSet": "x"}, 422, 42210},
		{"id outside IMPORT mode", "POST", "/subjects/p/versions", map[string]any{"schema": `"int"`, "id": 7}, 422, 42205},
		{"body too large", "POST", "/subjects/p/versions", map[string]any{"schema": huge}, 422, 42209},
		{"subject with a space", "POST", "/subjects/bad%20name/versions", map[string]any{"schema": `"int"`}, 422, 42208},
		{"subject with a slash", "POST", "/subjects/a%2Fb/versions", map[string]any{"schema": `"int"`}, 422, 42208},
		{"subject too long", "POST", "/subjects/" + strings.Repeat("s", 256) + "/versions", map[string]any{"schema": `"int"`}, 422, 42208},
		{"bad context", "POST", "/subjects/:.bad%20ctx:s/versions", map[string]any{"schema": `"int"`}, 422, 42208},
		{"unqualified colon", "POST", "/subjects/:nocolon/versions", map[string]any{"schema": `"int"`}, 422, 42208},
		{"read of an invalid subject", "GET", "/subjects/bad%20name/versions", nil, 404, 40401},
		{"unknown subject", "GET", "/subjects/nobody/versions", nil, 404, 40401},
		{"unknown subject version", "GET", "/subjects/nobody/versions/1", nil, 404, 40401},
		{"unknown version", "GET", "/subjects/p/versions/9", nil, 404, 40402},
		{"version 0", "GET", "/subjects/p/versions/0", nil, 422, 42202},
		{"version -2", "GET", "/subjects/p/versions/-2", nil, 422, 42202},
		{"version too big", "GET", "/subjects/p/versions/2147483648", nil, 422, 42202},
		{"version not a number", "GET", "/subjects/p/versions/first", nil, 422, 42202},
		{"unknown schema ID", "GET", "/schemas/ids/999", nil, 404, 40403},
		{"schema ID not a number", "GET", "/schemas/ids/x", nil, 404, 40403},
		{"schema ID 0", "GET", "/schemas/ids/0/schema", nil, 404, 40403},
		{"bad boolean", "GET", "/subjects?deleted=maybe", nil, 400, 400},
		{"unsupported content type", "POST", "/subjects/p/versions", nil, 415, 415},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.status == 415 {
				r := e.doWith(t, tc.method, tc.path, `{"schema":"\"int\""}`, http.Header{"Content-Type": {"text/xml"}})
				if code, _ := r.errorCode(t); r.status != 415 || code != 415 {
					t.Errorf("status %d error_code %d, want 415", r.status, code)
				}
				return
			}
			e.wantError(t, tc.method, tc.path, tc.body, tc.status, tc.code)
		})
	}
}

// TestMediaTypes accepts the three JSON media types and answers in the one asked for.
func TestMediaTypes(t *testing.T) {
	e := newEnv(t)
	for _, ct := range []string{"application/vnd.schemaregistry.v1+json", "application/vnd.schemaregistry+json", "application/json", "application/json; charset=utf-8"} {
		r := e.doWith(t, "POST", "/subjects/m/versions", map[string]any{"schema": `"string"`}, http.Header{"Content-Type": {ct}})
		if r.status != 200 {
			t.Errorf("Content-Type %s: %d %s", ct, r.status, r.body)
		}
	}
	for accept, want := range map[string]string{
		"":                                    "application/vnd.schemaregistry.v1+json",
		"application/json, text/plain, */*":   "application/json",
		"application/vnd.schemaregistry+json": "application/vnd.schemaregistry+json",
		"*/*":                                 "application/vnd.schemaregistry.v1+json",
	} {
		r := e.doWith(t, "GET", "/subjects", nil, http.Header{"Accept": {accept}})
		if got := r.header.Get("Content-Type"); got != want {
			t.Errorf("Accept %q: Content-Type %q, want %q", accept, got, want)
		}
	}
}

// TestOversizeSchema refuses a schema above the service's limit with 42209 before parsing it.
func TestOversizeSchema(t *testing.T) {
	e := newEnv(t)
	big := `{"type":"record","name":"R","fields":[],"doc":"` + strings.Repeat("d", 700000) + `"}`
	e.wantError(t, "POST", "/subjects/big/versions", map[string]any{"schema": big}, 422, 42209)
}

// TestStoreFailures: a store that fails is 50001 with "internal error" (the cause is logged,
// not shown), and one that does not answer before the request's deadline is 50002.
func TestStoreFailures(t *testing.T) {
	e := newEnv(t)
	must(e.client.CreateSchema(t.Context(), "p", avroSchema(record(fID))))(t)

	req := httptest.NewRequest("GET", "/subjects/p/versions", nil)
	ctx, cancel := context.WithDeadline(req.Context(), time.Now().Add(-time.Second))
	defer cancel()
	w := httptest.NewRecorder()
	e.handler.ServeHTTP(w, req.WithContext(ctx))
	r := response{status: w.Code, body: w.Body.Bytes()}
	if code, _ := r.errorCode(t); w.Code != 500 || code != 50002 {
		t.Errorf("a request past its deadline: %d %s, want 500 with 50002", w.Code, w.Body)
	}

	e.db.Close()
	r = e.do(t, "GET", "/subjects", nil)
	code, msg := r.errorCode(t)
	if r.status != 500 || code != 50001 || msg != "internal error" {
		t.Errorf("a closed store: %d %s, want 500 with 50001 and internal error", r.status, r.body)
	}
}
