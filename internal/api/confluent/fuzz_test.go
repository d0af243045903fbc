package confluent_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzHandler sends arbitrary methods, paths, query strings and bodies to the router and the
// decoders: every answer is JSON, and no input is a 500.
func FuzzHandler(f *testing.F) {
	seeds := []struct{ method, path, body string }{
		{"GET", "/", ""},
		{"POST", "/subjects/s/versions", `{"schema":"\"int\""}`},
		{"POST", "/subjects/s/versions?normalize=true", `{"schema":"{\"type\":\"record\",\"name\":\"R\",\"fields\":[]}","schemaType":"AVRO"}`},
		{"POST", "/subjects/:.ctx:s/versions", `{"schema":"{\"type\":\"object\"}","schemaType":"JSON"}`},
		{"POST", "/contexts/.ctx/subjects/s/versions", `{"schema":"syntax = \"proto3\"; message M {}","schemaType":"PROTOBUF"}`},
		{"POST", "/subjects/s", `{"schema":"\"int\""}`},
		{"GET", "/subjects/s/versions/latest/schema", ""},
		{"GET", "/schemas/ids/1/versions?deleted=true", ""},
		{"PUT", "/config/s", `{"compatibility":"FULL_TRANSITIVE","normalize":true}`},
		{"DELETE", "/config", ""},
		{"POST", "/compatibility/subjects/s/versions/latest?verbose=true", `{"schema":"\"long\""}`},
		{"GET", "/subjects?subjectPrefix=:*:&deletedOnly=true", ""},
		{"POST", "/subjects/s/versions", `{"schema":"\"int\"","metadata":{"properties":{"a":"b"}},"ruleSet":{"domainRules":[]}}`},
		{"GET", "/subjects/%2F/versions/-1", ""},
		{"POST", "/subjects/r/versions", `{"schema":"{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"s\",\"type\":\"S\"}]}","references":[{"name":"S","subject":"s","version":-1}]}`},
		{"POST", "/subjects/pb/versions", `{"schemaType":"PROTOBUF","schema":"CgxzY2hlbWEucHJvdG8SBHNob3A="}`},
		{"GET", "/schemas/ids/1?format=serialized", ""},
		{"PUT", "/mode/s?force=true", `{"mode":"IMPORT"}`},
		{"POST", "/subjects/s/versions", `{"schema":"\"int\"","id":9,"version":3}`},
		{"DELETE", "/subjects/s/versions/latest?permanent=true", ""},
	}
	for _, s := range seeds {
		f.Add(s.method, s.path, s.body)
	}
	e := newEnvWith(f, options{maxBodyBytes: 1 << 16})
	f.Fuzz(func(t *testing.T, method, path, body string) {
		if !strings.HasPrefix(path, "/") {
			path = "/" + path
		}
		req, err := http.NewRequest(method, "http://carta"+path, strings.NewReader(body))
		if err != nil {
			return // not a request a client can send
		}
		req.Header.Set("Content-Type", "application/vnd.schemaregistry.v1+json")
		w := httptest.NewRecorder()
		e.handler.ServeHTTP(w, req)
		if w.Code >= 500 {
			t.Fatalf("%s %s %q: status %d: %s", method, path, body, w.Code, w.Body.Bytes())
		}
		raw := bytes.TrimSpace(w.Body.Bytes())
		if strings.HasSuffix(req.URL.Path, "/schema") && w.Code == 200 {
			return // the schema text itself
		}
		if !json.Valid(raw) {
			t.Fatalf("%s %s %q: status %d with a body that is not JSON: %s", method, path, body, w.Code, raw)
		}
		if w.Code >= 400 {
			var eb struct {
				ErrorCode *int    `json:"error_code"`
				Message   *string `json:"message"`
			}
			if json.Unmarshal(raw, &eb) != nil || eb.ErrorCode == nil || eb.Message == nil {
				t.Fatalf("%s %s %q: status %d without {error_code, message}: %s", method, path, body, w.Code, raw)
			}
		}
	})
}
